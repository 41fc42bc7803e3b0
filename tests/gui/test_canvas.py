"""Drawing in the editor: palette, dropped notebooks, wiring with refusals, delete, undo/redo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore

pytestmark = pytest.mark.qt


def _names(win) -> set[str]:
    return {n.name for n in win.document.pipeline.nodes}


def _view_wires(win) -> int:
    return len(win.canvas.viewer().all_pipes())


def test_example_opens_with_every_node_and_wire(window):
    pipeline = window.document.pipeline
    assert len(window.canvas.all_nodes()) == len(pipeline) == 5
    assert _view_wires(window) == len(pipeline.edges) == 9
    assert window.windowTitle().startswith("churn.stitch")
    assert not window.isWindowModified()


def test_palette_click_and_drop_add_nodes(window, qtbot):
    from graph_editor.nodes import NodeKind
    from graph_editor.qt.editing import KIND_MIME

    palette = window.palette
    palette.kind_activated.emit(palette.item(1).data(QtCore.Qt.UserRole))
    assert "tensorflow" in _names(window)
    mime = palette.mimeData([palette.item(2)])
    assert mime.hasFormat(KIND_MIME)
    window.canvas.editing._on_node_data_dropped(mime, QtCore.QPoint(100, 500))
    added = window.document.pipeline.node_by_name("rapids")
    assert added is not None and added.kind == NodeKind.RAPIDS and added.position == (100.0, 500.0)
    assert len(window.canvas.all_nodes()) == 7
    assert window.isWindowModified()
    assert window.properties.currentWidget() is window.properties.node_panel


def test_dropping_a_notebook_creates_a_node_with_its_ports(window, example_copy: Path):
    mime = QtCore.QMimeData()
    mime.setUrls(
        [
            QtCore.QUrl.fromLocalFile(str(example_copy.parent / "train_logreg.ipynb")),
            QtCore.QUrl.fromLocalFile(str(example_copy)),
        ]
    )
    window.canvas.editing._on_node_data_dropped(mime, QtCore.QPoint(0, 600))
    node = window.document.pipeline.node_by_name("train_logreg_2")
    assert node is not None and node.source == "train_logreg.ipynb"
    view = window.canvas.view_of(node.id)
    assert {"train", "test", "epochs"} <= set(view.inputs())
    assert "accuracy" in view.outputs()
    assert "churn.stitch" in window.statusBar().currentMessage()  # not a notebook: said so


def _wire(win, src: str, out: str, dst: str, inp: str) -> bool:
    pipeline = win.document.pipeline
    a, b = pipeline.node_by_name(src), pipeline.node_by_name(dst)
    out_view = win.canvas.view_of(a.id).outputs()[out].view
    in_view = win.canvas.view_of(b.id).inputs()[inp].view
    before = _view_wires(win)
    win.canvas.editing._on_connection_changed(
        [], [(out_view, in_view)]
    )  # what the viewer emits on a drop
    return _view_wires(win) > before


def test_wiring_refuses_type_mismatch_and_cycles_with_a_reason(window):
    from graph_editor.nodes import Edge

    pipeline = window.document.pipeline
    edges_before = pipeline.edges
    # str output into an int input: refused, no pipe left on the canvas
    assert not _wire(window, "train_mlp", "backend", "train_logreg", "epochs")
    assert "type mismatch" in window.statusBar().currentMessage()
    # compare_models.best_accuracy -> prepare_data would close a cycle
    assert not _wire(window, "compare_models", "best_accuracy", "prepare_data", "test_fraction")
    assert "cycle" in window.statusBar().currentMessage()
    assert pipeline.edges == edges_before
    assert _view_wires(window) == len(edges_before)
    # a fitting wire is accepted, and is one undo step
    assert _wire(window, "prepare_data", "rows", "train_mlp", "epochs")
    lr, mlp = pipeline.node_by_name("prepare_data"), pipeline.node_by_name("train_mlp")
    assert pipeline.has_edge(Edge(lr.id, mlp.id, "rows", "epochs"))
    window.document.undo_stack.undo()
    assert pipeline.edges == edges_before and _view_wires(window) == len(edges_before)
    window.document.undo_stack.redo()
    assert len(pipeline.edges) == len(edges_before) + 1


def test_rewiring_an_input_replaces_its_wire(window):
    pipeline = window.document.pipeline
    mlp = pipeline.node_by_name("train_mlp")
    old = pipeline.wire_into(mlp.id, "train")
    prep = pipeline.node_by_name("prepare_data")
    out_view = window.canvas.view_of(prep.id).outputs()["test"].view
    in_view = window.canvas.view_of(mlp.id).inputs()["train"].view
    old_out = window.canvas.view_of(prep.id).outputs()["train"].view
    window.canvas.editing._on_connection_changed([(in_view, old_out)], [(out_view, in_view)])
    assert not pipeline.has_edge(old)
    assert pipeline.wire_into(mlp.id, "train").source_port == "test"
    assert _view_wires(window) == len(pipeline.edges)


def test_delete_copy_paste_duplicate_and_undo(window):
    pipeline = window.document.pipeline
    mlp = pipeline.node_by_name("train_mlp")
    window.canvas.select_ids([mlp.id])
    window.actions_by_name["duplicate"].trigger()
    assert "train_mlp_2" in _names(window)
    window.canvas.select_ids([mlp.id])
    window.actions_by_name["copy"].trigger()
    window.actions_by_name["paste"].trigger()
    assert len(pipeline) == 7
    window.canvas.select_ids([mlp.id])
    window.actions_by_name["delete"].trigger()
    assert pipeline.node_by_name("train_mlp") is None
    assert len(window.canvas.all_nodes()) == 6 and _view_wires(window) == len(pipeline.edges) == 6
    window.actions_by_name["undo"].trigger()
    assert pipeline.node_by_name("train_mlp") is not None
    assert _view_wires(window) == len(pipeline.edges) == 9
    window.actions_by_name["select_all"].trigger()
    assert len(window.canvas.selected_ids()) == 7


def test_move_rename_and_auto_layout_are_undoable(window):
    pipeline = window.document.pipeline
    prep = pipeline.node_by_name("prepare_data")
    view = window.canvas.view_of(prep.id).view
    start = prep.position
    view.xy_pos = [start[0] + 50, start[1] + 20]
    window.canvas.editing._on_nodes_moved({view: start})
    assert pipeline.node(prep.id).position == (start[0] + 50, start[1] + 20)
    window.canvas.editing._on_node_name_changed(view.id, "load_customers")
    assert pipeline.node(prep.id).name == "load_customers"
    assert window.canvas.view_of(prep.id).name() == "load_customers"
    window.actions_by_name["layout"].trigger()
    assert pipeline.node(prep.id).position == (0.0, pipeline.node(prep.id).position[1])
    for _ in range(3):
        window.actions_by_name["undo"].trigger()
    assert (
        pipeline.node(prep.id).position == start and pipeline.node(prep.id).name == "prepare_data"
    )
    assert tuple(window.canvas.view_of(prep.id).pos()) == start
    assert not window.isWindowModified()


def test_tab_search_creates_a_node_of_the_chosen_kind(window):
    from graph_editor.qt.node_items import TensorFlowNode

    window.canvas.editing._on_search_triggered(TensorFlowNode.type_, (10.0, 20.0))
    node = window.document.pipeline.node_by_name("tensorflow")
    assert node is not None and node.position == (10.0, 20.0)


def test_undoing_a_delete_saves_the_same_bytes(window, example_copy: Path):
    """Deleted nodes come back at their old place in node order, so the file does not change."""
    before = example_copy.read_bytes()
    pipeline = window.document.pipeline
    order = [n.id for n in pipeline.nodes]
    doomed = [pipeline.node_by_name(n).id for n in ("train_mlp", "prepare_data", "compare_models")]
    window.canvas.select_ids(doomed)
    window.actions_by_name["delete"].trigger()
    assert len(pipeline) == 2 and not pipeline.edges
    window.actions_by_name["undo"].trigger()
    assert [n.id for n in pipeline.nodes] == order
    window.files.save()
    assert example_copy.read_bytes() == before
    assert len(window.canvas.all_nodes()) == 5 and _view_wires(window) == 9


def _drag_wire(win, qtbot, src: str, out: str, dst: str, inp: str) -> None:
    """Press on an output port's dot, move, release on an input port: a real mouse gesture."""
    from PySide6.QtTest import QTest

    pipeline = win.document.pipeline
    viewer = win.canvas.viewer()
    start = win.canvas.view_of(pipeline.node_by_name(src).id).outputs()[out].view
    end = win.canvas.view_of(pipeline.node_by_name(dst).id).inputs()[inp].view
    a = viewer.mapFromScene(start.sceneBoundingRect().center())
    b = viewer.mapFromScene(end.sceneBoundingRect().center())
    viewport = viewer.viewport()
    QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, a)
    for step in range(1, 6):
        QTest.mouseMove(viewport, a + (b - a) * (step / 5))
    QTest.mouseRelease(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, b)
    qtbot.wait(10)


