"""Wires as a user handles them on the canvas: click one to select it, Delete it, Ctrl+Y to
redo; while dragging a wire the ports it may end on are lit and the others dimmed."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest

from tests.gui.driving import activate

pytestmark = pytest.mark.qt


def _wire_item(win, src: str, dst: str):
    pipeline = win.document.pipeline
    a, b = pipeline.node_by_name(src).id, pipeline.node_by_name(dst).id
    for pipe in win.canvas.viewer().all_pipes():
        if (pipe.output_port.node.id, pipe.input_port.node.id) == (
            win.canvas.view_of(a).id,
            win.canvas.view_of(b).id,
        ):
            return pipe
    raise AssertionError(f"no wire {src} -> {dst} drawn")


def _free_point_on(win, pipe) -> QtCore.QPoint:
    """A point of the wire that no node covers, in viewport coordinates."""
    viewer = win.canvas.viewer()
    nodes = [v.view.sceneBoundingRect().adjusted(-8, -8, 8, 8) for v in win.canvas.views()]
    for step in range(20, 80, 3):
        point = pipe.path().pointAtPercent(step / 100)
        if not any(rect.contains(point) for rect in nodes):
            return viewer.mapFromScene(point)
    raise AssertionError("every point of the wire is under a node")


def _click(win, point: QtCore.QPoint) -> None:
    QTest.mouseClick(
        win.canvas.viewer().viewport(), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, point
    )


def _selected_wires(win) -> list:
    return win.canvas.viewer().selected_pipes()


def test_a_clicked_wire_is_selected_and_delete_removes_it_undoably(window, qtbot):
    pipeline = window.document.pipeline
    window.canvas.fit_all()
    edges_before = pipeline.edges
    pipe = _wire_item(window, "prepare_data", "feature_stats")
    _click(window, _free_point_on(window, pipe))
    selected = _selected_wires(window)
    assert len(selected) == 1, "a click on a wire selects it"
    assert selected[0].input_port.node.name == "feature_stats"
    assert pipeline.edges == edges_before, "a click changes no wire"
    assert window.canvas.selected_ids() == []  # the wire, not a node

    activate(window, qtbot)
    QTest.keyClick(window.canvas.viewer(), QtCore.Qt.Key_Delete)
    prep, stats = pipeline.node_by_name("prepare_data"), pipeline.node_by_name("feature_stats")
    gone = [e for e in edges_before if (e.source, e.target) == (prep.id, stats.id)]
    assert gone and all(not pipeline.has_edge(e) for e in gone)
    assert len(window.canvas.viewer().all_pipes()) == len(pipeline.edges) == len(edges_before) - 1
    assert window.document.undo_stack.undoText().startswith("delete")

    QTest.keyClick(window.canvas.viewer(), QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert pipeline.edges == edges_before
    QTest.keyClick(window.canvas.viewer(), QtCore.Qt.Key_Y, QtCore.Qt.ControlModifier)
    assert len(pipeline.edges) == len(edges_before) - 1, "Ctrl+Y redoes the delete"


def test_ctrl_y_redoes_like_ctrl_shift_z(window, qtbot):
    redo = window.actions_by_name["redo"]
    shortcuts = {s.toString() for s in redo.shortcuts()}
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= shortcuts
    pipeline = window.document.pipeline
    node = pipeline.node_by_name("compare_models")
    window.canvas.select_ids([node.id])
    window.actions_by_name["delete"].trigger()
    assert not pipeline.has_node(node.id)
    activate(window, qtbot)
    QTest.keyClick(window, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert pipeline.has_node(node.id)
    QTest.keyClick(window, QtCore.Qt.Key_Y, QtCore.Qt.ControlModifier)
    assert not pipeline.has_node(node.id)


def test_dragging_a_wire_lights_the_ports_it_fits_and_dims_the_rest(window, qtbot):
    from graph_editor.qt.wire_gestures import DIMMED, LIT, hint_of

    pipeline = window.document.pipeline
    window.canvas.fit_all()
    viewer = window.canvas.viewer()
    start = window.canvas.view_of(pipeline.node_by_name("prepare_data").id).outputs()["rows"].view
    mlp = window.canvas.view_of(pipeline.node_by_name("train_mlp").id).inputs()
    a = viewer.mapFromScene(start.sceneBoundingRect().center())
    viewport = viewer.viewport()
    QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, a)
    QTest.mouseMove(viewport, a + QtCore.QPoint(40, 30))
    try:
        assert hint_of(mlp["epochs"].view) == LIT  # int -> int
        assert hint_of(mlp["train"].view) == DIMMED  # int -> dataframe
        assert mlp["train"].view.opacity() < 0.5 <= mlp["epochs"].view.opacity()
        own = window.canvas.view_of(pipeline.node_by_name("prepare_data").id)
        assert all(hint_of(p.view) is None for p in own.input_ports()), "its own node: no hint"
        image = QtGui.QImage(viewport.size(), QtGui.QImage.Format_ARGB32)
        viewport.render(image)  # painting the lit ring must not fail
    finally:
        QTest.mouseRelease(
            viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, a + QtCore.QPoint(40, 30)
        )
    qtbot.wait(10)
    assert hint_of(mlp["epochs"].view) is None and mlp["train"].view.opacity() == 1.0


def test_holding_ctrl_shows_no_deselect_hint_on_the_canvas(window, qtbot):
    viewer = window.canvas.viewer()
    viewer.setFocus()
    QTest.keyPress(viewer, QtCore.Qt.Key_Control, QtCore.Qt.ControlModifier)
    scene = viewer.scene()
    texts = [
        i
        for i in scene.items()
        if isinstance(i, QtWidgets.QGraphicsTextItem) and "Deselect" in i.toPlainText()
    ]
    QTest.keyRelease(viewer, QtCore.Qt.Key_Control, QtCore.Qt.NoModifier)
    assert all(i.opacity() == 0.0 or not i.isVisible() for i in texts)
