"""Runtime hook of the frozen app: runs before the entry script, on every start (keep it cheap)."""

from __future__ import annotations

import os
import shutil
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

# A frozen app has no Python to lend: sys.executable is the stitchboard binary. Everything that
# starts "a Python" (script jobs, Jupyter's python3 kernelspec, the airflow-local venv) gets the
# user's instead: $STITCHBOARD_PYTHON, else python3 on PATH. The app itself never re-runs
# sys.executable (no multiprocessing spawn), so nothing needs the frozen binary's path there.
if getattr(sys, "frozen", False):
    _python = os.environ.get("STITCHBOARD_PYTHON") or shutil.which("python3")
    if _python:
        os.environ.setdefault("STITCHBOARD_BUNDLE_EXECUTABLE", sys.executable)
        sys.executable = _python
