"""Watches the notebooks of the open pipeline; a change on disk refreshes that node's ports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtGui

from graph_editor.build import refreshed_ports
from graph_editor.changes import NodeAdded, NodeChanged, NodeRemoved, PipelineChange
from graph_editor.pipeline import Pipeline
from graph_editor.qt.commands import UpdateNodeCommand


class SourceWatcher(QtCore.QObject):
    """A QFileSystemWatcher over every node source; refreshes go through undo commands."""

    def __init__(
        self,
        parent: QtCore.QObject,
        push: Callable[[QtGui.QUndoCommand], None],
        on_status: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self.push, self.on_status = push, on_status
        self.pipeline: Pipeline | None = None
        self.fs = QtCore.QFileSystemWatcher(self)
        self.fs.fileChanged.connect(self.on_file_changed)

    def watch(self, pipeline: Pipeline) -> None:
        if self.pipeline is not None:
            self.pipeline.changed.disconnect(self._on_change)
        self.pipeline = pipeline
        pipeline.changed.connect(self._on_change)
        self.sync()

    def _on_change(self, change: PipelineChange) -> None:
        if isinstance(change, NodeAdded | NodeRemoved) or (
            isinstance(change, NodeChanged) and "source" in change.fields
        ):
            self.sync()

    def paths(self) -> set[str]:
        if self.pipeline is None:
            return set()
        return {str(self.pipeline.source_path(n)) for n in self.pipeline.nodes if n.source}

    def sync(self) -> None:
        wanted = {p for p in self.paths() if Path(p).exists()}
        current = set(self.fs.files())
        if current - wanted:
            self.fs.removePaths(sorted(current - wanted))
        if wanted - current:
            self.fs.addPaths(sorted(wanted - current))

    def refresh_node(self, node_id: str) -> bool:
        """Re-read one node's notebook ports (one undo step); returns whether they changed."""
        pipeline = self.pipeline
        if pipeline is None or not pipeline.has_node(node_id):
            return False
        changes = refreshed_ports(pipeline, node_id)
        if not changes:
            return False
        name = pipeline.node(node_id).name
        self.push(UpdateNodeCommand(pipeline, node_id, changes, text=f"refresh ports of {name}"))
        return True

    def on_file_changed(self, path: str) -> list[str]:
        """Refresh the ports of every node using ``path``; returns the ids that changed."""
        pipeline = self.pipeline
        if pipeline is None:
            return []
        changed = [
            node.id
            for node in pipeline.nodes
            if node.source
            and str(pipeline.source_path(node)) == path
            and self.refresh_node(node.id)
        ]
        if changed:
            names = ", ".join(pipeline.node(i).name for i in changed)
            self.on_status(f"{Path(path).name} changed on disk: ports of {names} refreshed")
        if Path(path).exists() and path not in self.fs.files():
            self.fs.addPath(path)  # editors that save by rename drop the watch
        return changed
