"""The light theme's start card is readable (it was dark text on dark), and a 1066-pixel window
still shows Export Preview and Deploy on the toolbar (as icons: labels need ~1300 px)."""

from __future__ import annotations

import pytest
from PySide6 import QtGui, QtWidgets

pytestmark = pytest.mark.qt


@pytest.fixture(autouse=True)
def _house_look_afterwards():
    yield
    from app.gui import theme

    theme.apply(theme.ThemeChoice.DARK)


@pytest.fixture
def blank(qtbot):
    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    application()
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    win.resize(1400, 850)
    win.show()
    qtbot.waitExposed(win)
    return win


def _luminance(color: QtGui.QColor) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.red())
        + 0.7152 * channel(color.green())
        + 0.0722 * channel(color.blue())
    )


def _contrast_of(widget: QtWidgets.QWidget) -> float:
    """The contrast ratio between a widget's background and its text, as painted."""
    image = widget.grab().toImage()
    colors = [
        image.pixelColor(x, y)
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    ]
    background = image.pixelColor(image.width() - 6, image.height() // 2)
    base = _luminance(background)
    farthest = max(colors, key=lambda c: abs(_luminance(c) - base))
    lighter, darker = sorted((_luminance(farthest), base), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_the_start_cards_text_is_readable_in_both_themes(blank, choice):
    from app.gui import theme

    theme.choose(theme.ThemeChoice(choice), blank.canvas)
    note = blank.findChild(QtWidgets.QLabel, "portsNote")
    assert blank.start.on_start_page and note.isVisible()
    assert _contrast_of(note) >= 7.0, "the card's text does not stand out from its background"


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_a_1066_pixel_window_keeps_export_and_deploy_on_the_toolbar(blank, qtbot, choice):
    from app.gui import theme

    theme.choose(theme.ThemeChoice(choice), blank.canvas)
    toolbar = blank.findChild(QtWidgets.QToolBar, "MainToolBar")
    blank.resize(1066, 800)
    qtbot.waitUntil(lambda: toolbar.width() <= 1066)
    for name in ("export", "deploy", "run", "validate"):
        button = toolbar.widgetForAction(blank.actions_by_name[name])
        qtbot.waitUntil(button.isVisible)
        assert toolbar.rect().contains(button.geometry()), name
        assert button.width() >= 20
    assert toolbar.toolButtonStyle() == QtGui.Qt.ToolButtonIconOnly
    assert toolbar.widgetForAction(blank.actions_by_name["deploy"]).toolTip()
    blank.resize(1400, 800)
    qtbot.waitUntil(lambda: toolbar.toolButtonStyle() == QtGui.Qt.ToolButtonTextBesideIcon)