def test_wiring_by_mouse_drag_on_the_canvas(window, qtbot):
    """Drags between port dots on the offscreen viewer: a fitting wire lands, a mismatch is refused."""
    from graph_editor.nodes import Edge

    pipeline = window.document.pipeline
    window.canvas.fit_all()
    edges_before = pipeline.edges
    _drag_wire(window, qtbot, "train_mlp", "backend", "train_logreg", "epochs")  # str -> int
    assert "type mismatch" in window.statusBar().currentMessage()
    assert pipeline.edges == edges_before and _view_wires(window) == len(edges_before)
    _drag_wire(window, qtbot, "prepare_data", "rows", "train_mlp", "epochs")
    prep, mlp = pipeline.node_by_name("prepare_data"), pipeline.node_by_name("train_mlp")
    assert pipeline.has_edge(Edge(prep.id, mlp.id, "rows", "epochs"))
    assert _view_wires(window) == len(pipeline.edges) == len(edges_before) + 1
    assert window.isWindowModified()
    window.actions_by_name["undo"].trigger()
    assert pipeline.edges == edges_before and _view_wires(window) == len(edges_before)


def test_every_wire_of_an_opened_pipeline_is_drawn(window):
    """Each wire of the file is on screen: visible, and running from its output to its input
    (the fast load path once left pipes hidden until a node was moved)."""
    from NodeGraphQt.qgraphics.pipe import PipeItem

    scene = window.canvas.viewer().scene()
    pipes = [i for i in scene.items() if isinstance(i, PipeItem) and i.input_port and i.output_port]
    assert len(pipes) == len(window.document.pipeline.edges) == 9
    for pipe in pipes:
        assert pipe.isVisible(), (pipe.output_port.node.name, pipe.input_port.node.name)
        ends = (pipe.path().pointAtPercent(0), pipe.path().pointAtPercent(1))
        for port in (pipe.output_port, pipe.input_port):
            area = port.sceneBoundingRect().adjusted(-4, -4, 4, 4)
            assert any(area.contains(end) for end in ends), (port.name, area, ends)
        assert pipe.path().length() > 20
