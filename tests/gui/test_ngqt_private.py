"""NodeGraphQt's private names that the canvas still needs: a new release that drops one fails here."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.qt]


def test_every_private_nodegraphqt_name_the_canvas_uses_still_exists(qtbot) -> None:
    from graph_editor.qt import ngqt_private

    missing = ngqt_private.missing_private_names()
    assert missing == [], f"NodeGraphQt changed; update graph_editor/qt/ngqt_private.py: {missing}"


def test_a_renamed_private_name_is_reported_by_owner_and_name(qtbot, monkeypatch) -> None:
    from NodeGraphQt import NodeGraph
    from NodeGraphQt.qgraphics.node_base import NodeItem
    from NodeGraphQt.widgets.viewer import NodeViewer

    from graph_editor.qt import ngqt_private

    graph = NodeGraph()  # built before the names go: the release would not build without them
    monkeypatch.delattr(NodeViewer, "_update_scene")
    monkeypatch.delattr(NodeItem, "_paint_horizontal")
    assert ngqt_private.missing_private_names(graph) == [
        "NodeViewer._update_scene",
        "NodeItem._paint_horizontal",
    ]


def test_the_canvas_is_not_a_nodegraph_and_its_own_undo_keeps_nothing(qtbot) -> None:
    from NodeGraphQt import NodeGraph

    from graph_editor.pipeline import Pipeline
    from graph_editor.qt.canvas import PipelineCanvas
    from graph_editor.qt.commands import EditStack

    canvas = PipelineCanvas(Pipeline(), EditStack())
    qtbot.addWidget(canvas.widget)
    assert not isinstance(canvas, NodeGraph) and isinstance(canvas.graph, NodeGraph)
    menu = canvas.viewer().context_menus()["graph"]
    assert not [a for a in menu.actions() if a.shortcut().toString() in ("Ctrl+Z", "Ctrl+Shift+Z")]
