"""A script job's ports, edited: add, remove or retype its inputs and outputs.

A notebook's ports come from its ``parameters`` and ``outputs`` cells; a ``.py`` or ``.R``
script declares them on its node (docs/architecture.md, "Script jobs"). ``port_changes`` is
the one rule for the node fields such an edit sets, used by ``stitchboard port add|remove`` and
by the Properties panel's Ports table: names must be identifiers, a wired port is neither
removed nor retyped so that its wire no longer fits, and a removed input's set value or
parameter binding goes with it (said, not silent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph_editor.edits import EditRefused, find_node, parse_type
from graph_editor.names import is_identifier
from graph_editor.nodes import Node, Port
from graph_editor.notebook import is_jupytext_file
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType, can_feed

SIDES = {"in": "input", "out": "output"}


@dataclass(frozen=True)
class PortEdit:
    """The node fields a port edit sets, and what it dropped on the way (one line each)."""

    changes: dict[str, object]
    notes: tuple[str, ...] = ()


def declares_ports(pipeline: Pipeline, node: Node) -> bool:
    """Whether the node is a script job, whose ports are declared on the node."""
    return node.is_script and not is_jupytext_file(pipeline.source_path(node))


def check_script(pipeline: Pipeline, node: Node) -> None:
    """Refuse a port edit on a notebook (its cells say its ports)."""
    if not declares_ports(pipeline, node):
        raise EditRefused(
            f"{node.name} is a notebook: its ports come from its 'parameters' and 'outputs' "
            "cells (edit the notebook; only script jobs declare ports on the node)"
        )


def _ports(node: Node, side: str, rows: Sequence[tuple[str, PortType]]) -> tuple[Port, ...]:
    seen: set[str] = set()
    old = {p.name: p for p in (node.inputs if side == "in" else node.outputs)}
    ports = []
    for name, port_type in rows:
        if not is_identifier(name):
            raise EditRefused(f"{node.name}: {SIDES[side]} name {name!r} is not a Python name")
        if name in seen:
            raise EditRefused(f"{node.name} has two {SIDES[side]}s named {name!r}")
        seen.add(name)
        kept = old.get(name)
        ports.append(
            Port(name, port_type, kept.default, kept.help) if kept else Port(name, port_type)
        )
    return tuple(ports)


def port_changes(
    pipeline: Pipeline,
    node: Node,
    inputs: Sequence[tuple[str, PortType]],
    outputs: Sequence[tuple[str, PortType]],
) -> PortEdit:
    """The fields that give script ``node`` these ports; ``EditRefused`` names what is wrong."""
    check_script(pipeline, node)
    new_in, new_out = _ports(node, "in", inputs), _ports(node, "out", outputs)
    names = pipeline.names()
    ins, outs = {p.name: p for p in new_in}, {p.name: p for p in new_out}
    for edge in pipeline.edges_into(node.id):
        if edge.is_ordering:
            continue
        src = pipeline.node(edge.source).output(edge.source_port)
        where = f"{node.name}.{edge.target_port} is wired from {names[edge.source]}."
        port = ins.get(edge.target_port)
        if port is None:
            raise EditRefused(f"{where}{edge.source_port}; unwire it first")
        if src is not None and not can_feed(src.type, port.type):
            raise EditRefused(
                f"{where}{edge.source_port} ({src.type.value}), which cannot feed "
                f"{port.type.value}; unwire it first"
            )
    for edge in pipeline.edges_out_of(node.id):
        if edge.is_ordering:
            continue
        dst = pipeline.node(edge.target).input(edge.target_port)
        where = f"{node.name}.{edge.source_port} feeds {names[edge.target]}.{edge.target_port}"
        port = outs.get(edge.source_port)
        if port is None:
            raise EditRefused(f"{where}; unwire it first")
        if dst is not None and not can_feed(port.type, dst.type):
            raise EditRefused(f"{where} ({dst.type.value}); unwire it first")
    values = {k: v for k, v in node.values.items() if k in ins}
    bindings = {k: v for k, v in node.bindings.items() if k in ins}
    notes = [f"{node.name}.{k}: its set value dropped" for k in node.values if k not in ins]
    notes += [
        f"{node.name}.{k}: its parameter binding dropped" for k in node.bindings if k not in ins
    ]
    changes: dict[str, object] = {"inputs": new_in, "outputs": new_out}
    if values != dict(node.values):
        changes["values"] = values
    if bindings != dict(node.bindings):
        changes["bindings"] = bindings
    return PortEdit(changes, tuple(notes))


def _rows(ports: tuple[Port, ...]) -> list[tuple[str, PortType]]:
    return [(p.name, p.type) for p in ports]


def add_port(pipeline: Pipeline, ref: str, name: str, side: str, type_name: str = "") -> str:
    """Add an input (``side="in"``) or output to a script node, or retype one it has."""
    node = find_node(pipeline, ref)
    rows = {"in": _rows(node.inputs), "out": _rows(node.outputs)}
    ports = rows[side]
    port_type = parse_type(type_name) if type_name else PortType.ANY
    found = next((i for i, (n, _) in enumerate(ports) if n == name), None)
    if found is not None:
        before = ports[found][1]
        if not type_name or before == port_type:
            raise EditRefused(
                f"{node.name} already has the {SIDES[side]} {name!r} ({before.value})"
            )
        ports[found] = (name, port_type)
        message = f"retyped {node.name}.{name}: {before.value} -> {port_type.value}"
    else:
        ports.append((name, port_type))
        message = f"added {SIDES[side]} {node.name}.{name} ({port_type.value})"
    edit = port_changes(pipeline, node, rows["in"], rows["out"])
    pipeline.update_node(node.id, **edit.changes)
    return message


def remove_port(pipeline: Pipeline, ref: str, name: str, side: str) -> str:
    """Remove a script node's input or output (refused while it is wired)."""
    node = find_node(pipeline, ref)
    rows = {"in": _rows(node.inputs), "out": _rows(node.outputs)}
    if all(n != name for n, _ in rows[side]):
        known = ", ".join(n for n, _ in rows[side]) or "none"
        raise EditRefused(f"{node.name} has no {SIDES[side]} {name!r} (it has: {known})")
    rows[side] = [(n, t) for n, t in rows[side] if n != name]
    edit = port_changes(pipeline, node, rows["in"], rows["out"])
    pipeline.update_node(node.id, **edit.changes)
    note = f" ({'; '.join(edit.notes)})" if edit.notes else ""
    return f"removed {SIDES[side]} {node.name}.{name}{note}"
