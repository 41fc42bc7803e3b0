"""The pipeline: the one object that owns the graph of nodes and edges.

Pure Python (networkx inside, never handed out). Edits go through methods that announce a
typed change (``graph_editor.changes``) on ``Pipeline.changed``, so views listen instead of
polling.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from graph_editor.changes import (
    EdgeAdded,
    EdgeRemoved,
    NodeAdded,
    NodeChanged,
    NodeRemoved,
    PipelineChange,
    SettingsChanged,
    Signal,
)
from graph_editor.comments import Comments
from graph_editor.errors import ConnectionRefused, ModelError
from graph_editor.nodes import Edge, Node, NodeKind, PipelineSettings, SecretSource, TFStrategy
from graph_editor.types import can_feed


class Pipeline:
    """A pipeline document: settings, nodes (in insertion order) and edges."""

    def __init__(self, settings: PipelineSettings | None = None, path: Path | None = None) -> None:
        self._settings = settings or PipelineSettings()
        self.path: Path | None = Path(path) if path is not None else None
        # The folder node sources are relative to, once it is no longer the file's own: Save As
        # to another folder writes the sources rebased into that file but never edits the nodes
        # (an undo of an earlier source edit must still resolve), so they keep resolving from
        # here. ``None``: the file's folder.
        self.sources_dir: Path | None = None
        # The pipeline's stable identity (a uuid4 hex) read from its file; ``fileformat.save``
        # creates it once. Not a setting: no edit or undo touches it.
        self.pipeline_id: str = ""
        self._nodes: dict[str, Node] = {}
        self._edges: set[Edge] = set()
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.changed: Signal[PipelineChange] = Signal()
        self.comments = Comments()  # notes on the canvas (graph_editor/comments.py)

    def copy(self) -> Pipeline:
        """An independent copy that resolves every source exactly as this one does.

        The one way to snapshot a pipeline (a run or deploy while the user keeps editing, a
        deploy profile's settings): path, identity and ``sources_dir`` come along, so a copy
        taken after Save As into another folder still finds its notebooks. Nodes and edges are
        frozen values and are shared; listeners on ``changed`` are not.
        """
        twin = Pipeline(self._settings, self.path)
        twin.sources_dir = self.sources_dir if self.sources_dir is not None else self._unsaved_dir()
        twin.pipeline_id = self.pipeline_id
        twin._nodes = dict(self._nodes)
        twin._edges = set(self._edges)
        twin._graph = self._graph.copy()
        for comment in self.comments:
            twin.comments.add(comment)
        return twin

    def _unsaved_dir(self) -> Path | None:
        # An unsaved pipeline resolves from the cwd of the moment; a copy keeps that folder, so
        # a run started from another cwd (a worker thread, a test) resolves the same files.
        return Path.cwd() if self.path is None else None

    @property
    def base_dir(self) -> Path:
        """The folder node sources are relative to (the file's folder, or the cwd)."""
        if self.sources_dir is not None:
            return self.sources_dir
        return self.path.parent if self.path is not None else Path.cwd()

    def source_path(self, node: Node | str) -> Path:
        """The absolute path of a node's notebook or script."""
        node = self.node(node) if isinstance(node, str) else node
        path = self.base_dir / node.source
        try:
            return path.resolve()
        except (OSError, RuntimeError, ValueError):  # a symlink loop: reading it names the fault
            return Path(os.path.abspath(path))

    # -- settings ---------------------------------------------------------------------------
    @property
    def settings(self) -> PipelineSettings:
        return self._settings

    def update_settings(self, **changes: Any) -> PipelineSettings:
        """Replace some settings; returns the previous settings (for undo)."""
        old = self._settings
        self._settings = dataclasses.replace(old, **changes)
        fields = _changed_fields(old, self._settings)
        if fields:
            self.changed.emit(SettingsChanged(fields))
        return old

    # -- nodes ------------------------------------------------------------------------------
    @property
    def nodes(self) -> tuple[Node, ...]:
        return tuple(self._nodes.values())

    def node(self, node_id: str) -> Node:
        try:
            return self._nodes[node_id]
        except KeyError as exc:
            raise ModelError(f"no node with id {node_id!r}") from exc

    def index_of(self, node_id: str) -> int:
        """Position of a node in node order (saved files list nodes in this order)."""
        return list(self._nodes).index(node_id)

    def has_node(self, node_id: str) -> bool:
        return node_id in self._nodes

    def node_by_name(self, name: str) -> Node | None:
        return next((n for n in self._nodes.values() if n.name == name), None)

    def add_node(self, node: Node, index: int | None = None) -> Node:
        """Add a node at the end, or at ``index`` in node order (undo puts it back in place)."""
        if node.id in self._nodes:
            raise ModelError(f"a node with id {node.id!r} already exists")
        if index is None or index >= len(self._nodes):
            self._nodes[node.id] = node
        else:
            items = list(self._nodes.items())
            items.insert(max(index, 0), (node.id, node))
            self._nodes = dict(items)
        self._graph.add_node(node.id)
        self.changed.emit(NodeAdded(node.id))
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both (for undo)."""
        node = self.node(node_id)
        edges = sorted(e for e in self._edges if node_id in (e.source, e.target))
        for edge in edges:
            self.remove_edge(edge)
        del self._nodes[node_id]
        self._graph.remove_node(node_id)
        self.changed.emit(NodeRemoved(node_id))
        return node, edges

    def update_node(self, node_id: str, **changes: Any) -> Node:
        """Replace some fields of a node; returns the previous node (for undo)."""
        old = self.node(node_id)
        if "id" in changes and changes["id"] != node_id:
            raise ModelError("a node's id never changes")
        new = dataclasses.replace(old, **changes)
        _check_enum_fields(new)
        self._nodes[node_id] = new
        self._announce(old, new)
        return old

    def replace_node(self, node: Node) -> Node:
        """Put ``node`` in place of the node with the same id; returns the previous one."""
        old = self.node(node.id)
        _check_enum_fields(node)
        self._nodes[node.id] = node
        self._announce(old, node)
        return old

    def _announce(self, old: Node, new: Node) -> None:
        fields = _changed_fields(old, new)
        if fields:  # an edit that changes nothing announces nothing
            self.changed.emit(NodeChanged(new.id, fields))

    def unique_name(self, base: str) -> str:
        """``base`` or ``base_2``, ``base_3``... whichever no node has yet."""
        names = {n.name for n in self._nodes.values()}
        if base not in names:
            return base
        i = 2
        while f"{base}_{i}" in names:
            i += 1
        return f"{base}_{i}"

    # -- edges ------------------------------------------------------------------------------
    @property
    def edges(self) -> tuple[Edge, ...]:
        return tuple(sorted(self._edges))

    def has_edge(self, edge: Edge) -> bool:
        return edge in self._edges

    def edges_into(self, node_id: str) -> list[Edge]:
        return sorted(Edge(s, t, *k) for s, t, k in self._graph.in_edges(node_id, keys=True))

    def edges_out_of(self, node_id: str) -> list[Edge]:
        return sorted(Edge(s, t, *k) for s, t, k in self._graph.out_edges(node_id, keys=True))

    def wire_into(self, node_id: str, port: str) -> Edge | None:
        """The edge that feeds input ``port`` of a node, if any."""
        return next((e for e in self.edges_into(node_id) if e.target_port == port), None)

    def check_connect(self, edge: Edge) -> None:
        """Raise ``ConnectionRefused`` with a short reason if ``edge`` may not be added."""
        self._check_edge(edge, set(), [])

    def _check_edge(self, edge: Edge, removed: set[Edge], added: list[Edge]) -> None:
        """``check_connect`` as if ``removed`` were gone and ``added`` there (reads only)."""
        if edge.source not in self._nodes or edge.target not in self._nodes:
            raise ConnectionRefused("both ends of a wire must be nodes of this pipeline")
        src, dst = self._nodes[edge.source], self._nodes[edge.target]
        if edge.source == edge.target:
            raise ConnectionRefused(f"{src.name} cannot feed itself")
        if (edge in self._edges and edge not in removed) or edge in added:
            raise ConnectionRefused(f"{edge.describe(self.names())} is already connected")
        if bool(edge.source_port) != bool(edge.target_port):
            raise ConnectionRefused("a wire needs both ports, an ordering edge neither")
        if not edge.is_ordering:
            out = src.output(edge.source_port)
            inp = dst.input(edge.target_port)
            if out is None:
                raise ConnectionRefused(f"{src.name} has no output {edge.source_port!r}")
            if inp is None:
                raise ConnectionRefused(f"{dst.name} has no input {edge.target_port!r}")
            feeding = [e for e in self.edges_into(edge.target) if e not in removed] + added
            if any(e.target == edge.target and e.target_port == edge.target_port for e in feeding):
                raise ConnectionRefused(f"{dst.name}.{inp.name} is already wired")
            if not can_feed(out.type, inp.type):
                raise ConnectionRefused(
                    f"type mismatch: {src.name}.{out.name} is {out.type.value}, "
                    f"{dst.name}.{inp.name} needs {inp.type.value}"
                )
        if self._reaches(edge.target, edge.source, removed, added):
            raise ConnectionRefused(f"wiring {src.name} into {dst.name} would make a cycle")

    def _reaches(self, start: str, goal: str, removed: set[Edge], added: list[Edge]) -> bool:
        """Whether a path leads from ``start`` to ``goal`` without ``removed``, with ``added``."""
        if not removed and not added:
            return bool(nx.has_path(self._graph, start, goal))
        extra: dict[str, list[str]] = {}
        for e in added:
            extra.setdefault(e.source, []).append(e.target)
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            nexts = [
                t
                for s, t, key in self._graph.out_edges(node, keys=True)
                if Edge(s, t, *key) not in removed
            ] + extra.get(node, [])
            for succ in nexts:
                if succ not in seen:
                    seen.add(succ)
                    todo.append(succ)
        return False

    def can_connect(self, edge: Edge) -> bool:
        try:
            self.check_connect(edge)
        except ConnectionRefused:
            return False
        return True

    def check_rewire(self, removed: Iterable[Edge], added: Iterable[Edge]) -> None:
        """Raise ``ConnectionRefused`` if removing ``removed`` then adding ``added`` is refused.

        Read-only: each added edge is checked as if the removed ones were gone and the earlier
        added ones there, so nothing is announced and nothing needs rolling back.
        """
        gone: set[Edge] = set()
        for edge in removed:
            if edge not in self._edges or edge in gone:
                raise ConnectionRefused(f"{edge.describe(self.names())} is not connected")
            gone.add(edge)
        done: list[Edge] = []
        for edge in added:
            self._check_edge(edge, gone, done)
            done.append(edge)

    def can_rewire(self, removed: Iterable[Edge], added: Iterable[Edge]) -> bool:
        """Whether ``check_rewire`` would accept the rewire (for the UI)."""
        try:
            self.check_rewire(removed, added)
        except ConnectionRefused:
            return False
        return True

    def add_edge(self, edge: Edge, *, check: bool = True) -> Edge:
        """Add an edge; unchecked adds (file loading) keep broken wires for validation."""
        if check:
            self.check_connect(edge)
        elif edge in self._edges:
            return edge
        if edge.source not in self._nodes or edge.target not in self._nodes:
            raise ModelError(f"edge {edge.describe()} names a node that does not exist")
        self._edges.add(edge)
        self._graph.add_edge(edge.source, edge.target, key=(edge.source_port, edge.target_port))
        self.changed.emit(EdgeAdded(edge))
        return edge

    def remove_edge(self, edge: Edge) -> Edge:
        if edge not in self._edges:
            raise ModelError(f"no edge {edge.describe(self.names())}")
        self._edges.remove(edge)
        self._graph.remove_edge(edge.source, edge.target, key=(edge.source_port, edge.target_port))
        self.changed.emit(EdgeRemoved(edge))
        return edge

    # -- graph queries ----------------------------------------------------------------------
    def names(self) -> dict[str, str]:
        return {n.id: n.name for n in self._nodes.values()}

    def upstream(self, node_id: str) -> list[str]:
        """Direct predecessors, in node order."""
        preds = set(self._graph.predecessors(node_id))
        return [n for n in self._nodes if n in preds]

    def descendants(self, node_id: str) -> set[str]:
        return set(nx.descendants(self._graph, node_id))

    def ancestors(self, node_id: str) -> set[str]:
        return set(nx.ancestors(self._graph, node_id))

    def cycles(self) -> list[list[str]]:
        """Every strongly connected group of nodes that forms a cycle (node ids, in order)."""
        found = []
        for component in nx.strongly_connected_components(self._graph):
            if len(component) > 1:
                found.append([n for n in self._nodes if n in component])
        return found

    def topological_order(self) -> list[str]:
        """Node ids, dependencies first, ties broken by insertion order (stable)."""
        if self.cycles():
            raise ModelError("the pipeline has a cycle")
        order = {n: i for i, n in enumerate(self._nodes)}
        return list(nx.lexicographical_topological_sort(self._graph, key=order.__getitem__))

    def layers(self) -> list[list[str]]:
        """Nodes grouped by longest-path depth (for layout and for readable exports)."""
        depth: dict[str, int] = {}
        for node_id in self.topological_order():
            preds = self._graph.predecessors(node_id)
            depth[node_id] = max((depth[p] + 1 for p in preds), default=0)
        layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for node_id in self._nodes:
            layers[depth[node_id]].append(node_id)
        return layers

    def subgraph_ids(self, ids: Iterable[str]) -> list[Edge]:
        """Edges whose both ends are among ``ids`` (for copy/paste)."""
        wanted = set(ids)
        return [e for e in self.edges if e.source in wanted and e.target in wanted]

    def __len__(self) -> int:
        return len(self._nodes)


def _check_enum_fields(node: Node) -> None:
    """Refuse a plain string where a node holds an enum (a string kind broke save and undo)."""
    checks = [("kind", node.kind, NodeKind), ("strategy", node.distributed.strategy, TFStrategy)]
    checks += [("secret source", ref.source, SecretSource) for ref in node.secrets]
    for field_name, value, enum in checks:
        if not isinstance(value, enum):
            raise ModelError(
                f"node {node.name!r}: {field_name} must be a {enum.__name__}, not {value!r}"
            )


def _changed_fields(old: object, new: object) -> frozenset[str]:
    """The names of the dataclass fields whose values differ between ``old`` and ``new``."""
    return frozenset(
        f.name
        for f in dataclasses.fields(old)  # type: ignore[arg-type]
        if getattr(old, f.name) != getattr(new, f.name)
    )
