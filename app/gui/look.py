"""The window's look: the one stylesheet and the SVG icons, found with importlib.resources."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from PySide6 import QtGui


@lru_cache(maxsize=2)
def stylesheet(theme: str = "dark") -> str:
    """The window's stylesheet for the ``dark`` (house) or ``light`` theme."""
    name = "stitchboard-light.qss" if theme == "light" else "stitchboard.qss"
    return resources.files("resources").joinpath(f"style/{name}").read_text(encoding="utf-8")


def icon(name: str) -> QtGui.QIcon:
    """An icon from ``resources/icons/<name>.svg`` (Qt renders SVG sharply at any DPI)."""
    path = resources.files("resources").joinpath(f"icons/{name}.svg")
    return QtGui.QIcon(str(path))
