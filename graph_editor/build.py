"""Building pipelines from notebooks: new nodes, port refresh, chains and layered layout."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from graph_editor.errors import NotebookError
from graph_editor.nodes import Edge, Node, NodeKind, PipelineSettings, Port, new_node_id
from graph_editor.notebook import NotebookInfo, inspect_cached, inspect_notebook
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.wire_clearance import clear_passing_wires

COLUMN_WIDTH = 320.0
ROW_HEIGHT = 160.0


def task_name(stem: str) -> str:
    """A readable, valid task name from a file stem (``01 Load data`` -> ``load_data``)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_.-")
    name = re.sub(r"^\d+[_.-]*", "", name) or name
    return (name or "node")[:250]


def relative_source(path: Path, base_dir: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), base_dir.resolve())).as_posix()


def node_from_source(
    pipeline: Pipeline,
    path: str | Path,
    *,
    kind: NodeKind = NodeKind.NOTEBOOK,
    position: tuple[float, float] = (0.0, 0.0),
    name: str = "",
) -> Node:
    """A new node for a notebook or script (ports inspected); raises ``NotebookError``.

    A ``.py`` script is a plain Python job like a notebook (no GPU): TensorFlow and RAPIDS
    only when the caller asks for them with ``kind``.
    """
    path = Path(path)
    info = inspect_notebook(path)
    return Node(
        id=new_node_id(),
        name=pipeline.unique_name(name or task_name(path.stem)),
        kind=kind,
        source=relative_source(path, pipeline.base_dir),
        kernel="" if info.kernel == "python3" else info.kernel,
        language=info.language,
        inputs=info.inputs,
        outputs=info.outputs,
        position=position,
    )


def refresh_ports(pipeline: Pipeline, node_id: str) -> bool:
    """Re-inspect a node's notebook and update its ports; returns whether they changed.

    Wires, values and bindings are kept even when their port disappeared: validation then
    reports them, so nothing is dropped silently. Script jobs declare their ports on the node.
    """
    return bool(reinspect(pipeline, node_id)[0])


@dataclass(frozen=True)
class PortChange:
    """A wired port that a re-inspection retyped or removed (the user should hear of it)."""

    node_name: str
    direction: str  # "input" or "output"
    port: str
    old_type: str
    new_type: str  # "" when the notebook no longer has the port

    def __str__(self) -> str:
        if not self.new_type:
            return (
                f"node {self.node_name!r}: its notebook no longer has the wired "
                f"{self.direction} {self.port!r}"
            )
        return (
            f"node {self.node_name!r}: its notebook now types the wired {self.direction} "
            f"{self.port!r} as {self.new_type} (was {self.old_type})"
        )


def with_port_types(ports: Sequence[Port], overrides: Mapping[str, PortType]) -> tuple[Port, ...]:
    """Ports with the node's own type overrides applied (they win over the notebook's)."""
    return tuple(replace(p, type=overrides[p.name]) if p.name in overrides else p for p in ports)


def reinspect(pipeline: Pipeline, node_id: str) -> tuple[bool, list[PortChange]]:
    """Re-inspect one node: (ports changed, wired ports retyped or removed)."""
    node = pipeline.node(node_id)
    if not node.source:
        return False, []
    result = inspect_cached(pipeline.source_path(node))
    if isinstance(result, NotebookError) or result.is_script:
        return False, []
    changes = _wired_changes(pipeline, node, result)
    return _apply_info(pipeline, node, result), changes


def _wired_changes(pipeline: Pipeline, node: Node, info: NotebookInfo) -> list[PortChange]:
    found: list[PortChange] = []
    sides = [
        ("input", node.inputs, info.inputs, {e.target_port for e in pipeline.edges_into(node.id)}),
        (
            "output",
            node.outputs,
            info.outputs,
            {e.source_port for e in pipeline.edges_out_of(node.id)},
        ),
    ]
    if not info.outputs_supported:
        sides.pop()
    for direction, old_ports, new_ports, wired in sides:
        new = {p.name: p for p in with_port_types(new_ports, node.port_types)}
        for port in old_ports:
            if port.name not in wired:
                continue
            now = new.get(port.name)
            if now is None or now.type != port.type:
                new_type = now.type.value if now is not None else ""
                found.append(PortChange(node.name, direction, port.name, port.type.value, new_type))
    return found


