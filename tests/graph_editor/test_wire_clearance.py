"""The layered layout moves a node off a wire that skips its layer (and only then)."""

from __future__ import annotations

from graph_editor.build import layered_positions
from graph_editor.nodes import Edge, Node, NodeKind, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType

PORTS = (Port("x", PortType.INT),)


def _chain(*extra: Edge) -> Pipeline:
    pipeline = Pipeline()
    for name in "abc":
        pipeline.add_node(
            Node(id=name, name=name, kind=NodeKind.NOTEBOOK, inputs=PORTS, outputs=PORTS)
        )
    pipeline.add_edge(Edge("a", "b", "x", "x"))
    pipeline.add_edge(Edge("b", "c"))
    for edge in extra:
        pipeline.add_edge(edge)
    return pipeline


def test_a_plain_chain_keeps_its_row():
    assert layered_positions(_chain()) == {"a": (0.0, 0.0), "b": (320.0, 0.0), "c": (640.0, 0.0)}


def test_the_middle_node_of_a_skip_level_wire_moves_below_it():
    positions = layered_positions(_chain(Edge("a", "c", "x", "x")))
    assert positions["a"][1] == positions["c"][1] == 0.0
    assert positions["b"][0] == 320.0 and positions["b"][1] >= 60.0  # under the a -> c wire
