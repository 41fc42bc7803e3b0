"""How a model node's ports appear on the canvas: labels, colours, tooltips, broken ports."""

from __future__ import annotations

import json
from dataclasses import dataclass

from graph_editor.nodes import Node, Port
from graph_editor.notebook import NotebookInfo, inspect_cached
from graph_editor.pipeline import Pipeline
from graph_editor.qt.style import BROKEN_COLOR, ORDER_COLOR, PORT_COLORS

ORDER_IN = "(after)"
ORDER_OUT = "(then)"
MISSING_TIP = "no longer in the notebook"


@dataclass(frozen=True)
class PortSpec:
    """One port as drawn: ``broken`` when the node keeps a port its notebook no longer has."""

    name: str
    caption: str  # drawn in the node's text colour
    detail: str  # drawn after it, in grey (the type, "missing", or the ordering port's word)
    color: tuple[int, int, int]
    tooltip: str
    multi: bool = False
    broken: bool = False  # drawn as a dashed red ring with a dashed red wire (issue #12)


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
    gone = gone_ports(pipeline, node)
    for port in node.inputs:
        if port.name in gone[0]:
            specs.append(_broken(port.name, "a parameter"))
            continue
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
            specs.append(_broken(edge.target_port, "a parameter"))
    return specs


def _broken(name: str, what: str, multi: bool = False) -> PortSpec:
    return PortSpec(
        name,
        name,
        "missing",
        BROKEN_COLOR,
        f"<b>{name}</b>: {MISSING_TIP} ({what}); the wire is broken",
        multi=multi,
        broken=True,
    )


def gone_ports(pipeline: Pipeline, node: Node) -> tuple[set[str], set[str]]:
    """Input and output names the node keeps (for their wires) but its notebook no longer has."""
    if not node.source or node.is_script:
        return set(), set()
    info = inspect_cached(pipeline.source_path(node))  # cached by file stamp: cheap per build
    if not isinstance(info, NotebookInfo):
        return set(), set()
    gone_in = {p.name for p in node.inputs} - {p.name for p in info.inputs}
    gone_out: set[str] = set()
    if info.outputs_supported:
        gone_out = {p.name for p in node.outputs} - {p.name for p in info.outputs}
    return gone_in, gone_out


def output_specs(pipeline: Pipeline, node: Node) -> list[PortSpec]:
    """Output ports to draw: declared outputs, broken wired names, then the ordering port."""
    gone = gone_ports(pipeline, node)[1]
    specs = [
        _broken(p.name, "an output", multi=True)
        if p.name in gone
        else PortSpec(
            p.name, p.name, p.type.value, PORT_COLORS[p.type], port_tooltip(p, "output"), multi=True
        )
        for p in node.outputs
    ]
    known = {p.name for p in node.outputs}
    for edge in pipeline.edges_out_of(node.id):
        if edge.source_port and edge.source_port not in known:
            known.add(edge.source_port)
            specs.append(_broken(edge.source_port, "an output", multi=True))
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
