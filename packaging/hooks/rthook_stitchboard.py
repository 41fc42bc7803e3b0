"""Runtime hook of the frozen app: runs before the entry script, on every start (keep it cheap)."""

from __future__ import annotations

import os

# NodeGraphQt imports Qt through Qt.py; only PySide6 travels in the bundle.
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")
