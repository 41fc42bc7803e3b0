"""Fast node views: a node's view with its ports, put in the scene and laid out once.

``NodeGraph.add_node`` pushes the whole model into a fresh view through many property setters
and lays the node out several times; on a 1000-node pipeline that dominated opening. The
builder adds the first view of each kind the NodeGraphQt way (so the kind's properties get
registered with the graph) and inserts later ones directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from NodeGraphQt import NodeGraph

from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.qt.ngqt_private import insert_view
from graph_editor.qt.node_items import NODE_CLASSES, StitchNodeItem, _StitchNode
from graph_editor.qt.port_items import add_port
from graph_editor.qt.ports import PortSpec, input_specs, node_tooltip, output_specs


class ViewBuilder:
    """Builds node views for one graph: ``create`` (held under ``drawing_held``), then ``finish``."""

    def __init__(self, graph: NodeGraph) -> None:
        self._graph = graph
        self._known_types: set[str] = set()

    def create(self, pipeline: Pipeline, node: Node) -> _StitchNode:
        """A node view with its ports, in the scene but not laid out (see ``finish``)."""
        view = NODE_CLASSES[node.kind]()
        view.sid = node.id
        view.NODE_NAME = node.name  # NodeGraph.add_node names the node after NODE_NAME
        add_ports(view, input_specs(pipeline, node), output_specs(pipeline, node))
        pos = [float(node.position[0]), float(node.position[1])]
        if view.type_ in self._known_types:
            insert_view(self._graph, view, node.name, pos)
        else:  # the first of its kind registers the kind's properties with the graph
            self._graph.add_node(view, pos=pos, selected=False, push_undo=False)
            self._known_types.add(view.type_)
            view.model.name = view.view.name = node.name
        return view

    @staticmethod
    def finish(view: _StitchNode, node: Node) -> None:
        """Lay the view out once and give it the node's tooltip."""
        view.view.draw_node()
        view.model.width, view.model.height = view.view.width, view.view.height
        view.view.setToolTip(node_tooltip(node))  # after draw_node, which sets its own


def add_ports(view: _StitchNode, inputs: list[PortSpec], outputs: list[PortSpec]) -> None:
    """Give a node view its input and output ports."""
    for spec in inputs:
        add_port(view, spec, is_input=True)
    for spec in outputs:
        add_port(view, spec, is_input=False)


@contextmanager
def drawing_held() -> Iterator[None]:
    """Skip node layout while views are built (NodeGraphQt would lay each node out 4 times)."""
    StitchNodeItem.held = True
    try:
        yield
    finally:
        StitchNodeItem.held = False
