"""The pipeline announces typed changes, with the fields that changed; checks never announce."""

from __future__ import annotations

import pytest

from graph_editor.changes import (
    EdgeAdded,
    EdgeRemoved,
    NodeAdded,
    NodeChanged,
    NodeRemoved,
    PipelineChange,
    SettingsChanged,
)
from graph_editor.errors import ConnectionRefused
from graph_editor.nodes import Edge, Node, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType


def _chain() -> tuple[Pipeline, list[PipelineChange]]:
    p = Pipeline()
    p.add_node(Node("a", "a", outputs=(Port("x", PortType.INT),)))
    p.add_node(
        Node("b", "b", inputs=(Port("x", PortType.INT),), outputs=(Port("y", PortType.INT),))
    )
    p.add_node(Node("c", "c", inputs=(Port("y", PortType.INT),)))
    p.add_edge(Edge("a", "b", "x", "x"))
    seen: list[PipelineChange] = []
    p.changed.connect(seen.append)
    return p, seen


def test_a_rename_and_a_move_announce_exactly_the_fields_they_changed() -> None:
    p, seen = _chain()
    p.update_node("a", name="load", position=(10.0, 0.0))
    p.update_node("a", description="")  # already empty: nothing changed, nothing announced
    assert seen == [NodeChanged("a", frozenset({"name", "position"}))]


def test_removing_a_node_announces_its_wires_first_then_the_node() -> None:
    p, seen = _chain()
    p.remove_node("b")
    assert seen == [EdgeRemoved(Edge("a", "b", "x", "x")), NodeRemoved("b")]
    p.add_node(Node("d", "d"))
    p.update_settings(name="renamed", dag_id=p.settings.dag_id)
    assert seen[2:] == [NodeAdded("d"), SettingsChanged(frozenset({"name"}))]


def test_a_listener_that_disconnects_hears_nothing_more() -> None:
    p, seen = _chain()
    p.changed.disconnect(seen.append)
    p.add_edge(Edge("b", "c", "y", "y"))
    assert seen == [] and p.has_edge(Edge("b", "c", "y", "y"))


def test_checking_a_rewire_changes_nothing_and_announces_nothing() -> None:
    p, seen = _chain()
    before = p.edges
    old, new = Edge("a", "b", "x", "x"), Edge("b", "c", "y", "y")
    p.check_rewire([old], [new])  # allowed: nothing happens until a command applies it
    with pytest.raises(ConnectionRefused, match="cycle"):
        p.check_rewire([], [new, Edge("c", "a")])
    with pytest.raises(ConnectionRefused, match="already connected"):
        p.check_rewire([], [Edge("a", "b", "x", "x")])
    assert p.can_rewire([old], [Edge("a", "b", "x", "x")])  # moving a wire's end back is fine
    assert not p.can_rewire([new], [])  # not connected: nothing to remove
    assert not p.can_rewire([], [Edge("b", "a")])  # a feeds b: b before a is a cycle
    assert p.can_rewire([old], [Edge("b", "a")])  # ... unless that wire goes in the same step
    assert seen == [] and p.edges == before


def test_the_model_refuses_a_string_where_an_enum_belongs() -> None:
    p, seen = _chain()
    from graph_editor.errors import ModelError

    with pytest.raises(ModelError, match="kind must be a NodeKind"):
        p.update_node("a", kind="rapids")
    assert seen == []


def test_adding_an_edge_announces_it() -> None:
    p, seen = _chain()
    p.add_edge(Edge("b", "c", "y", "y"))
    assert seen == [EdgeAdded(Edge("b", "c", "y", "y"))]
