"""What each node gets: its input values, its kernel, its cache key, and which nodes a run selects."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.runner.errors import RunError
from app.runner.options import RunOptions
from graph_editor.node_spec import node_spec as shared_node_spec
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.sources import read_source_bytes
from graph_editor.types import type_of_value, value_fits
from resources.runtime import stitchboard_artifacts as artifacts
from resources.runtime import stitchboard_runtime as runtime


def find_node(pipeline: Pipeline, ref: str) -> Node:
    """The node named ``ref`` (or with id ``ref``); ``RunError`` naming it otherwise."""
    node = pipeline.node_by_name(ref)
    if node is None and pipeline.has_node(ref):
        node = pipeline.node(ref)
    if node is None:
        known = ", ".join(n.name for n in pipeline.nodes) or "none"
        raise RunError(f"no node named {ref!r} in the pipeline (nodes: {known})")
    return node


def selected_ids(pipeline: Pipeline, options: RunOptions) -> set[str]:
    """The nodes this run executes: all, or ``--only`` nodes plus ``--from`` and its descendants."""
    if not options.is_partial:
        return {n.id for n in pipeline.nodes}
    chosen = {find_node(pipeline, ref).id for ref in options.only}
    if options.from_node:
        start = find_node(pipeline, options.from_node).id
        chosen |= {start} | pipeline.descendants(start)
    return chosen


def parameter_values(pipeline: Pipeline, overrides: dict[str, Any]) -> dict[str, Any]:
    """Pipeline parameters: their defaults, overridden by ``-p`` values."""
    values = {p.name: p.default for p in pipeline.settings.parameters}
    for name, value in overrides.items():
        if pipeline.settings.parameter(name) is None:
            raise RunError(f"no pipeline parameter {name!r}")
        values[name] = value
    return values


def node_spec(pipeline: Pipeline, node: Node) -> runtime.NodeSpec:
    """The runtime's spec of ``node`` for a local run (``graph_editor.node_spec``: the same
    builder as every exported DAG's)."""
    return shared_node_spec(pipeline, node)


def node_inputs(
    pipeline: Pipeline, node: Node, params: dict[str, Any], outputs: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Values to inject and where each came from; ports with none keep the notebook default.

    ``outputs`` holds the finished upstream nodes' outputs by node id.
    """
    ids = {n.name: n.id for n in pipeline.nodes}

    def upstream(task_id: str, output: str) -> Any:
        return outputs[ids[task_id]][output]  # KeyError: not produced, the default stays

    resolved = runtime.resolve_inputs(node_spec(pipeline, node), params, upstream)
    return resolved.values, resolved.origins()


def input_problem(node: Node, values: dict[str, Any]) -> str:
    """Why an input value is not accepted by its port ('' when all fit)."""
    for name, value in values.items():
        port = node.input(name)
        if artifacts.is_ref(value):
            continue  # an artifact: its type was checked when the wire was made
        if port is not None and not value_fits(value, port.type):
            return (
                f"input {name!r} got a {type_of_value(value).value} value, "
                f"its port needs {port.type.value}"
            )
    return ""


def source_info(pipeline: Pipeline, node: Node) -> tuple[bytes, str]:
    """The node's source bytes and the kernel it runs on (node setting, notebook's own, python3)."""
    path = pipeline.source_path(node)
    try:
        data = read_source_bytes(path)
    except OSError as exc:
        raise RunError(f"node {node.name!r}: cannot read {path}: {exc.strerror or exc}") from exc
    kernel = node.kernel
    if not kernel and not node.is_script:
        try:
            spec = json.loads(data).get("metadata", {}).get("kernelspec", {}) or {}
            kernel = spec.get("name", "")
        except ValueError:
            kernel = ""
    return data, kernel or "python3"


def missing_input(inputs: dict[str, Any], sources: dict[str, str]) -> str:
    """Why a node cannot start because an artifact it gets is gone ('' when all are there)."""
    for name, value in inputs.items():
        if artifacts.is_ref(value) and not artifacts.is_available(value):
            producer = sources.get(name, "").split(".")[0] or "an upstream node"
            uri = artifacts.ref_from_json(value).uri
            return f"input {name!r}: the artifact from {producer} is missing: {uri}"
    return ""


def _content(value: Any) -> Any:
    """An input as the cache sees it: an artifact by its type and content hash, not its place."""
    if artifacts.is_ref(value):
        ref = artifacts.ref_from_json(value)
        return {"artifact": ref.type, "format": ref.format, "sha256": ref.sha256}
    return value


def shipped_hashes(pipeline: Pipeline, node: Node) -> dict[str, str]:
    """Content hash of each file or folder the node ships ('missing' when it is not there)."""
    folder = pipeline.source_path(node).parent
    found = {}
    for rel in node.files:
        path = folder / rel
        if path.is_dir():
            found[rel] = artifacts.sha256_tree(path)
        elif path.is_file():
            found[rel] = artifacts.sha256_file(path)
        else:
            found[rel] = "missing"
    return found


def cache_key(
    node: Node,
    source: bytes,
    kernel: str,
    inputs: dict[str, Any],
    files: dict[str, str] | None = None,
) -> str:
    """Same notebook bytes, kernel, input contents, files and contract: the same key.

    ``files`` maps each shipped or restored file to its content hash.
    """
    digest = hashlib.sha256(source)
    meta = {
        "kernel": kernel,
        "kind": node.kind.value,
        "script": node.is_script,
        "outputs": [p.name for p in node.outputs],
        "env": node.env,
        "inputs": {name: _content(value) for name, value in inputs.items()},
        "files": files or {},
        "produces": list(node.produces),
    }
    digest.update(json.dumps(meta, sort_keys=True, default=repr).encode())
    return digest.hexdigest()
