"""New nodes for the canvas: blank ones, from dropped files, and copy/paste payloads."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from Qt import QtCore

from graph_editor import fileformat
from graph_editor.build import node_from_source, relative_source
from graph_editor.errors import NotebookError
from graph_editor.nodes import Edge, Node, NodeKind, new_node_id
from graph_editor.pipeline import Pipeline
from graph_editor.placement import free_position

NODES_MIME = "application/x-stitchboard-nodes"
SOURCE_SUFFIXES = (".ipynb", ".py", ".R")


def blank_node(pipeline: Pipeline, kind: NodeKind, position: tuple[float, float]) -> Node:
    """A node of ``kind`` with no source chosen yet, at ``position`` or the nearest free spot."""
    node = Node(
        id=new_node_id(),
        name=pipeline.unique_name(kind.value),
        kind=kind,
        position=(round(position[0], 1), round(position[1], 1)),
    )
    return dataclasses.replace(node, position=free_position(pipeline, node))


def nodes_from_sources(
    pipeline: Pipeline, paths: list[Path], position: tuple[float, float]
) -> tuple[list[Node], list[str]]:
    """Nodes for notebooks/scripts (``.py`` becomes a TensorFlow job) and one line per problem."""
    nodes: list[Node] = []
    problems: list[str] = []
    x, y = position
    for path in paths:
        if path.suffix not in SOURCE_SUFFIXES:
            problems.append(
                f"{path.name}: only notebooks (.ipynb) and scripts (.py) can become nodes"
            )
            continue
        try:
            node = node_from_source(pipeline, path, position=(round(x, 1), round(y, 1)))
        except NotebookError as exc:
            problems.append(str(exc))
            continue
        taken = {n.name for n in nodes}
        if node.name in taken:  # unique_name only knows nodes already in the pipeline
            base, i = node.name, 2
            while f"{base}_{i}" in taken or pipeline.node_by_name(f"{base}_{i}"):
                i += 1
            node = dataclasses.replace(node, name=f"{base}_{i}")
        node = dataclasses.replace(node, position=free_position(pipeline, node, nodes))
        nodes.append(node)
        y = node.position[1] + 160.0
    return nodes, problems


def to_mime(pipeline: Pipeline, node_ids: list[str]) -> QtCore.QMimeData:
    """Selected nodes and the wires among them, with absolute sources (paste anywhere)."""
    nodes = []
    for node_id in node_ids:
        data = fileformat.node_to_json(pipeline.node(node_id))
        if data["source"]:
            data["source"] = str(pipeline.source_path(node_id))
        nodes.append(data)
    payload = {
        "nodes": nodes,
        "edges": [fileformat.edge_to_json(e) for e in pipeline.subgraph_ids(node_ids)],
    }
    mime = QtCore.QMimeData()
    text = json.dumps(payload)
    mime.setData(NODES_MIME, QtCore.QByteArray(text.encode()))
    mime.setText(text)
    return mime


def from_mime(
    pipeline: Pipeline, mime: QtCore.QMimeData | None, offset: tuple[float, float]
) -> tuple[list[Node], list[Edge]]:
    """Fresh copies (new ids, unique names, shifted) of the nodes in a clipboard payload."""
    if mime is None or not mime.hasFormat(NODES_MIME):
        return [], []
    try:
        payload = json.loads(bytes(mime.data(NODES_MIME).data()).decode())
        originals = [fileformat.node_from_json(d) for d in payload["nodes"]]
    except (ValueError, KeyError, TypeError):
        return [], []
    ids: dict[str, str] = {}
    taken: set[str] = set()
    nodes = []
    for node in originals:
        ids[node.id] = new_node_id()
        name = pipeline.unique_name(node.name)
        while name in taken:
            name = pipeline.unique_name(name + "_copy")
        taken.add(name)
        source = relative_source(Path(node.source), pipeline.base_dir) if node.source else ""
        nodes.append(
            dataclasses.replace(
                node,
                id=ids[node.id],
                name=name,
                source=source,
                position=(node.position[0] + offset[0], node.position[1] + offset[1]),
            )
        )
    edges = []
    for data in payload.get("edges", []):
        if data["source"] in ids and data["target"] in ids:
            edges.append(
                Edge(
                    ids[data["source"]],
                    ids[data["target"]],
                    data.get("source_port", ""),
                    data.get("target_port", ""),
                )
            )
    return nodes, edges
