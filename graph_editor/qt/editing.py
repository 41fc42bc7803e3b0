"""The canvas's editing actions: add, drop, copy/paste, duplicate, delete — each one undo step.

A mixin of ``PipelineCanvas``: it edits the model only through undo commands and reads the
selection through the canvas.
"""

from __future__ import annotations

from pathlib import Path

from Qt import QtWidgets

from graph_editor.nodes import Edge, Node, NodeKind
from graph_editor.qt import clipboard
from graph_editor.qt.commands import AddNodesCommand, RemoveNodesCommand, RewireCommand


class EditingActions:
    """User edits of the canvas (needs ``pipeline``, ``commands``, selection helpers, ``viewer``)."""

    # -- editing actions --------------------------------------------------------------------
    def add_blank_node(self, kind: NodeKind, position: tuple[float, float]) -> Node:
        """A new node of ``kind`` with no source yet (choose it in the properties panel)."""
        node = clipboard.blank_node(self.pipeline, kind, position)
        self.commands.push(AddNodesCommand(self.pipeline, [node], text=f"add {node.name}"))
        self.select_ids([node.id])
        return node

    def add_sources(self, paths: list[Path], position: tuple[float, float]) -> list[Node]:
        """Nodes (with their ports) for dropped notebooks/scripts; problems go to the status bar."""
        nodes, problems = clipboard.nodes_from_sources(self.pipeline, paths, position)
        if nodes:
            text = f"add {nodes[0].name}" if len(nodes) == 1 else f"add {len(nodes)} nodes"
            self.commands.push(AddNodesCommand(self.pipeline, nodes, text=text))
            self.select_ids([n.id for n in nodes])
        if problems:
            self.status_message.emit(
                problems[0]
                if len(problems) == 1
                else f"{problems[0]} (and {len(problems) - 1} more)"
            )
        return nodes

    def copy_selection(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            return False
        QtWidgets.QApplication.clipboard().setMimeData(clipboard.to_mime(self.pipeline, ids))
        return True

    def paste(self, offset: tuple[float, float] = (40.0, 40.0)) -> list[Node]:
        data = QtWidgets.QApplication.clipboard().mimeData()
        nodes, edges = clipboard.from_mime(self.pipeline, data, offset)
        if nodes:
            self.commands.push(
                AddNodesCommand(self.pipeline, nodes, edges, text=f"paste {len(nodes)} node(s)")
            )
            self.select_ids([n.id for n in nodes])
        return nodes

    def duplicate_selection(self) -> list[Node]:
        ids = self.selected_ids()
        if not ids:
            return []
        nodes, edges = clipboard.from_mime(
            self.pipeline, clipboard.to_mime(self.pipeline, ids), (40.0, 40.0)
        )
        self.commands.push(
            AddNodesCommand(self.pipeline, nodes, edges, text=f"duplicate {len(nodes)} node(s)")
        )
        self.select_ids([n.id for n in nodes])
        return nodes

    def delete_selection(self) -> bool:
        """Delete the selected nodes and wires as one undo step."""
        ids = self.selected_ids()
        edges = [e for e in self.selected_edges() if e.source not in ids and e.target not in ids]
        if not ids and not edges:
            return False
        self.commands.beginMacro(f"delete {len(ids)} node(s), {len(edges)} wire(s)")
        if edges:
            self.commands.push(RewireCommand(self.pipeline, edges, [], text="disconnect"))
        if ids:
            self.commands.push(RemoveNodesCommand(self.pipeline, ids))
        self.commands.endMacro()
        self.selection_ids_changed.emit(self.selected_ids())
        return True

    def selected_edges(self) -> list[Edge]:
        edges = []
        for item in self.viewer().selected_pipes():
            edge = self._edge_of(item.input_port, item.output_port)
            if edge is not None and self.pipeline.has_edge(edge):
                edges.append(edge)
        return edges
