"""``show``: what a pipeline holds — nodes, ports, wires, set values, bindings, parameters."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli.common import load_pipeline
from app.runner.plan import node_spec
from graph_editor.nodes import Node, Port
from graph_editor.pipeline import Pipeline
from resources.runtime.stitchboard_runtime import InputSource, Origin, resolve_inputs

ORDER = 11


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("show", help="show a pipeline's nodes, ports, wires and parameters")
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.set_defaults(handler=cmd_show)


def _port(port: Port) -> dict[str, Any]:
    data: dict[str, Any] = {"name": port.name, "type": port.type.value}
    if port.has_default:
        data["default"] = port.default
    if port.help:
        data["help"] = port.help
    return data


def _node(pipeline: Pipeline, node: Node) -> dict[str, Any]:
    names = pipeline.names()
    wired = {
        e.target_port: f"{names[e.source]}.{e.source_port}"
        for e in pipeline.edges_into(node.id)
        if not e.is_ordering
    }
    return {
        "id": node.id,
        "name": node.name,
        "kind": node.kind.value,
        "source": node.source,
        "image": node.image,
        "inputs": [
            _port(p)
            | {
                "wired_from": wired.get(p.name),
                "value": node.values.get(p.name),
                "is_set": p.name in node.values,
                "bound_to": node.bindings.get(p.name),
            }
            for p in node.inputs
        ],
        "outputs": [_port(p) for p in node.outputs],
        "values": dict(node.values),
        "bindings": dict(node.bindings),
        "upstream": [names[n] for n in pipeline.upstream(node.id)],
    }


def pipeline_json(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline as ``show --json`` prints it (names, not ids, in wires)."""
    names = pipeline.names()
    return {
        "name": pipeline.settings.name,
        "dag_id": pipeline.settings.dag_id,
        "parameters": [
            {
                "name": p.name,
                "type": p.type.value,
                "default": p.default,
                "description": p.description,
            }
            for p in pipeline.settings.parameters
        ],
        "nodes": [_node(pipeline, n) for n in pipeline.nodes],
        "wires": [
            {
                "from": f"{names[e.source]}.{e.source_port}",
                "to": f"{names[e.target]}.{e.target_port}",
            }
            for e in pipeline.edges
            if not e.is_ordering
        ],
        "order": [
            {"before": names[e.source], "after": names[e.target]}
            for e in pipeline.edges
            if e.is_ordering
        ],
    }


def _input_line(node: Node, port: Port, sources: dict[str, InputSource]) -> str:
    text = f"      {port.name}: {port.type.value}"
    if port.has_default:
        text += f" = {json.dumps(port.default, ensure_ascii=False)}"
    source = sources.get(port.name)
    if source is None:
        return text
    if source.origin is Origin.WIRE:
        return text + f"  <- {source.ref}"
    if source.origin is Origin.PARAMETER:
        return text + f"  <- parameter {source.ref}"
    return text + f"  set to {json.dumps(node.values[port.name], ensure_ascii=False)}"


def _winning_sources(pipeline: Pipeline, node: Node) -> dict[str, InputSource]:
    """Which of wire, parameter and set value fills each input: the runtime's one answer."""
    params = {p.name: None for p in pipeline.settings.parameters}
    resolved = resolve_inputs(node_spec(pipeline, node), params, lambda _task, _output: None)
    return dict(resolved.sources)


def cmd_show(args: argparse.Namespace) -> int:
    pipeline = load_pipeline(args.file)
    data = pipeline_json(pipeline)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"{args.file}: {data['name']} ({len(pipeline)} nodes, {len(data['wires'])} wires)")
    print("  parameters:" if data["parameters"] else "  parameters: none")
    for p in pipeline.settings.parameters:
        help_text = f"  # {p.description}" if p.description else ""
        default = json.dumps(p.default, ensure_ascii=False)
        print(f"    {p.name}: {p.type.value} = {default}{help_text}")
    for node, info in zip(pipeline.nodes, data["nodes"], strict=True):
        after = f"  after {', '.join(info['upstream'])}" if info["upstream"] else ""
        print(f"  {node.name}  [{node.kind.value}] {node.source}{after}")
        sources = _winning_sources(pipeline, node)
        print("    inputs:" if node.inputs else "    inputs: none")
        for port in node.inputs:
            print(_input_line(node, port, sources))
        print("    outputs:" if node.outputs else "    outputs: none")
        for port in node.outputs:
            print(f"      {port.name}: {port.type.value}")
    return 0
