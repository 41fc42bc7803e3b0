"""The Qt canvas of the pipeline editor (NodeGraphQt). Only this package and app.gui import Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")
