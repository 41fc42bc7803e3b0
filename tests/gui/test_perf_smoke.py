"""A 300-node pipeline opens through the bulk-load path with every node, port, wire and name right."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def _big_pipeline(folder: Path, count: int) -> Path:
    """Chains of ten nodes of all three kinds, one broken wire, saved next to the example notebooks."""
    from graph_editor import fileformat
    from graph_editor.build import apply_layout
    from graph_editor.nodes import Edge, Node, NodeKind, Port
    from graph_editor.pipeline import Pipeline
    from graph_editor.types import PortType

    path = folder / "big.stitch"
    pipeline = Pipeline(path=path)
    kinds = (NodeKind.NOTEBOOK, NodeKind.TENSORFLOW, NodeKind.RAPIDS)
    ports = (Port("train", PortType.DICT), Port("n", PortType.INT))
    previous = None
    for i in range(count):
        node = pipeline.add_node(
            Node(
                id=f"n{i:04d}",
                name=f"task_{i}",
                kind=kinds[i % 3],
                inputs=ports if i % 10 else (),
                outputs=ports,
            )
        )
        if previous is not None and i % 10:
            pipeline.add_edge(Edge(previous.id, node.id, "train", "train"))
            pipeline.add_edge(Edge(previous.id, node.id))  # ordering-only wire
        previous = node
    pipeline.add_edge(Edge("n0001", "n0005", "gone", "n"), check=False)  # a broken wire
    apply_layout(pipeline)
    fileformat.save(pipeline, path)
    return path


def test_a_300_node_pipeline_opens_complete(qtbot, tmp_path: Path):
    from app.gui.document import Document
    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    application()
    path = _big_pipeline(tmp_path, 300)
    win = MainWindow(Document.open(path))
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    pipeline = win.document.pipeline
    canvas = win.canvas
    assert len(canvas.all_nodes()) == len(pipeline) == 300
    assert len(canvas.viewer().all_pipes()) == len(pipeline.edges) == 270 * 2 + 1
    for node in pipeline.nodes:
        view = canvas.view_of(node.id)
        assert view.name() == node.name and tuple(view.pos()) == node.position
        assert type(view).KIND == node.kind
        assert list(view.outputs())[:2] == ["train", "n"]
        assert view.view.boundingRect().height() > 40  # laid out once the ports were there
    broken = canvas.view_of("n0001").outputs()["gone"]
    assert [p.node().sid for p in broken.connected_ports()] == ["n0005"]
    ordered = canvas.view_of("n0002").inputs()["(after)"]
    assert [p.node().sid for p in ordered.connected_ports()] == ["n0001"]
    assert not win.isWindowModified()
