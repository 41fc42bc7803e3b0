"""A big pipeline paints its top-left corner first, at a zoom where names are readable, and the
other nodes and wires follow in slices; edits made meanwhile land; a node drag leaves no stale
pixels (issue #12, problem 8) and looks only at the items near the node (the drag frame
target). Sizes are scaled down (the slicing threshold is lowered) so the test stays quick;
benchmarks/bench_editor.py measures 1000 nodes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore
from PySide6.QtTest import QTest

from tests.gui.test_perf_smoke import _big_pipeline

pytestmark = pytest.mark.qt


@pytest.fixture
def sliced(monkeypatch):
    import graph_editor.qt.canvas as canvas_module
    from graph_editor.qt import lazy_build

    monkeypatch.setattr(canvas_module, "EAGER_MAX", 20)
    monkeypatch.setattr(lazy_build, "SLICE", 9)
    monkeypatch.setattr(lazy_build, "FIRST_AREA", (900.0, 500.0))


def _open(qtbot, path: Path):
    from app.gui.document import Document
    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    application()
    win = MainWindow(Document.open(path))
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_big_pipeline_paints_a_readable_corner_first_then_every_node_and_wire(
    qtbot, tmp_path, sliced
):
    win = _open(qtbot, _big_pipeline(tmp_path, 80))
    canvas, pipeline = win.canvas, win.document.pipeline
    first = canvas._sliced.first_ids
    assert 0 < len(first) < len(pipeline)
    qtbot.waitUntil(lambda: canvas._sliced.done, timeout=60000)
    qtbot.wait(50)
    assert len(canvas.all_nodes()) == len(pipeline) == 80
    assert len(canvas.viewer().all_pipes()) == len(pipeline.edges) == 72 * 2 + 1
    broken = canvas.view_of("n0001").outputs()["gone"]
    assert [p.node().sid for p in broken.connected_ports()] == ["n0005"]
    for node in pipeline.nodes:
        assert tuple(canvas.view_of(node.id).pos()) == node.position
    assert not win.isWindowModified()


def test_the_first_frame_is_zoomed_for_reading_not_to_a_line(qtbot, tmp_path, sliced):
    win = _open(qtbot, _big_pipeline(tmp_path, 80))
    qtbot.wait(50)
    scale = win.canvas.viewer().transform().m11()
    assert scale >= 0.5  # node names stay legible (a fit to everything gave a 1-pixel line)


def test_edits_while_the_rest_is_still_being_built_are_kept(qtbot, tmp_path, sliced):
    win = _open(qtbot, _big_pipeline(tmp_path, 80))
    canvas, pipeline = win.canvas, win.document.pipeline
    waiting = [n.id for n in pipeline.nodes if n.id not in canvas._views]
    assert waiting  # the build is not finished yet
    gone, renamed = waiting[-1], waiting[-2]
    canvas.select_ids([gone])  # selecting a node not drawn yet draws everything first
    assert canvas.selected_ids() == [gone]
    win.tools.delete_selection()
    from graph_editor.qt.commands import UpdateNodeCommand

    win.push(UpdateNodeCommand(pipeline, renamed, {"name": "late_name"}))
    qtbot.waitUntil(lambda: canvas._sliced.done, timeout=60000)
    assert gone not in canvas._views and not pipeline.has_node(gone)
    assert canvas.view_of(renamed).name() == "late_name"
    assert len(canvas.viewer().all_pipes()) == len(pipeline.edges)
    assert all(gone not in (e.source, e.target) for e in pipeline.edges)


def _on_screen(widget) -> object:
    """What the window system holds for a widget now (its backing store, not a fresh render)."""
    from PySide6 import QtGui

    top = widget.window()
    origin = widget.mapTo(top, QtCore.QPoint(0, 0))
    screen = QtGui.QGuiApplication.primaryScreen()
    return screen.grabWindow(
        top.winId(), origin.x(), origin.y(), widget.width(), widget.height()
    ).toImage()


def test_dragging_a_node_leaves_no_stale_pixels(window, qtbot):
    from tests.gui.driving import node_point

    viewport = window.canvas.viewer().viewport()
    start = node_point(window, "train_mlp")
    QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    for step in range(1, 8):
        QTest.mouseMove(viewport, start + QtCore.QPoint(9 * step, 6 * step))
        qtbot.wait(5)
    QTest.mouseRelease(
        viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start + QtCore.QPoint(63, 42)
    )
    qtbot.wait(400)  # the debounced validation and its badges have been drawn too
    shown = _on_screen(viewport)
    node_at = node_point(window, "train_mlp")
    assert shown.pixelColor(node_at) != shown.pixelColor(2, 2)  # a real picture, node included
    shown = _on_screen(viewport)  # node_point may have scrolled
    viewport.repaint()  # everything painted afresh: what the screen must already show
    assert _on_screen(viewport) == shown
    moved = window.document.pipeline.node_by_name("train_mlp").position
    assert window.isWindowModified() and moved != (0.0, 0.0)


def _labels_asked(monkeypatch) -> list:
    """Every port caption Qt asks for its bounding rect (a paint or a lookup does); patched
    before the captions exist, since PySide looks a Python override up once per item."""
    from graph_editor.qt.port_items import PortLabel

    asked: list = []
    rect_of = PortLabel.boundingRect

    def counting(self):
        asked.append(self)
        return rect_of(self)

    monkeypatch.setattr(PortLabel, "boundingRect", counting)
    return asked


def _captions_touched_by_a_drag(window, qtbot, asked: list, name: str) -> int:
    """Show a node at 100 % (captions drawn), drag it a few steps letting Qt paint each frame,
    and say how many captions Qt looked at meanwhile."""
    from PySide6 import QtWidgets

    from graph_editor.qt.ngqt_private import show_scene_rect

    qtbot.wait(50)  # the window's queued zoom to fit has run
    viewer = window.canvas.viewer()
    viewport = viewer.viewport()
    node = window.document.pipeline.node_by_name(name)
    center = window.canvas.nodes_rect([node.id]).center()
    shown = QtCore.QRectF(QtCore.QPointF(0, 0), QtCore.QSizeF(viewport.size()))
    shown.moveCenter(center)
    show_scene_rect(viewer, shown)
    window.canvas.update_proxy_modes()
    qtbot.wait(20)
    start = viewer.mapFromScene(center)
    QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    asked.clear()
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + QtCore.QPoint(6 * step, 4 * step))
        QtWidgets.QApplication.processEvents()  # the frame: Qt paints what the move changed
    touched = len({id(label) for label in asked})
    QTest.mouseRelease(
        viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start + QtCore.QPoint(30, 20)
    )
    moved = window.document.pipeline.node(node.id).position
    assert moved[0] > node.position[0] and moved[1] > node.position[1]  # it was dragged
    return touched


def _caption_count(window) -> int:
    from graph_editor.qt.port_items import PortLabel

    return sum(isinstance(i, PortLabel) for i in window.canvas.viewer().scene().items())


@pytest.mark.parametrize("opening", ["at once", "in slices"])
def test_a_drag_in_a_big_pipeline_draws_only_what_is_near_the_node(
    qtbot, tmp_path, monkeypatch, request, opening
):
    # Qt's scene index once split an empty rect after a sliced open: every frame of a drag
    # looked at every item of the pipeline (~90 ms a frame at 1000 nodes, issue #12).
    if opening == "in slices":
        request.getfixturevalue("sliced")
    asked = _labels_asked(monkeypatch)
    win = _open(qtbot, _big_pipeline(tmp_path, 200))
    if win.canvas._sliced is not None:
        qtbot.waitUntil(lambda: win.canvas._sliced.done, timeout=60000)
    touched = _captions_touched_by_a_drag(win, qtbot, asked, "task_105")
    assert 0 < touched < _caption_count(win) / 10


def test_opening_another_big_pipeline_mid_build_keeps_drags_local(
    qtbot, tmp_path, sliced, monkeypatch
):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    asked = _labels_asked(monkeypatch)
    win = _open(qtbot, _big_pipeline(first, 120))
    assert not win.canvas._sliced.done  # the first one is still being built
    assert win.files.open_file(_big_pipeline(second, 200))
    qtbot.waitUntil(lambda: win.canvas._sliced.done, timeout=60000)
    assert len(win.canvas.all_nodes()) == 200
    touched = _captions_touched_by_a_drag(win, qtbot, asked, "task_105")
    assert 0 < touched < _caption_count(win) / 10


def test_a_node_moved_far_from_the_others_can_still_be_clicked(qtbot, tmp_path):
    from graph_editor.qt.commands import MoveNodesCommand
    from graph_editor.qt.scene_index import MARGIN
    from tests.gui.driving import click_node

    win = _open(qtbot, _big_pipeline(tmp_path, 30))
    pipeline = win.document.pipeline
    node = pipeline.node_by_name("task_7")
    area = win.canvas.scene_index.area
    far = (area.right() + 3 * MARGIN, area.bottom() + MARGIN)
    win.push(MoveNodesCommand(pipeline, {node.id: (far, node.position)}))
    win.canvas.clear_selection()
    click_node(win, "task_7")
    assert win.canvas.selected_ids() == [node.id]
    assert win.canvas.scene_index.area.contains(win.canvas.nodes_rect([node.id]))
