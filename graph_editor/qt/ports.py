"""How a model node's ports appear on the canvas: labels, colours, tooltips, broken ports."""

from __future__ import annotations

import json
from dataclasses import dataclass

from graph_editor.nodes import Node, Port
from graph_editor.pipeline import Pipeline
from graph_editor.qt.style import BROKEN_COLOR, ORDER_COLOR, PORT_COLORS

ORDER_IN = "(after)"
ORDER_OUT = "(then)"


@dataclass(frozen=True)
class PortSpec:
    """One port as drawn (a wire naming a port the node no longer has draws as "missing")."""

    name: str
    caption: str  # drawn in the node's text colour
    detail: str  # drawn after it, in grey (the type, "missing", or the ordering port's word)
    color: tuple[int, int, int]
    tooltip: str
    multi: bool = False


def port_tooltip(port: Port, direction: str) -> str:
    """The hover text of a port: name, type, default and help."""
    lines = [f"<b>{port.name}</b> ({direction}) : <i>{port.type.value}</i>"]
    if port.has_default:
        lines.append(f"default: <code>{json.dumps(port.default, ensure_ascii=False)[:80]}</code>")
    if port.help:
        lines.append(port.help)
    return "<br>".join(lines)


def input_specs(pipeline: Pipeline, node: Node) -> list[PortSpec]:
    """Input ports to draw: the ordering port, declared inputs, then broken wired names."""
    specs = [
        PortSpec(
            ORDER_IN,
            "",
            "after",
            ORDER_COLOR,
            "run after the wired nodes (ordering only, no value)",
            multi=True,
        )
    ]
    for port in node.inputs:
        note = ""
        if port.name in node.bindings:
            note = f"<br>bound to pipeline parameter <b>{node.bindings[port.name]}</b>"
        elif port.name in node.values:
            note = f"<br>value set: <code>{json.dumps(node.values[port.name])[:80]}</code>"
        specs.append(
            PortSpec(
                port.name,
                port.name,
                port.type.value,
                PORT_COLORS[port.type],
                port_tooltip(port, "input") + note,
            )
        )
    known = {p.name for p in node.inputs}
    for edge in pipeline.edges_into(node.id):
        if edge.target_port and edge.target_port not in known:
            known.add(edge.target_port)
            specs.append(
                PortSpec(
                    edge.target_port,
                    edge.target_port,
                    "missing",
                    BROKEN_COLOR,
                    f"<b>{edge.target_port}</b>: the notebook no longer has this "
                    "parameter; the wire is broken",
                )
            )
    return specs


def output_specs(pipeline: Pipeline, node: Node) -> list[PortSpec]:
    """Output ports to draw: declared outputs, broken wired names, then the ordering port."""
    specs = [
        PortSpec(
            p.name, p.name, p.type.value, PORT_COLORS[p.type], port_tooltip(p, "output"), multi=True
        )
        for p in node.outputs
    ]
    known = {p.name for p in node.outputs}
    for edge in pipeline.edges_out_of(node.id):
        if edge.source_port and edge.source_port not in known:
            known.add(edge.source_port)
            specs.append(
                PortSpec(
                    edge.source_port,
                    edge.source_port,
                    "missing",
                    BROKEN_COLOR,
                    f"<b>{edge.source_port}</b>: the notebook no longer assigns this "
                    "output; the wire is broken",
                    multi=True,
                )
            )
    specs.append(
        PortSpec(
            ORDER_OUT, "", "then", ORDER_COLOR, "nodes wired here run after this one", multi=True
        )
    )
    return specs


def node_tooltip(node: Node) -> str:
    """Hover text of a node: kind, source and description."""
    parts = [f"<b>{node.name}</b> — {node.kind.value}", node.source or "<i>no source chosen</i>"]
    if node.description:
        parts.append(node.description)
    return "<br>".join(parts)
