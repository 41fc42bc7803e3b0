"""The overview in the canvas's corner: it shows every node and the visible area; a click or a drag
in it moves the canvas there (issue #12: "a minimap/navigator for large graphs")."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui
from PySide6.QtTest import QTest

from tests.gui.driving import activate, key, wheel

pytestmark = pytest.mark.qt


def _zoom_in(window, qtbot, notches: int = 6) -> None:
    viewport = window.canvas.viewer().viewport()
    for _ in range(notches):
        wheel(viewport, 1)
    qtbot.wait(20)


def _view_center(window) -> QtCore.QPointF:
    viewer = window.canvas.viewer()
    return viewer.mapToScene(viewer.viewport().rect().center())


def _node_center(window, name: str) -> QtCore.QPointF:
    node = window.document.pipeline.node_by_name(name)
    return window.canvas.view_of(node.id).view.sceneBoundingRect().center()


def _in_map(minimap, scene_point: QtCore.QPointF) -> QtCore.QPoint:
    return minimap._transform().map(scene_point).toPoint()


def test_the_overview_sits_in_the_canvas_corner_and_draws_every_node(window, qtbot):
    minimap = window.tools.minimap
    qtbot.waitUntil(minimap.isVisible)
    viewport = window.canvas.viewer().viewport()
    corner = viewport.mapTo(window, viewport.rect().bottomRight())
    assert (minimap.mapTo(window, minimap.rect().bottomRight()) - corner).manhattanLength() < 40
    minimap.refresh()
    image = minimap.grab().toImage()
    from graph_editor.qt import style

    theme = style.current()

    def nearer_node_than_background(colour: QtGui.QColor) -> bool:
        rgb = (colour.red(), colour.green(), colour.blue())
        to_node = sum(abs(a - b) for a, b in zip(rgb, theme.minimap_node, strict=True))
        to_back = sum(abs(a - b) for a, b in zip(rgb, theme.minimap_back[:3], strict=True))
        return to_node < to_back  # the visible-area frame tints both alike

    ratio = image.devicePixelRatio()
    for node in window.document.pipeline.nodes:
        at = _in_map(minimap, _node_center(window, node.name)) * ratio
        assert nearer_node_than_background(image.pixelColor(at)), node.name
    assert not nearer_node_than_background(image.pixelColor(QtCore.QPoint(4, 4) * ratio))


def test_a_click_in_the_overview_centres_the_canvas_there_at_the_same_zoom(window, qtbot):
    minimap = window.tools.minimap
    qtbot.waitUntil(minimap.isVisible)
    _zoom_in(window, qtbot)
    scale = window.canvas.viewer().transform().m11()
    target = _node_center(window, "feature_stats")
    assert (_view_center(window) - target).manhattanLength() > 50  # not there yet
    QTest.mouseClick(minimap, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, _in_map(minimap, target))
    tolerance = 2.0 / minimap._transform().m11()  # one overview pixel, in scene units
    assert (_view_center(window) - target).manhattanLength() <= 2 * tolerance
    assert window.canvas.viewer().transform().m11() == pytest.approx(scale)
    assert not window.document.dirty  # looking around is not an edit


def test_dragging_in_the_overview_pans_the_canvas_along(window, qtbot):
    minimap = window.tools.minimap
    qtbot.waitUntil(minimap.isVisible)
    _zoom_in(window, qtbot)
    a, b = _node_center(window, "prepare_data"), _node_center(window, "compare_models")
    pa, pb = _in_map(minimap, a), _in_map(minimap, b)
    QTest.mousePress(minimap, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pa)
    centres = []
    for step in range(1, 5):
        QTest.mouseMove(minimap, pa + (pb - pa) * (step / 4))
        centres.append(_view_center(window).x())
    QTest.mouseRelease(minimap, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pb)
    assert centres == sorted(centres) and centres[-1] - centres[0] > 100
    assert abs(_view_center(window).x() - b.x()) < 4.0 / minimap._transform().m11()
    # the overview's frame shows where the canvas looks now
    view = minimap._transform().mapRect(minimap.visible_rect())
    assert view.contains(QtCore.QPointF(pb))


def test_the_overview_follows_an_added_node_and_can_be_hidden_for_good(window, qtbot):
    from app.gui.files import settings
    from graph_editor.nodes import NodeKind

    minimap = window.tools.minimap
    qtbot.waitUntil(minimap.isVisible)
    window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (3000.0, 2000.0))
    qtbot.waitUntil(lambda: len(minimap.node_rects()) == 6)
    qtbot.waitUntil(lambda: minimap._world.contains(QtCore.QPointF(3000.0, 2000.0)))
    activate(window, qtbot)
    key(window, QtCore.Qt.Key_M, QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier)
    assert not minimap.isVisible()
    assert settings().value("minimap", type=bool) is False
    key(window, QtCore.Qt.Key_M, QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier)
    assert minimap.isVisible()