def refreshed_ports(pipeline: Pipeline, node_id: str) -> dict[str, tuple[Port, ...]]:
    """The ``inputs``/``outputs`` a re-inspection would give a node ({} when unchanged).

    Read-only, so the GUI can push the change as one undo command instead of editing the
    model and rolling it back.
    """
    node = pipeline.node(node_id)
    if not node.source:
        return {}
    result = inspect_cached(pipeline.source_path(node))
    if isinstance(result, NotebookError) or result.is_script:
        return {}
    inputs, outputs = _new_ports(pipeline, node, result)
    if (inputs, outputs) == (node.inputs, node.outputs):
        return {}
    return {"inputs": inputs, "outputs": outputs}


def _apply_info(pipeline: Pipeline, node: Node, info: NotebookInfo) -> bool:
    inputs, outputs = _new_ports(pipeline, node, info)
    if inputs == node.inputs and outputs == node.outputs:
        return False
    pipeline.update_node(node.id, inputs=inputs, outputs=outputs)
    return True


def _new_ports(
    pipeline: Pipeline, node: Node, info: NotebookInfo
) -> tuple[tuple[Port, ...], tuple[Port, ...]]:
    # Keep ports that still carry a wire/value/binding, so validation can name them.
    still_used = (
        {e.target_port for e in pipeline.edges_into(node.id)}
        | set(node.values)
        | set(node.bindings)
    )
    used_out = {e.source_port for e in pipeline.edges_out_of(node.id)}
    new_in = {p.name for p in info.inputs}
    new_out = {p.name for p in info.outputs}
    overrides = node.port_types
    inputs = with_port_types(info.inputs, overrides) + tuple(
        p for p in node.inputs if p.name in still_used and p.name not in new_in
    )
    outputs = with_port_types(info.outputs, overrides)
    if info.outputs_supported:
        outputs += tuple(p for p in node.outputs if p.name in used_out and p.name not in new_out)
    else:
        outputs = node.outputs
    return inputs, outputs


def refresh_all_ports(pipeline: Pipeline) -> list[str]:
    """Refresh every notebook node; returns the ids of nodes whose ports changed."""
    return [n.id for n in pipeline.nodes if refresh_ports(pipeline, n.id)]


def reinspect_all(pipeline: Pipeline) -> list[PortChange]:
    """Refresh every notebook node; returns the wired ports that were retyped or removed."""
    return [change for n in pipeline.nodes for change in reinspect(pipeline, n.id)[1]]


def layered_positions(pipeline: Pipeline) -> dict[str, tuple[float, float]]:
    """Left-to-right layered layout: one column per dependency depth, rows centred, no node
    on a wire that skips its column (``wire_clearance``)."""
    try:
        layers = pipeline.layers()
    except Exception:  # a cycle: fall back to one row in insertion order
        layers = [[n.id] for n in pipeline.nodes]
    tallest = max((len(layer) for layer in layers), default=1)
    positions: dict[str, tuple[float, float]] = {}
    for col, layer in enumerate(layers):
        offset = (tallest - len(layer)) * ROW_HEIGHT / 2
        for row, node_id in enumerate(layer):
            positions[node_id] = (col * COLUMN_WIDTH, offset + row * ROW_HEIGHT)
    return clear_passing_wires(pipeline, layers, positions)


def apply_layout(pipeline: Pipeline) -> None:
    for node_id, pos in layered_positions(pipeline).items():
        if pipeline.node(node_id).position != pos:
            pipeline.update_node(node_id, position=pos)


def chain(paths: Sequence[str | Path], file_path: str | Path, name: str = "") -> Pipeline:
    """A pipeline with one node per notebook, left to right, in the order given.

    Each input is wired to a same-named output of an earlier node (types permitting); when
    several earlier nodes produce that name, the nearest one wins. A node that gets no wire
    from the node just before it is ordered after it, so the chain runs in the order given.
    """
    file_path = Path(file_path).resolve()
    stem = task_name(file_path.stem) or "pipeline"
    settings = PipelineSettings(name=name or stem, dag_id=stem)
    pipeline = Pipeline(settings, path=file_path)
    earlier: list[Node] = []
    for index, path in enumerate(paths):
        node = pipeline.add_node(
            node_from_source(pipeline, path, position=(index * COLUMN_WIDTH, 0.0))
        )
        for port in node.inputs:
            for producer in reversed(earlier):  # nearest producer first
                if producer.output(port.name) is None:
                    continue
                edge = Edge(producer.id, node.id, port.name, port.name)
                if pipeline.can_connect(edge):
                    pipeline.add_edge(edge)
                    break
        if earlier and not any(e.source == earlier[-1].id for e in pipeline.edges_into(node.id)):
            pipeline.add_edge(Edge(earlier[-1].id, node.id))
        earlier.append(node)
    return pipeline
