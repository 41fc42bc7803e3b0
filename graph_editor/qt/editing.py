"""The canvas's editing: actions (add, drop, copy/paste, duplicate, delete) and gestures (wire,
move, rename, Tab search, drop) — each one undo step.

Held by ``PipelineCanvas`` as ``canvas.editing``: it edits the canvas's pipeline only through
undo commands on the canvas's stack, and reads the selection and the views through the canvas.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from NodeGraphQt.constants import PortTypeEnum
from Qt import QtCore, QtWidgets

from graph_editor.errors import ConnectionRefused
from graph_editor.nodes import Edge, Node, NodeKind
from graph_editor.pipeline import Pipeline
from graph_editor.qt import clipboard, ngqt_private
from graph_editor.qt.commands import (
    AddNodesCommand,
    MoveNodesCommand,
    RemoveNodesCommand,
    RewireCommand,
    UpdateNodeCommand,
)
from graph_editor.qt.node_items import TYPE_TO_KIND
from graph_editor.qt.ports import ORDER_IN, ORDER_OUT
from graph_editor.wiring import plan_rewire

if TYPE_CHECKING:
    from graph_editor.qt.canvas import PipelineCanvas

KIND_MIME = "application/x-stitchboard-kind"


class CanvasEditing:
    """User edits of one canvas: its actions, and its drawing's gestures turned into commands."""

    def __init__(self, canvas: PipelineCanvas) -> None:
        self.canvas = canvas

    @property
    def pipeline(self) -> Pipeline:
        return self.canvas.pipeline  # the canvas may show another pipeline later

    @property
    def commands(self) -> QtWidgets.QUndoStack:
        return self.canvas.commands  # the current document's undo stack

    def gestures(self) -> ngqt_private.Gestures:
        """Where the drawing's gestures go (``ngqt_private.take_over_gestures``)."""
        return ngqt_private.Gestures(
            search_triggered=self._on_search_triggered,
            connection_sliced=self._on_connection_sliced,
            connection_changed=self._on_connection_changed,
            moved_nodes=self._on_nodes_moved,
            node_name_changed=self._on_node_name_changed,
            insert_node=self._on_insert_node,
            data_dropped=self._on_node_data_dropped,
        )

    # -- editing actions --------------------------------------------------------------------
    def add_blank_node(self, kind: NodeKind, position: tuple[float, float]) -> Node:
        """A new node of ``kind`` with no source yet (choose it in the properties panel)."""
        node = clipboard.blank_node(self.pipeline, kind, position)
        self.commands.push(AddNodesCommand(self.pipeline, [node], text=f"add {node.name}"))
        self.canvas.select_ids([node.id])
        return node

    def add_sources(self, paths: list[Path], position: tuple[float, float]) -> list[Node]:
        """Nodes (with their ports) for dropped notebooks/scripts; problems go to the status bar."""
        nodes, problems = clipboard.nodes_from_sources(self.pipeline, paths, position)
        if nodes:
            text = f"add {nodes[0].name}" if len(nodes) == 1 else f"add {len(nodes)} nodes"
            self.commands.push(AddNodesCommand(self.pipeline, nodes, text=text))
            self.canvas.select_ids([n.id for n in nodes])
        if problems:
            self.canvas.status_message.emit(
                problems[0]
                if len(problems) == 1
                else f"{problems[0]} (and {len(problems) - 1} more)"
            )
        return nodes

    def copy_selection(self) -> bool:
        ids = self.canvas.selected_ids()
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
            self.canvas.select_ids([n.id for n in nodes])
        return nodes

    def duplicate_selection(self) -> list[Node]:
        ids = self.canvas.selected_ids()
        if not ids:
            return []
        nodes, edges = clipboard.from_mime(
            self.pipeline, clipboard.to_mime(self.pipeline, ids), (40.0, 40.0)
        )
        self.commands.push(
            AddNodesCommand(self.pipeline, nodes, edges, text=f"duplicate {len(nodes)} node(s)")
        )
        self.canvas.select_ids([n.id for n in nodes])
        return nodes

    def delete_selection(self) -> bool:
        """Delete the selected nodes and wires as one undo step."""
        ids = self.canvas.selected_ids()
        edges = [e for e in self.selected_edges() if e.source not in ids and e.target not in ids]
        if not ids and not edges:
            return False
        self.commands.beginMacro(f"delete {len(ids)} node(s), {len(edges)} wire(s)")
        if edges:
            self.commands.push(RewireCommand(self.pipeline, edges, [], text="disconnect"))
        if ids:
            self.commands.push(RemoveNodesCommand(self.pipeline, ids))
        self.commands.endMacro()
        self.canvas.selection_ids_changed.emit(self.canvas.selected_ids())
        return True

    def selected_edges(self) -> list[Edge]:
        edges = []
        for item in self.canvas.viewer().selected_pipes():
            edge = self._edge_of(item.input_port, item.output_port)
            if edge is not None and self.pipeline.has_edge(edge):
                edges.append(edge)
        return edges

    # -- gestures on the drawing -> commands ------------------------------------------------
    # (connected to NodeGraphQt's viewer signals by ``ngqt_private.take_over_gestures``)
    @staticmethod
    def _edge_ports(out_name: str, in_name: str) -> tuple[str, str]:
        if out_name == ORDER_OUT or in_name == ORDER_IN:
            return "", ""
        return out_name, in_name

    def edge_between(self, a: Any, b: Any) -> Edge | None:
        """The model edge two port items (in any order) stand for; ``"?"`` marks a mixed pair."""
        return self._edge_of(a, b)

    def _edge_of(self, a: Any, b: Any) -> Edge | None:  # two port items (any order) -> Edge
        out, inp = (a, b) if a.port_type == PortTypeEnum.OUT.value else (b, a)
        src = self.canvas.sid_of_view_id(out.node.id)
        dst = self.canvas.sid_of_view_id(inp.node.id)
        if not src or not dst:
            return None
        if (out.name == ORDER_OUT) != (inp.name == ORDER_IN):
            return Edge(
                src,
                dst,
                "?" if out.name == ORDER_OUT else out.name,
                "?" if inp.name == ORDER_IN else inp.name,
            )
        return Edge(src, dst, *self._edge_ports(out.name, inp.name))

    def _on_connection_changed(self, disconnected: list, connected: list) -> None:
        removed = [e for e in (self._edge_of(a, b) for a, b in disconnected) if e]
        added = [e for e in (self._edge_of(a, b) for a, b in connected) if e]
        removed = [e for e in removed if self.pipeline.has_edge(e)]
        self.request_rewire(removed, added)

    def _on_connection_sliced(self, ports: list) -> None:
        removed = [e for e in (self._edge_of(a, b) for a, b in ports) if e]
        self.request_rewire([e for e in removed if self.pipeline.has_edge(e)], [])

    def request_rewire(self, removed: list[Edge], added: list[Edge]) -> bool:
        """Apply a wiring gesture as one undo step, or refuse it with a status-bar reason.

        The model checks the whole gesture first, read-only (``Pipeline.check_rewire``);
        nothing changes unless it passes.
        """
        involved = {n for e in removed + added for n in (e.source, e.target)}
        ok = bool(removed or added)
        if ok:
            try:
                rewire = plan_rewire(self.pipeline, removed, added)
            except ConnectionRefused as exc:
                self.canvas.status_message.emit(f"Connection refused: {exc.reason}")
                ok = False
            else:
                names = self.pipeline.names()
                text = "; ".join(e.describe(names) for e in added) or "disconnect"
                self.commands.push(RewireCommand(self.pipeline, text=text, rewire=rewire))
                if rewire.dropped:
                    self.canvas.status_message.emit(f"Connected{rewire.note}")
        # the viewer drew (or dropped) pipes of its own during the drag: draw the model's again
        self.canvas.redraw_wires(involved)
        return ok

    def _on_nodes_moved(self, node_data: dict) -> None:
        moves = {}
        for item, _prev in node_data.items():
            sid = self.canvas.sid_of_view_id(item.id)
            if sid:
                new = (round(float(item.xy_pos[0]), 1), round(float(item.xy_pos[1]), 1))
                old = self.pipeline.node(sid).position
                if new != tuple(old):
                    moves[sid] = (new, tuple(old))
        if moves:
            self.commands.push(MoveNodesCommand(self.pipeline, moves))

    def _on_node_name_changed(self, view_id: str, name: str) -> None:
        sid = self.canvas.sid_of_view_id(view_id)
        if sid and name and name != self.pipeline.node(sid).name:
            self.commands.push(
                UpdateNodeCommand(self.pipeline, sid, {"name": name}, text=f"rename {name}")
            )

    def _on_insert_node(self, pipe: object, node_id: str, prev_node_pos: dict) -> None:
        self._on_nodes_moved(prev_node_pos)  # a drop onto a wire is only a move here

    def _on_search_triggered(self, node_type: str, pos: object) -> None:
        kind = TYPE_TO_KIND.get(node_type)
        if kind is not None:
            self.add_blank_node(kind, (float(pos[0]), float(pos[1])))  # type: ignore[index]

    def _on_node_data_dropped(self, mimedata: QtCore.QMimeData, pos: QtCore.QPoint) -> None:
        at = (float(pos.x()), float(pos.y()))
        if mimedata.hasFormat(KIND_MIME):
            kind = NodeKind(bytes(mimedata.data(KIND_MIME).data()).decode())
            self.add_blank_node(kind, at)
        elif mimedata.hasUrls():
            paths = [Path(u.toLocalFile()) for u in mimedata.urls() if u.isLocalFile()]
            self.add_sources(paths, at)
