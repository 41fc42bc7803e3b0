"""View ▸ Theme: Light makes canvas, nodes and panels light, Dark brings the house look back, the
choice is remembered, and System follows a light desktop palette (issue #12)."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest

pytestmark = pytest.mark.qt


@pytest.fixture(autouse=True)
def _house_look_afterwards():
    """The theme is application-wide: leave the dark house look for the next test."""
    yield
    from app.gui import theme

    QtGui.QGuiApplication.setPalette(QtGui.QPalette())
    theme.apply(theme.ThemeChoice.DARK)


def _lightness(widget: QtWidgets.QWidget, point: QtCore.QPoint) -> int:
    image = widget.grab().toImage()
    return image.pixelColor(point * image.devicePixelRatio()).lightness()


def _empty_canvas_point(window) -> QtCore.QPoint:
    viewer = window.canvas.viewer()
    port = viewer.viewport().rect()
    for x in range(10, port.width(), 25):
        point = QtCore.QPoint(x, 10)
        if not viewer.scene().items(viewer.mapToScene(point)):
            return point
    raise AssertionError("no empty canvas point")


def _node_body_point(window, name: str) -> QtCore.QPoint:
    """A point of a node's body below its header, beside its captions."""
    node = window.document.pipeline.node_by_name(name)
    rect = window.canvas.view_of(node.id).view.sceneBoundingRect()
    viewer = window.canvas.viewer()
    return viewer.mapFromScene(QtCore.QPointF(rect.center().x(), rect.bottom() - 4))


def _choose_theme(window, qtbot, text: str) -> None:
    """Open View ▸ Theme and click an entry with the mouse."""
    menu = window.findChild(QtWidgets.QMenu, "themeMenu")
    menu.popup(window.mapToGlobal(QtCore.QPoint(200, 100)))
    qtbot.waitUntil(menu.isVisible)
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    QTest.mouseClick(
        menu, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, menu.actionGeometry(action).center()
    )
    qtbot.waitUntil(lambda: not menu.isVisible())


def _looks(window) -> tuple[int, int, int]:
    viewport = window.canvas.viewer().viewport()
    panel = window.properties
    return (
        _lightness(viewport, _empty_canvas_point(window)),
        _lightness(viewport, _node_body_point(window, "train_mlp")),
        _lightness(panel, QtCore.QPoint(panel.width() - 6, panel.height() - 6)),
    )


def test_light_then_dark_from_the_view_menu_and_the_choice_is_remembered(
    window, qtbot, example_copy
):
    from app.gui.document import Document
    from app.gui.main_window import MainWindow

    window.canvas.fit_all()
    assert all(v < 100 for v in _looks(window)), _looks(window)  # the dark house look offscreen
    _choose_theme(window, qtbot, "Light")
    qtbot.wait(20)
    canvas, node, panel = _looks(window)
    assert canvas > 200 and node > 200 and panel > 200

    again = MainWindow(Document.open(example_copy))  # the next start: still light
    qtbot.addWidget(again, before_close_func=lambda w: w.document.undo_stack.setClean())
    again.resize(1200, 800)
    again.show()
    qtbot.waitExposed(again)
    checked = [
        a.text() for a in again.findChild(QtWidgets.QMenu, "themeMenu").actions() if a.isChecked()
    ]
    assert checked == ["&Light"]
    assert _lightness(again.canvas.viewer().viewport(), _empty_canvas_point(again)) > 200

    _choose_theme(window, qtbot, "Dark")
    qtbot.wait(20)
    assert all(v < 100 for v in _looks(window))


def test_system_follows_a_light_desktop_palette_and_keeps_dark_on_a_dark_one(window, qtbot):
    from app.gui import theme

    light = QtGui.QPalette(QtGui.QColor(240, 240, 240))
    QtGui.QGuiApplication.setPalette(light)
    _choose_theme(window, qtbot, "System")
    qtbot.wait(20)
    assert all(v > 200 for v in _looks(window)), _looks(window)

    QtGui.QGuiApplication.setPalette(QtGui.QPalette(QtGui.QColor(40, 42, 48)))
    assert theme.resolve(theme.ThemeChoice.SYSTEM).name == "dark"
    _choose_theme(window, qtbot, "System")
    qtbot.wait(20)
    assert all(v < 100 for v in _looks(window)), _looks(window)
