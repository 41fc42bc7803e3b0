"""Comments on the canvas, driven with mouse and keyboard: add, type, move, resize, delete, undo, save."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtTest import QTest

from tests.gui.driving import activate, click_node, key

pytestmark = pytest.mark.qt


def _viewport(window):
    return window.canvas.viewer().viewport()


def _on_screen(window, scene_point: QtCore.QPointF) -> QtCore.QPoint:
    return window.canvas.viewer().mapFromScene(scene_point)


def _header(window, item) -> QtCore.QPoint:
    """A point on a comment's text band (where it is grabbed) with nothing drawn over it."""
    scene = window.canvas.viewer().scene()
    for x in range(int(item.size().width()) - 30, 0, -10):
        point = item.mapToScene(QtCore.QPointF(x, 10))
        if scene.items(point)[:1] == [item]:
            return _on_screen(window, point)
    raise AssertionError("the comment's text band is covered")


def _drag(viewport, a: QtCore.QPoint, b: QtCore.QPoint, qtbot) -> None:
    QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, a)
    for step in range(1, 6):
        QTest.mouseMove(viewport, a + (b - a) * (step / 5))
    QTest.mouseRelease(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, b)
    qtbot.wait(10)


def _empty_spot(window) -> QtCore.QPoint:
    """A point of the viewport with no node and no comment under it."""
    viewer = window.canvas.viewer()
    port = viewer.viewport().rect()
    for x in range(20, port.width(), 40):
        for y in range(20, port.height(), 40):
            point = QtCore.QPoint(x, y)
            if not viewer.scene().items(viewer.mapToScene(point)):
                if not window.tools.minimap.geometry().contains(point):
                    return point
    raise AssertionError("no empty spot on the canvas")


def _add_comment_around(window, qtbot, name: str, text: str):
    activate(window, qtbot)
    click_node(window, name)
    key(window, QtCore.Qt.Key_C, QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier)
    comments = window.document.pipeline.comments
    qtbot.waitUntil(lambda: len(comments) == 1)
    item = window.tools.comments.items[next(iter(comments)).id]
    assert item.editor is not None and item.editor.hasFocus()
    QTest.keyClicks(window.canvas.viewer(), text)
    QTest.mouseClick(
        _viewport(window), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, _empty_spot(window)
    )
    qtbot.waitUntil(lambda: item.editor is None)
    return item


def test_a_comment_typed_around_a_node_is_saved_in_the_file_and_undone_step_by_step(
    window, qtbot, example_copy
):
    pipeline = window.document.pipeline
    before = example_copy.read_bytes()
    item = _add_comment_around(window, qtbot, "train_mlp", "Fast MLP baseline, fit first")
    (comment,) = pipeline.comments
    assert comment.text == "Fast MLP baseline, fit first"
    node_rect = window.canvas.nodes_rect([pipeline.node_by_name("train_mlp").id])
    assert item.sceneBoundingRect().contains(node_rect)  # it frames the selected node
    assert pipeline.node_by_name("train_mlp").name == "train_mlp"  # typing went to the comment
    assert window.isWindowModified()

    key(window, QtCore.Qt.Key_S, QtCore.Qt.ControlModifier)
    saved = json.loads(example_copy.read_text(encoding="utf-8"))
    assert [c["text"] for c in saved["comments"]] == ["Fast MLP baseline, fit first"]

    window.actions_by_name["undo"].trigger()
    assert next(iter(pipeline.comments)).text == "Comment"
    window.actions_by_name["undo"].trigger()
    assert len(pipeline.comments) == 0 and not window.tools.comments.items
    window.actions_by_name["redo"].trigger()
    assert len(window.tools.comments.items) == 1
    window.actions_by_name["undo"].trigger()
    key(window, QtCore.Qt.Key_S, QtCore.Qt.ControlModifier)
    assert example_copy.read_bytes() == before


