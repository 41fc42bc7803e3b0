"""The runtime's spec of a node, built in one place for the dry-run and every exported DAG.

``resources/runtime/stitchboard_runtime.NodeSpec`` is the one shape a task runs from (a local
run, a worker, a pod). What it says about the node itself (its ports, values, bindings, wires,
path-typed outputs, declared files, where produced files come from) is decided here, so the
laptop and the cluster cannot drift apart; the callers add only what differs by where the node
runs: the file name its source has there, its content key, its env, its connections.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph_editor.file_checks import file_sources
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from resources.runtime.stitchboard_runtime import NodeSpec


def node_spec(pipeline: Pipeline, node: Node, *, source: str = "", **where: Any) -> NodeSpec:
    """The spec of ``node`` (task ids are node names); ``source`` is the file name its source
    has where it runs (default: its own name); ``where`` sets the fields that depend on where
    it runs (``content``, ``env``, ``connections``, ``file_keys``, ``flags``)."""
    source = source or Path(node.source.replace("\\", "/")).name
    wires = {
        e.target_port: (pipeline.node(e.source).name, e.source_port)
        for e in pipeline.edges_into(node.id)
        if not e.is_ordering
    }
    fields: dict[str, Any] = {
        "task_id": node.name,
        "source": source,
        "kernel": node.kernel,
        # a jupytext .py ships converted to .ipynb and then runs as a notebook
        "script": node.is_script and not source.endswith(".ipynb"),
        "inputs": tuple(p.name for p in node.inputs),
        "outputs": tuple(p.name for p in node.outputs),
        "values": dict(node.values),
        "params": dict(node.bindings),
        "wires": wires,
        "env": dict(node.env),
        "path_outputs": tuple(p.name for p in node.outputs if p.type is PortType.PATH),
        "files": tuple(node.files),
        "produces": tuple(node.produces),
        "file_sources": file_sources(pipeline, node.id),
        "pipeline_file": pipeline.path.name if pipeline.path is not None else "",
    }
    return NodeSpec(**{**fields, **where})
