"""The canvas: a NodeGraphQt view that mirrors a ``Pipeline`` and turns gestures into undo commands.

The pipeline is the source of truth. Model events (node added/removed/changed, edge
added/removed) update the view; user gestures (wire, move, rename, drop, Tab search) become
commands on the editor's undo stack, which edit the model, whose events update the view.
NodeGraphQt ids change on every load, so the canvas keeps a stable-id <-> view-node map.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from NodeGraphQt import NodeGraph
from NodeGraphQt.constants import PortTypeEnum
from Qt import QtCore, QtWidgets

from graph_editor.errors import ConnectionRefused
from graph_editor.nodes import Edge, Node, NodeKind
from graph_editor.pipeline import Pipeline, PipelineEvent
from graph_editor.qt.commands import (
    MoveNodesCommand,
    RewireCommand,
    UpdateNodeCommand,
    check_rewire,
)
from graph_editor.qt.editing import EditingActions
from graph_editor.qt.lazy_build import EAGER_MAX, SlicedBuild
from graph_editor.qt.node_items import NODE_CLASSES, TYPE_TO_KIND, _StitchNode
from graph_editor.qt.ports import ORDER_IN, ORDER_OUT, input_specs, node_tooltip, output_specs
from graph_editor.qt.style import BACKGROUND, GRID
from graph_editor.qt.tuning import NoUndoStack, drop_builtin_undo, flat_tab_search, mark_broken
from graph_editor.qt.view_builder import ViewBuilder, drawing_held
from graph_editor.run_state import NodeState

KIND_MIME = "application/x-stitchboard-kind"
FIT_MARGIN = 40.0  # screen pixels kept free around the nodes by Zoom to Fit


class PipelineCanvas(EditingActions, NodeGraph):
    """A NodeGraphQt graph that shows one pipeline and edits it through undo commands."""

    status_message = QtCore.Signal(str)
    selection_ids_changed = QtCore.Signal(list)
    node_activated = QtCore.Signal(str)
    views_built = QtCore.Signal()  # a slice of a big pipeline's views was built (lazy_build.py)

    def __init__(
        self,
        pipeline: Pipeline,
        commands: QtWidgets.QUndoStack,
        parent: QtCore.QObject | None = None,
    ) -> None:
        private = NoUndoStack()
        super().__init__(parent, undo_stack=private)
        self._private_stack = private
        drop_builtin_undo(self.viewer())
        self.commands = commands
        self.register_nodes(list(NODE_CLASSES.values()))
        self.set_acyclic(False)  # the model refuses cycles; the view must show loaded ones
        self.set_pipe_collision(False)
        self.set_background_color(*BACKGROUND)
        self.set_grid_color(*GRID)
        self.viewer().setAcceptDrops(True)
        self._views: dict[str, _StitchNode] = {}
        self._shown: dict[str, Node] = {}
        self._muted = 0
        self._builder = ViewBuilder(self)
        self._sliced: SlicedBuild | None = None
        self._issue_counts: dict[str, tuple[int, int]] = {}
        self.pipeline = pipeline
        self._build()
        pipeline.subscribe(self._on_model_event)

    # -- model -> view ----------------------------------------------------------------------
    def set_pipeline(self, pipeline: Pipeline) -> None:
        """Show another pipeline (after open/new); clears the view."""
        self.pipeline.unsubscribe(self._on_model_event)
        if self._sliced is not None:
            self._sliced.cancel()
            self._sliced = None
        self._issue_counts = {}
        for view in list(self._views.values()):
            self._remove_view(view)
        self._views.clear()
        self._shown.clear()
        self.pipeline = pipeline
        self._build()
        pipeline.subscribe(self._on_model_event)

    def _build(self) -> None:
        if len(self.pipeline) > EAGER_MAX:  # first area now, the rest after the first paint
            self._sliced = SlicedBuild(self)
            return
        viewer = self.viewer()
        viewer.setUpdatesEnabled(False)
        scene = viewer.scene()
        index = scene.itemIndexMethod()
        scene.setItemIndexMethod(
            QtWidgets.QGraphicsScene.NoIndex
        )  # one index rebuild, not one per move
        try:
            with drawing_held():
                views = [self._create_view(node) for node in self.pipeline.nodes]
            for view in views:  # lay each node out once, before its wires need port positions
                self._builder.finish(view, self._shown[view.sid])
            for edge in self.pipeline.edges:
                self._connect_view(edge)
        finally:
            scene.setItemIndexMethod(index)
            viewer.setUpdatesEnabled(True)

    @contextmanager
    def muted(self) -> Iterator[None]:
        """Ignore model events (used while trying an edit that will be rolled back)."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def _on_model_event(self, event: PipelineEvent) -> None:
        if self._muted:
            return
        if event.kind == "node_added":
            self._add_view(self.pipeline.node(event.node_id))
        elif event.kind == "node_removed":
            view = self._views.pop(event.node_id, None)
            self._shown.pop(event.node_id, None)
            if view is not None:
                self._remove_view(view)
        elif event.kind == "node_changed":
            self._update_view(self.pipeline.node(event.node_id))
        elif event.kind in ("edge_added", "edge_removed") and event.edge is not None:
            self._on_edge_event(event.kind, event.edge)

    def _on_edge_event(self, kind: str, edge: Edge) -> None:
        for node_id in (edge.source, edge.target):
            if node_id in self._views and self._ports_differ(self.pipeline.node(node_id)):
                self._rebuild_view(self.pipeline.node(node_id))
                return
        if kind == "edge_added":
            self._connect_view(edge)
        else:
            self._disconnect_view(edge)

    def _add_view(self, node: Node) -> _StitchNode:
        with drawing_held():
            view = self._create_view(node)
        self._builder.finish(view, node)
        return view

    def _create_view(self, node: Node) -> _StitchNode:
        """A node view in the scene, not laid out yet (see ``ViewBuilder``), and its bookkeeping."""
        view = self._builder.create(self.pipeline, node)
        self._views[node.id] = view
        self._shown[node.id] = node
        return view

    def _remove_view(self, view: _StitchNode) -> None:
        for port in view.input_ports() + view.output_ports():
            port.clear_connections(push_undo=False, emit_signal=False)
        self.remove_node(view, push_undo=False)

    def _ports_differ(self, node: Node) -> bool:
        view = self._views[node.id]
        want_in = [s.name for s in input_specs(self.pipeline, node)]
        want_out = [s.name for s in output_specs(self.pipeline, node)]
        return want_in != list(view.inputs()) or want_out != list(view.outputs())

    def _update_view(self, node: Node) -> None:
        old = self._shown.get(node.id)
        view = self._views.get(node.id)
        if old is None or view is None:
            return
        self._shown[node.id] = node
        if (
            old.kind != node.kind
            or old.inputs != node.inputs
            or old.outputs != node.outputs
            or old.values != node.values
            or old.bindings != node.bindings
        ):
            self._rebuild_view(node)
            return
        if old.name != node.name:
            view.model.name = node.name
            view.view.name = node.name
            view.view.draw_node()
        if tuple(view.pos()) != tuple(node.position):
            view.view.xy_pos = [float(node.position[0]), float(node.position[1])]
            view.model.pos = [float(node.position[0]), float(node.position[1])]
        view.view.setToolTip(node_tooltip(node))

    def _rebuild_view(self, node: Node) -> None:
        old = self._views.pop(node.id)
        status = (old.view.errors, old.view.warnings, old.view.run_state)
        selected = old.selected()
        self._remove_view(old)
        view = self._add_view(node)
        view.view.set_status(status[0], status[1])
        view.view.set_run_state(status[2])
        view.set_selected(selected)
        for edge in self.pipeline.edges_into(node.id) + self.pipeline.edges_out_of(node.id):
            self._connect_view(edge)

    def _view_ports(self, edge: Edge):  # -> tuple[Port, Port] | None
        src, dst = self._views.get(edge.source), self._views.get(edge.target)
        if src is None or dst is None:
            return None
        out = src.outputs().get(edge.source_port or ORDER_OUT)
        inp = dst.inputs().get(edge.target_port or ORDER_IN)
        if out is None or inp is None:
            return None
        return out, inp

    def _connect_view(self, edge: Edge) -> None:
        ports = self._view_ports(edge)
        if ports is not None:
            ports[0].connect_to(ports[1], push_undo=False, emit_signal=False)
            if getattr(ports[0].view, "broken", False) or getattr(ports[1].view, "broken", False):
                mark_broken(ports[0].view, ports[1].view)

    def _disconnect_view(self, edge: Edge) -> None:
        ports = self._view_ports(edge)
        if ports is not None:
            ports[0].disconnect_from(ports[1], push_undo=False, emit_signal=False)

    def _resync_edges(self, node_ids: Iterable[str]) -> None:
        """Make the view's wires of some nodes match the model again (after a refused drag)."""
        for node_id in set(node_ids):
            view = self._views.get(node_id)
            if view is None:
                continue
            for port in view.input_ports():
                port.clear_connections(push_undo=False, emit_signal=False)
            for edge in self.pipeline.edges_into(node_id):
                self._connect_view(edge)
            for port in view.output_ports():
                for other in port.connected_ports():
                    sid = getattr(other.node(), "sid", "")
                    edge = Edge(node_id, sid, *self._edge_ports(port.name(), other.name()))
                    if not self.pipeline.has_edge(edge):
                        port.disconnect_from(other, push_undo=False, emit_signal=False)
            for edge in self.pipeline.edges_out_of(node_id):
                self._connect_view(edge)

    # -- status shown on nodes --------------------------------------------------------------
    def set_issue_counts(self, counts: dict[str, tuple[int, int]]) -> None:
        """Badges: ``counts`` maps node id to (errors, warnings); others are cleared."""
        self._issue_counts = dict(counts)  # for views built later (lazy_build.py)
        for node_id, view in self._views.items():
            view.view.set_status(*counts.get(node_id, (0, 0)))

    def set_run_state(self, node_id: str, state: NodeState | None) -> None:
        view = self._views.get(node_id)
        if view is not None:
            view.view.set_run_state(state)

    def clear_run_states(self) -> None:
        for view in self._views.values():
            view.view.set_run_state(None)

    def run_state(self, node_id: str) -> NodeState | None:
        return self._views[node_id].view.run_state

    def issue_counts(self, node_id: str) -> tuple[int, int]:
        view = self._views[node_id].view
        return view.errors, view.warnings

    # -- queries ----------------------------------------------------------------------------
    def view_of(self, node_id: str) -> _StitchNode:
        return self._views[node_id]

    def selected_ids(self) -> list[str]:
        return [n.sid for n in self.selected_nodes() if getattr(n, "sid", "")]

    def finish_building(self) -> None:
        """Build every node view a big pipeline still waits for (see ``lazy_build``)."""
        if self._sliced is not None:
            self._sliced.finish_now()

    def select_ids(self, node_ids: Iterable[str], center: bool = False) -> None:
        node_ids = list(node_ids)
        if any(i not in self._views for i in node_ids):
            self.finish_building()
        self.clear_selection()
        views = [self._views[i] for i in node_ids if i in self._views]
        for view in views:
            view.set_selected(True)
        if center and views:
            self.viewer().centerOn(self.nodes_rect([v.sid for v in views]).center())
        self.selection_ids_changed.emit(self.selected_ids())

    def nodes_rect(self, node_ids: Iterable[str] | None = None) -> QtCore.QRectF:
        """The scene rectangle around some nodes (all by default)."""
        ids = self._views if node_ids is None else node_ids
        rect = QtCore.QRectF()
        for node_id in ids:
            view = self._views.get(node_id)
            if view is not None:
                rect = rect.united(view.view.sceneBoundingRect())
        return rect

    def fit_all(self, node_ids: Iterable[str] | None = None, margin: float = FIT_MARGIN) -> None:
        """Zoom to fit the nodes with ``margin`` screen pixels around them, at most 100 %, centred.

        NodeGraphQt's fit sets the scene rect to the nodes' rect, which pins it to a corner of a
        larger viewport (a 2-node graph touched the edge); here the scene rect is the whole
        visible area, so centring works.
        """
        rect = self.nodes_rect(node_ids)
        if rect.isNull():
            return
        viewer = self.viewer()
        port = viewer.viewport().rect()
        room_w, room_h = max(port.width() - 2 * margin, 1.0), max(port.height() - 2 * margin, 1.0)
        scale = min(room_w / max(rect.width(), 1.0), room_h / max(rect.height(), 1.0), 1.0)
        visible = QtCore.QRectF(0.0, 0.0, port.width() / scale, port.height() / scale)
        visible.moveCenter(rect.center())
        visible = visible.united(viewer.sceneRect()) if node_ids is not None else visible
        viewer._scene_range = visible  # NodeGraphQt's own zoom keeps working from here
        viewer._update_scene()  # its fitInView: the visible area has the viewport's shape
        viewer.centerOn(rect.center())
        self.update_proxy_modes()

    def update_proxy_modes(self) -> None:
        """Switch nodes in or out of proxy mode for the current zoom before the view repaints.

        Switching inside paint (NodeGraphQt's way) hides captions during the paint, which makes
        Qt paint every node a second time.
        """
        scale = self.viewer().transform().m11()
        for view in self._views.values():
            view.view.update_proxy_mode(scale)

    def toggle_node_search(self) -> None:
        """Tab: a search over Stitchboard's node kinds by their display names, nothing else."""
        viewer = self.viewer()
        if not viewer.underMouse():  # from the menu or the keyboard: open in the middle
            viewer._previous_pos = viewer.viewport().rect().center()
        flat_tab_search(viewer)  # a menu: returns once a kind is chosen or Esc pressed

    def get_unique_name(self, name: str) -> str:  # names are the model's business
        return name

    @staticmethod
    def _edge_ports(out_name: str, in_name: str) -> tuple[str, str]:
        if out_name == ORDER_OUT or in_name == ORDER_IN:
            return "", ""
        return out_name, in_name

    def _edge_of(self, a, b) -> Edge | None:  # two port views (any order) -> Edge
        out, inp = (a, b) if a.port_type == PortTypeEnum.OUT.value else (b, a)
        src = self._sid_of_view_id(out.node.id)
        dst = self._sid_of_view_id(inp.node.id)
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

    def _sid_of_view_id(self, view_id: str) -> str:
        node = self.model.nodes.get(view_id)
        return getattr(node, "sid", "") if node is not None else ""

    # -- gestures -> commands ---------------------------------------------------------------
    def _on_connection_changed(self, disconnected: list, connected: list) -> None:
        removed = [e for e in (self._edge_of(a, b) for a, b in disconnected) if e]
        added = [e for e in (self._edge_of(a, b) for a, b in connected) if e]
        removed = [e for e in removed if self.pipeline.has_edge(e)]
        self.request_rewire(removed, added)

    def _on_connection_sliced(self, ports: list) -> None:
        removed = [e for e in (self._edge_of(a, b) for a, b in ports) if e]
        self.request_rewire([e for e in removed if self.pipeline.has_edge(e)], [])

    def request_rewire(self, removed: list[Edge], added: list[Edge]) -> bool:
        """Apply a wiring gesture as one undo step, or refuse it with a status-bar reason."""
        involved = {n for e in removed + added for n in (e.source, e.target)}
        ok = bool(removed or added)
        if ok:
            try:
                for edge in added:
                    if "?" in (edge.source_port, edge.target_port):
                        raise ConnectionRefused(
                            "ordering ports ('after'/'then') connect only to each other"
                        )
                with self.muted():
                    check_rewire(self.pipeline, removed, added)
            except ConnectionRefused as exc:
                self.status_message.emit(f"Connection refused: {exc.reason}")
                ok = False
            else:
                names = self.pipeline.names()
                text = "; ".join(e.describe(names) for e in added) or "disconnect"
                self.commands.push(RewireCommand(self.pipeline, removed, added, text=text))
        self._resync_edges(involved)
        return ok

    def _on_nodes_moved(self, node_data: dict) -> None:
        moves = {}
        for item, _prev in node_data.items():
            sid = self._sid_of_view_id(item.id)
            if sid:
                new = (round(float(item.xy_pos[0]), 1), round(float(item.xy_pos[1]), 1))
                old = self.pipeline.node(sid).position
                if new != tuple(old):
                    moves[sid] = (new, tuple(old))
        if moves:
            with self.muted():  # the view already shows the new positions
                self.commands.push(MoveNodesCommand(self.pipeline, moves))
            for sid in moves:
                self._shown[sid] = self.pipeline.node(sid)

    def _on_node_name_changed(self, view_id: str, name: str) -> None:
        sid = self._sid_of_view_id(view_id)
        if sid and name and name != self.pipeline.node(sid).name:
            self.commands.push(
                UpdateNodeCommand(self.pipeline, sid, {"name": name}, text=f"rename {name}")
            )

    def _on_node_double_clicked(self, view_id: str) -> None:
        sid = self._sid_of_view_id(view_id)
        if sid:
            self.node_activated.emit(sid)

    def _on_node_selection_changed(self, sel_ids: list, desel_ids: list) -> None:
        self.selection_ids_changed.emit(self.selected_ids())

    def _on_node_selected(self, view_id: str) -> None:
        self.selection_ids_changed.emit(self.selected_ids())

    def _on_insert_node(self, pipe: object, node_id: str, prev_node_pos: dict) -> None:
        self._on_nodes_moved(prev_node_pos)

    def _on_search_triggered(self, node_type: str, pos: object) -> None:
        kind = TYPE_TO_KIND.get(node_type)
        if kind is not None:
            self.add_blank_node(kind, (float(pos[0]), float(pos[1])))

    def _on_node_data_dropped(self, mimedata: QtCore.QMimeData, pos: QtCore.QPoint) -> None:
        at = (float(pos.x()), float(pos.y()))
        if mimedata.hasFormat(KIND_MIME):
            kind = NodeKind(bytes(mimedata.data(KIND_MIME).data()).decode())
            self.add_blank_node(kind, at)
        elif mimedata.hasUrls():
            paths = [Path(u.toLocalFile()) for u in mimedata.urls() if u.isLocalFile()]
            self.add_sources(paths, at)