def test_a_comment_dragged_by_its_header_and_its_corner_moves_and_resizes_as_one_step_each(
    window, qtbot
):
    item = _add_comment_around(window, qtbot, "prepare_data", "Inputs")
    comments = window.document.pipeline.comments
    cid = item.comment_id
    start = comments.get(cid)
    scale = window.canvas.viewer().transform().m11()
    corner = _on_screen(window, item.mapToScene(item.grip_rect().center()))
    _drag(_viewport(window), corner, corner + QtCore.QPoint(50, 30), qtbot)
    resized = comments.get(cid)
    assert resized.position == start.position
    assert resized.size[0] == pytest.approx(start.size[0] + 50 / scale, abs=3)
    assert resized.size[1] == pytest.approx(start.size[1] + 30 / scale, abs=3)

    a = _header(window, item)
    _drag(_viewport(window), a, a + QtCore.QPoint(60, 40), qtbot)
    moved = comments.get(cid)
    assert moved.position[0] == pytest.approx(start.position[0] + 60 / scale, abs=2)
    assert moved.position[1] == pytest.approx(start.position[1] + 40 / scale, abs=2)
    assert moved.size == resized.size

    window.actions_by_name["undo"].trigger()
    assert comments.get(cid).position == start.position
    window.actions_by_name["undo"].trigger()
    assert comments.get(cid).size == start.size
    assert item.pos() == QtCore.QPointF(*start.position)  # the drawing follows the model


def test_a_rubber_band_inside_a_big_comment_still_selects_nodes(window, qtbot):
    from graph_editor.nodes import NodeKind

    window.actions_by_name["new"].trigger()
    pipeline = window.document.pipeline
    lone = window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, 0.0))
    window.canvas.fit_all()
    item = _add_comment_around(window, qtbot, lone.name, "x")
    node = window.canvas.view_of(lone.id).view
    box, shape = item.sceneBoundingRect(), node.sceneBoundingRect()
    start = _on_screen(window, QtCore.QPointF(box.left() + 12, box.bottom() - 6))
    end = _on_screen(window, shape.topRight() + QtCore.QPointF(6, -6))
    assert box.contains(window.canvas.viewer().mapToScene(start))  # pressed inside the comment
    window.canvas.clear_selection()
    before = pipeline.comments.get(item.comment_id).position
    _drag(_viewport(window), start, end, qtbot)
    assert window.canvas.selected_ids() == [lone.id]
    assert pipeline.comments.get(item.comment_id).position == before  # the comment stayed put
    assert item.pos() == QtCore.QPointF(*before)


def test_clicking_a_comment_then_delete_removes_it_and_undo_brings_it_back(window, qtbot):
    item = _add_comment_around(window, qtbot, "feature_stats", "Stats")
    comments = window.document.pipeline.comments
    nodes = len(window.document.pipeline)
    window.canvas.clear_selection()
    QTest.mouseClick(
        _viewport(window), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, _header(window, item)
    )
    assert item.isSelected()
    window.canvas.viewer().setFocus()
    key(window, QtCore.Qt.Key_Delete)
    assert len(comments) == 0 and item.scene() is None
    assert len(window.document.pipeline) == nodes  # only the comment went
    window.actions_by_name["undo"].trigger()
    (back,) = comments
    assert back.text == "Stats" and back.id in window.tools.comments.items


def test_escape_while_typing_keeps_the_old_text(window, qtbot):
    item = _add_comment_around(window, qtbot, "train_logreg", "Keep me")
    point = _header(window, item)
    QTest.mouseDClick(_viewport(window), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, point)
    qtbot.waitUntil(lambda: item.editor is not None)
    QTest.keyClicks(window.canvas.viewer(), "gone")
    QTest.keyClick(window.canvas.viewer(), QtCore.Qt.Key_Escape)
    qtbot.waitUntil(lambda: item.editor is None)
    assert item.comment.text == "Keep me"


def test_opening_another_file_shows_its_own_comments(window, qtbot, tmp_path):
    from graph_editor import fileformat
    from graph_editor.comments import Comment

    other = fileformat.load(window.document.path)
    other.comments.add(Comment("c9", "From the other file", (0, 0)))
    path = tmp_path / "other.stitch"
    fileformat.save(other, path)
    _add_comment_around(window, qtbot, "train_mlp", "mine")
    window.document.undo_stack.setClean()
    window.files.open_file(path)
    items = window.tools.comments.items
    assert list(items) == ["c9"]
    scene = window.canvas.viewer().scene()
    drawn = [i for i in scene.items() if i.__class__.__name__ == "CommentItem"]
    assert drawn == [items["c9"]]
    assert QtWidgets.QApplication.activeModalWidget() is None
