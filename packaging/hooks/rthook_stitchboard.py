"""Runtime hook of the frozen app: runs before the entry script, on every start (keep it cheap)."""

from __future__ import annotations

import os
import sys

# NodeGraphQt imports Qt through Qt.py; only PySide6 travels in the bundle.
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")

# The bootloader points LD_LIBRARY_PATH at the bundle. Children (Jupyter kernels, script jobs,
# git) must not inherit it, or an outside Python loads the bundle's libssl/libzmq. The dynamic
# loader read the variable when this process started, so the frozen app itself is unaffected.
_original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
if _original is not None:
    os.environ["LD_LIBRARY_PATH"] = _original
elif os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)[0] == getattr(sys, "_MEIPASS", None):
    os.environ.pop("LD_LIBRARY_PATH", None)
