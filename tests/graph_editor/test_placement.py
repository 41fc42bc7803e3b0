"""Where a new node goes: the spot asked for, or the nearest one free of other nodes."""

from __future__ import annotations

from graph_editor.nodes import Node, NodeKind, Port
from graph_editor.pipeline import Pipeline
from graph_editor.placement import footprint, free_position, has_default_name
from graph_editor.types import PortType


def _node(name: str, at: tuple[float, float], ports: int = 1) -> Node:
    inputs = tuple(Port(f"p{i}", PortType.INT) for i in range(ports))
    return Node(id=name, name=name, kind=NodeKind.NOTEBOOK, position=at, inputs=inputs)


def _overlap(a: Node, b: Node) -> bool:
    ax, ay, aw, ah = footprint(a)
    bx, by, bw, bh = footprint(b)
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_a_free_spot_is_kept_and_a_taken_one_moves_to_the_nearest_free_one():
    pipeline = Pipeline()
    pipeline.add_node(_node("a", (0.0, 0.0), ports=6))
    assert free_position(pipeline, _node("far", (2000.0, 0.0))) == (2000.0, 0.0)
    placed = []
    for i in range(12):  # twelve nodes asked for at the same spot
        node = _node(f"n{i}", (10.0, 10.0))
        node = Node(**{**node.__dict__, "position": free_position(pipeline, node, placed)})
        placed.append(node)
    everything = [pipeline.node("a"), *placed]
    for i, one in enumerate(everything):
        for other in everything[i + 1 :]:
            assert not _overlap(one, other), (one.name, one.position, other.name, other.position)
    assert max(abs(n.position[0]) + abs(n.position[1]) for n in placed) < 2000  # nearby


def test_only_kind_names_count_as_default_names():
    assert has_default_name(_node("notebook", (0, 0)))
    assert has_default_name(_node("tensorflow_3", (0, 0)))
    assert not has_default_name(_node("train_model", (0, 0)))
    assert not has_default_name(_node("notebook_prep", (0, 0)))
