"""What an edit of a node's input does, one rule for the canvas, the panels and the CLI.

An input is fed one way at a time: a wire, a pipeline parameter, or a value set on it (the
runtime's order is wire > parameter > value, ``resolve_inputs``). So a wire drawn into an input
drops the value set on it and its parameter binding; binding drops the value; setting a value
drops the binding. These functions answer, without touching the pipeline, which node fields an
edit changes and what it dropped; ``graph_editor.edits`` (the CLI) and the Qt undo commands
(the canvas and Properties) apply that same answer, so one edit has one result everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_editor.errors import ConnectionRefused
from graph_editor.nodes import Edge, Node
from graph_editor.pipeline import Pipeline

NodeChanges = Mapping[str, Mapping[str, Any]]  # node id -> fields to set


def _without(mapping: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


def value_changes(node: Node, port: str, value: Any = None) -> dict[str, Any]:
    """The fields that set ``port`` to ``value`` (``None``: back to the notebook's default)."""
    values = _without(node.values, port)
    if value is not None:
        values[port] = value
    return {"values": values, "bindings": _without(node.bindings, port)}


def bind_changes(node: Node, port: str, param: str | None) -> dict[str, Any]:
    """The fields that feed ``port`` from pipeline parameter ``param`` (``None``: unbind)."""
    if param is None:
        return {"bindings": _without(node.bindings, port)}
    return {
        "bindings": {**_without(node.bindings, port), port: param},
        "values": _without(node.values, port),
    }


def freed_by_wire(node: Node, port: str) -> list[str]:
    """What a wire into ``port`` replaces: ``set value``, ``parameter binding`` (or nothing)."""
    if not port:
        return []
    return [
        what
        for what, present in (
            ("set value", port in node.values),
            ("parameter binding", port in node.bindings),
        )
        if present
    ]


@dataclass(frozen=True)
class Freed:
    """An input a new wire took over: what it had (``set value``, ``parameter binding``)."""

    node: str  # the node's name
    port: str
    what: tuple[str, ...]

    @property
    def words(self) -> str:
        return f"its {' and '.join(self.what)} dropped"

    def __str__(self) -> str:
        return f"{self.node}.{self.port}: {self.words}"


@dataclass(frozen=True)
class Rewire:
    """A wiring edit, checked: wires removed and added, and the node fields the new wires free
    (``changes``: node id -> fields). ``dropped`` says it in words, one per freed input."""

    removed: tuple[Edge, ...]
    added: tuple[Edge, ...]
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped: tuple[Freed, ...] = ()

    @property
    def note(self) -> str:
        """`` (b.x: its parameter binding dropped)`` — empty when nothing was dropped."""
        return f" ({'; '.join(map(str, self.dropped))})" if self.dropped else ""


def plan_rewire(pipeline: Pipeline, removed: Iterable[Edge], added: Iterable[Edge]) -> Rewire:
    """Check a wiring edit (``ConnectionRefused`` when the model refuses it) and work out the
    fields the new wires free. Read-only."""
    removed, added = tuple(removed), tuple(added)
    for edge in added:
        if "?" in (edge.source_port, edge.target_port):
            raise ConnectionRefused("ordering ports ('after'/'then') connect only to each other")
    pipeline.check_rewire(removed, added)
    changes: dict[str, dict[str, Any]] = {}
    dropped = []
    for edge in added:
        node = pipeline.node(edge.target)
        freed = freed_by_wire(node, edge.target_port)
        if not freed:
            continue
        fields = changes.setdefault(
            node.id, {"values": dict(node.values), "bindings": dict(node.bindings)}
        )
        fields["values"].pop(edge.target_port, None)
        fields["bindings"].pop(edge.target_port, None)
        dropped.append(Freed(node.name, edge.target_port, tuple(freed)))
    return Rewire(removed, added, changes, tuple(dropped))


def apply_rewire(pipeline: Pipeline, rewire: Rewire) -> dict[str, dict[str, Any]]:
    """Apply a planned rewire; returns the changed fields' old values (node id -> fields)."""
    old: dict[str, dict[str, Any]] = {}
    for node_id, fields in rewire.changes.items():
        previous = pipeline.update_node(node_id, **fields)
        old[node_id] = {name: getattr(previous, name) for name in fields}
    for edge in rewire.removed:
        pipeline.remove_edge(edge)
    for edge in rewire.added:
        pipeline.add_edge(edge, check=False)
    return old


def revert_rewire(pipeline: Pipeline, rewire: Rewire, old: NodeChanges) -> None:
    """Undo ``apply_rewire`` given the old values it returned."""
    for edge in reversed(rewire.added):
        pipeline.remove_edge(edge)
    for edge in rewire.removed:
        pipeline.add_edge(edge, check=False)
    for node_id, fields in old.items():
        pipeline.update_node(node_id, **fields)
