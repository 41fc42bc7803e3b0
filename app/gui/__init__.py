"""The Qt main window, dialogs and background workers (the only app package importing Qt)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")
