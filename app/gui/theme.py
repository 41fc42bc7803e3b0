"""The window's theme: System (follow the desktop's palette), Light or Dark; remembered in QSettings.

A light desktop gets a light canvas, light nodes and light panels; the house dark look stays the
default where there is no desktop to follow (Qt's offscreen platform: renders and screenshots).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6 import QtCore, QtGui, QtWidgets

from app.gui.files import settings
from app.gui.look import stylesheet
from graph_editor.qt import style

SETTING = "theme"
_NO_DESKTOP = ("offscreen", "minimal")


class ThemeChoice(StrEnum):
    """What the View ▸ Theme menu offers."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def palette_is_light(palette: QtGui.QPalette) -> bool:
    """Whether a palette's window colour is light (what a light desktop theme gives)."""
    return palette.color(QtGui.QPalette.Window).lightness() >= 128


def system_prefers_light() -> bool:
    """Whether the desktop asks for a light look: its colour scheme, else its palette."""
    app = QtGui.QGuiApplication.instance()
    if app is None:
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == QtCore.Qt.ColorScheme.Light:
        return True
    if scheme == QtCore.Qt.ColorScheme.Dark:
        return False
    palette = QtGui.QGuiApplication.palette()
    if QtGui.QGuiApplication.platformName() in _NO_DESKTOP and not palette.resolveMask():
        return False  # Qt's built-in palette, not a user's choice: keep the house look
    return palette_is_light(palette)


def saved_choice() -> ThemeChoice:
    value = settings().value(SETTING, ThemeChoice.SYSTEM.value)
    try:
        return ThemeChoice(str(value))
    except ValueError:
        return ThemeChoice.SYSTEM


def resolve(choice: ThemeChoice) -> style.Theme:
    """The theme a choice means on this desktop now."""
    if choice == ThemeChoice.SYSTEM:
        return style.LIGHT if system_prefers_light() else style.DARK
    return style.THEMES[choice.value]


def apply(choice: ThemeChoice, canvas: object | None = None) -> style.Theme:
    """Switch the stylesheet and the canvas's colours to ``choice``; returns the theme used."""
    theme = resolve(choice)
    style.use(theme)
    app = QtWidgets.QApplication.instance()
    sheet = stylesheet(theme.name)
    # Setting the same sheet again re-polishes every widget of the process for nothing (each
    # new window did it at start-up; it crashed on a widget another window left half-deleted).
    if isinstance(app, QtWidgets.QApplication) and app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    if canvas is not None:
        canvas.graph.set_background_color(*theme.background)  # type: ignore[attr-defined]
        canvas.graph.set_grid_color(*theme.grid)  # type: ignore[attr-defined]
        for item in canvas.viewer().scene().items():  # type: ignore[attr-defined]
            item.update()  # nodes and ports cache their drawing: repaint them in the new colours
    return theme


def choose(choice: ThemeChoice, canvas: object | None = None) -> style.Theme:
    """The user picked a theme in the View menu: apply it and remember it."""
    settings().setValue(SETTING, choice.value)
    return apply(choice, canvas)


def theme_menu(
    parent: QtWidgets.QWidget, canvas: object, after: Callable[[], object] | None = None
) -> QtWidgets.QMenu:
    """View ▸ Theme: System / Light / Dark as exclusive choices, the saved one checked."""
    menu = QtWidgets.QMenu("&Theme", parent)
    menu.setObjectName("themeMenu")
    group = QtGui.QActionGroup(menu)
    group.setExclusive(True)
    saved = saved_choice()
    for choice, text in (
        (ThemeChoice.SYSTEM, "&System"),
        (ThemeChoice.LIGHT, "&Light"),
        (ThemeChoice.DARK, "&Dark"),
    ):
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(choice == saved)
        action.setData(choice.value)
        group.addAction(action)
        action.triggered.connect(
            lambda _checked=False, c=choice: (choose(c, canvas), after and after())
        )
    return menu
