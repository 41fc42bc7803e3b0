"""Undo commands: each holds the pipeline and its arguments only; redo edits, undo reverts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from Qt import QtCore, QtWidgets

from graph_editor.errors import StitchboardError
from graph_editor.nodes import Edge, Node
from graph_editor.pipeline import Pipeline
from graph_editor.wiring import Rewire, apply_rewire, revert_rewire


class QUndoCommand(QtWidgets.QUndoCommand):  # Qt.py exposes Qt6's QtGui.QUndoCommand here too
    """A command whose refused edit never stays on the undo stack.

    PySide6 prints and swallows an exception raised in ``redo``/``undo``, which left a command
    on the stack that did nothing (issue #12). Here a ``StitchboardError`` goes to ``report``
    (set by ``EditStack.push``) and marks the command obsolete, so the stack drops it.
    """

    def report(self, error: StitchboardError) -> None:
        """Where a refused step goes (``EditStack`` turns it into its ``refused`` signal)."""

    def redo(self) -> None:
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except StitchboardError as exc:
            self.setObsolete(True)
            self.report(exc)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class EditStack(QtWidgets.QUndoStack):
    """A document's undo stack: says why an edit was refused instead of keeping a no-op step."""

    refused = QtCore.Signal(str)

    def push(self, command: QtWidgets.QUndoCommand) -> None:  # type: ignore[override]
        if isinstance(command, QUndoCommand):
            command.report = self._report  # type: ignore[method-assign]
        super().push(command)

    def _report(self, error: StitchboardError) -> None:
        self.refused.emit(str(error).splitlines()[0])


class AddNodesCommand(QUndoCommand):
    """Add nodes (and the edges among them): palette, drop, paste, duplicate."""

    def __init__(
        self, pipeline: Pipeline, nodes: Iterable[Node], edges: Iterable[Edge] = (), text: str = ""
    ) -> None:
        self.nodes, self.edges = list(nodes), list(edges)
        names = ", ".join(n.name for n in self.nodes[:3])
        super().__init__(text or f"add {names}")
        self.pipeline = pipeline

    def apply(self) -> None:
        for node in self.nodes:
            self.pipeline.add_node(node)
        for edge in self.edges:
            self.pipeline.add_edge(edge, check=False)

    def revert(self) -> None:
        for edge in self.edges:
            if self.pipeline.has_edge(edge):
                self.pipeline.remove_edge(edge)
        for node in reversed(self.nodes):
            self.pipeline.remove_node(node.id)


class RemoveNodesCommand(QUndoCommand):
    """Delete nodes with their wires."""

    def __init__(self, pipeline: Pipeline, node_ids: Iterable[str]) -> None:
        self.node_ids = list(node_ids)
        super().__init__(f"delete {len(self.node_ids)} node(s)")
        self.pipeline = pipeline
        self.removed: list[tuple[int, Node]] = []  # (index in node order, node), ascending
        self.edges: list[Edge] = []

    def apply(self) -> None:
        order = sorted(self.node_ids, key=self.pipeline.index_of)
        self.removed = [(self.pipeline.index_of(i), self.pipeline.node(i)) for i in order]
        edges: set[Edge] = set()
        for node_id in reversed(order):  # from the back, so the saved indexes stay right
            _node, node_edges = self.pipeline.remove_node(node_id)
            edges.update(node_edges)
        self.edges = sorted(edges)

    def revert(self) -> None:
        for index, node in self.removed:  # ascending: each lands where it was
            self.pipeline.add_node(node, index=index)
        for edge in self.edges:
            self.pipeline.add_edge(edge, check=False)


class RewireCommand(QUndoCommand):
    """Remove some wires and add others in one step (a drag on the canvas, a delete).

    ``rewire`` (``graph_editor.wiring.plan_rewire``) also frees the inputs the new wires feed
    (their set value and parameter binding), as ``stitchboard wire`` does; undo puts them back.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        removed: Iterable[Edge] = (),
        added: Iterable[Edge] = (),
        text: str = "",
        rewire: Rewire | None = None,
    ) -> None:
        self.rewire = rewire or Rewire(tuple(removed), tuple(added))
        super().__init__(text or ("connect" if self.rewire.added else "disconnect"))
        self.pipeline = pipeline
        self.old: dict[str, dict[str, Any]] = {}

    def apply(self) -> None:
        self.old = apply_rewire(self.pipeline, self.rewire)

    def revert(self) -> None:
        revert_rewire(self.pipeline, self.rewire, self.old)


class UpdateNodeCommand(QUndoCommand):
    """Change fields of one node (properties panel, rename, port refresh).

    It keeps the old values of the fields it changes, nothing else: undo puts those back and
    leaves every other field (moved since, renamed since) as it is.
    """

    def __init__(
        self, pipeline: Pipeline, node_id: str, changes: dict[str, Any], text: str = ""
    ) -> None:
        super().__init__(text or f"edit {', '.join(changes)}")
        self.pipeline, self.node_id, self.changes = pipeline, node_id, dict(changes)
        self.old: dict[str, Any] = {}

    def apply(self) -> None:
        previous = self.pipeline.update_node(self.node_id, **self.changes)
        self.old = {name: getattr(previous, name) for name in self.changes}

    def revert(self) -> None:
        self.pipeline.update_node(self.node_id, **self.old)


class MoveNodesCommand(QUndoCommand):
    """Move nodes: ``moves`` maps node id to (new position, old position)."""

    def __init__(
        self,
        pipeline: Pipeline,
        moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
        text: str = "move",
    ) -> None:
        super().__init__(text)
        self.pipeline, self.moves = pipeline, moves

    def apply(self) -> None:
        for node_id, (new, _old) in self.moves.items():
            self.pipeline.update_node(node_id, position=new)

    def revert(self) -> None:
        for node_id, (_new, old) in self.moves.items():
            self.pipeline.update_node(node_id, position=old)


class UpdateSettingsCommand(QUndoCommand):
    """Change pipeline settings (name, schedule, parameters...)."""

    def __init__(self, pipeline: Pipeline, changes: dict[str, Any], text: str = "") -> None:
        super().__init__(text or f"edit pipeline {', '.join(changes)}")
        self.pipeline, self.changes = pipeline, changes
        self.old: dict[str, Any] = {}

    def apply(self) -> None:
        previous = self.pipeline.update_settings(**self.changes)
        self.old = {k: getattr(previous, k) for k in self.changes}

    def revert(self) -> None:
        self.pipeline.update_settings(**self.old)
