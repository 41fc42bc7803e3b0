"""The canvas: a view of a ``Pipeline`` and a ``RunSession``, drawn by a NodeGraphQt graph it holds.

The models are the source of truth. Their typed changes (node added/removed/changed with its
fields, edge added/removed; a node's run changed) update the drawing; gestures on the drawing
(wire, move, rename, drop, Tab search) become commands on the document's undo stack, which edit
the model, whose changes update the drawing. NodeGraphQt is held, not subclassed: its undo stack
and shortcuts are off and its gesture signals come here (``ngqt_private``). Its ids change on
every load, so the canvas keeps a stable-id -> view map.
"""

from __future__ import annotations

from collections.abc import Iterable

from NodeGraphQt import NodeGraph
from Qt import QtCore, QtWidgets

from graph_editor.changes import (
    EdgeAdded,
    EdgeRemoved,
    NodeAdded,
    NodeChanged,
    NodeRemoved,
    PipelineChange,
)
from graph_editor.nodes import Edge, Node
from graph_editor.pipeline import Pipeline
from graph_editor.qt import ngqt_private
from graph_editor.qt.editing import CanvasEditing
from graph_editor.qt.lazy_build import EAGER_MAX, SlicedBuild
from graph_editor.qt.node_items import NODE_CLASSES, _StitchNode
from graph_editor.qt.ports import ORDER_IN, ORDER_OUT, input_specs, output_specs
from graph_editor.qt.results import show_run
from graph_editor.qt.scene_index import SceneIndex
from graph_editor.qt.style import BACKGROUND, GRID
from graph_editor.qt.tuning import NoUndoStack, drop_builtin_undo, flat_tab_search, mark_broken
from graph_editor.qt.view_builder import ViewBuilder, drawing_held
from graph_editor.qt.wire_gestures import WireGestures
from graph_editor.run_session import RunSession
from graph_editor.run_state import NodeState

FIT_MARGIN = 40.0  # screen pixels kept free around the nodes by Zoom to Fit
MIN_FIT_SCALE = 0.25  # Zoom to Fit goes no further out: nodes stay boxes, wires stay apart
_REBUILD = frozenset({"kind", "inputs", "outputs", "values", "bindings"})  # fields drawn as ports


class PipelineCanvas(QtCore.QObject):
    """Shows one pipeline and its run session; edits the pipeline only through undo commands."""

    status_message = QtCore.Signal(str)
    selection_ids_changed = QtCore.Signal(list)
    node_activated = QtCore.Signal(str)
    views_built = QtCore.Signal()  # a slice of a big pipeline's views was built (lazy_build.py)

    def __init__(
        self,
        pipeline: Pipeline,
        commands: QtWidgets.QUndoStack,
        parent: QtCore.QObject | None = None,
        session: RunSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.graph = NodeGraph(parent, undo_stack=NoUndoStack())
        drop_builtin_undo(self.graph.viewer())
        ngqt_private.keep_names(self.graph)
        self.editing = CanvasEditing(self)  # add, copy/paste, delete; gestures -> commands
        ngqt_private.take_over_gestures(self.graph, self.editing.gestures())
        self.wires = WireGestures(self)  # click selects a wire; a drag lights compatible ports
        self.graph.node_double_clicked.connect(lambda n: self._activate(getattr(n, "sid", "")))
        self.graph.node_selection_changed.connect(lambda *_: self._selection_changed())
        self.graph.node_selected.connect(lambda *_: self._selection_changed())
        self.commands = commands
        self.graph.register_nodes(list(NODE_CLASSES.values()))
        self.graph.set_acyclic(False)  # the model refuses cycles; the view must show loaded ones
        self.graph.set_pipe_collision(False)
        self.graph.set_background_color(*BACKGROUND)
        self.graph.set_grid_color(*GRID)
        self.viewer().setAcceptDrops(True)
        self._views: dict[str, _StitchNode] = {}
        self._counts: dict[str, tuple[int, int]] = {}
        self._builder = ViewBuilder(self.graph)
        self.scene_index = SceneIndex(self.viewer().scene())
        self.session = session or RunSession()
        self.session.node_changed.connect(self._on_run_changed)
        self.session.reset.connect(self._on_run_reset)
        self._sliced: SlicedBuild | None = None  # a big pipeline's views, built in slices
        self.pipeline = pipeline
        self._build()
        pipeline.changed.connect(self._on_change)

    # -- the drawing widget -----------------------------------------------------------------
    @property
    def widget(self) -> QtWidgets.QWidget:
        return self.graph.widget

    def viewer(self) -> QtWidgets.QGraphicsView:
        return self.graph.viewer()

    def all_nodes(self) -> list[_StitchNode]:
        return self.graph.all_nodes()

    def selected_nodes(self) -> list[_StitchNode]:
        return self.graph.selected_nodes()

    def clear_selection(self) -> None:
        self.graph.clear_selection()

    def get_context_menu(self, name: str):  # -> NodeGraphQt NodesMenu / NodeGraphMenu
        return self.graph.get_context_menu(name)

    # -- model -> view ----------------------------------------------------------------------
    def set_pipeline(self, pipeline: Pipeline) -> None:
        """Show another pipeline (after open/new); the window clears the run session."""
        self.pipeline.changed.disconnect(self._on_change)
        if self._sliced is not None:
            self._sliced.cancel()
            self._sliced = None
        for view in list(self._views.values()):
            self._remove_view(view)
        self._views.clear()
        self._counts.clear()
        self.scene_index.reset()
        self.pipeline = pipeline
        self._build()
        pipeline.changed.connect(self._on_change)

    def _build(self) -> None:
        if len(self.pipeline) > EAGER_MAX:  # first area now, the rest after the first paint
            self._sliced = SlicedBuild(self)
            return
        viewer = self.viewer()
        viewer.setUpdatesEnabled(False)
        self.scene_index.pause()  # one index rebuild, not N
        try:
            self.build_views([node.id for node in self.pipeline.nodes])
        finally:
            self.scene_index.resume()
            viewer.setUpdatesEnabled(True)

    def build_views(self, node_ids: Iterable[str]) -> list[str]:
        """Build the views of some nodes not shown yet, and every edge whose both ends now
        exist (all at open; slice by slice for a big pipeline, ``lazy_build``); their ids."""
        ids = [i for i in node_ids if self.pipeline.has_node(i) and i not in self._views]
        with drawing_held():
            views = [self._create_view(self.pipeline.node(i)) for i in ids]
        for view in views:  # lay each node out once, before its wires need port positions
            node = self.pipeline.node(view.sid)
            self._builder.finish(view, node)
            self._show_status(view, node)  # issue badges and the last run, as for any view
        edges: set[Edge] = set()
        for node_id in ids:
            edges.update(self.pipeline.edges_into(node_id))
            edges.update(self.pipeline.edges_out_of(node_id))
        for edge in sorted(edges):
            if edge.source in self._views and edge.target in self._views:
                self._connect_view(edge)
        self.scene_index.cover(self.nodes_rect(ids))
        return ids

    def _on_change(self, change: PipelineChange) -> None:
        if isinstance(change, NodeAdded):
            self._add_view(self.pipeline.node(change.node_id))
        elif isinstance(change, NodeRemoved):
            view = self._views.pop(change.node_id, None)
            self._counts.pop(change.node_id, None)
            if view is not None:
                self._remove_view(view)
        elif isinstance(change, NodeChanged):
            self._update_view(self.pipeline.node(change.node_id), change.fields)
        elif isinstance(change, EdgeAdded | EdgeRemoved):
            self._on_edge_change(change)

    def _on_edge_change(self, change: EdgeAdded | EdgeRemoved) -> None:
        edge = change.edge
        for node_id in (edge.source, edge.target):
            if node_id in self._views and self._ports_differ(self.pipeline.node(node_id)):
                self._rebuild_view(self.pipeline.node(node_id))
                return
        if isinstance(change, EdgeAdded):
            self._connect_view(edge)
        else:
            self._disconnect_view(edge)
        self._on_run_changed(edge.source)  # the wire's hover shows the value it carried

    def _add_view(self, node: Node) -> _StitchNode:
        with drawing_held():
            view = self._create_view(node)
        self._builder.finish(view, node)
        self._show_status(view, node)
        self.scene_index.cover(view.view.sceneBoundingRect())
        return view

    def _create_view(self, node: Node) -> _StitchNode:
        """A node view in the scene, not laid out yet (see ``ViewBuilder``)."""
        view = self._builder.create(self.pipeline, node)
        self._views[node.id] = view
        return view

    def _remove_view(self, view: _StitchNode) -> None:
        for port in view.input_ports() + view.output_ports():
            port.clear_connections(push_undo=False, emit_signal=False)
        self.graph.remove_node(view, push_undo=False)

    def _ports_differ(self, node: Node) -> bool:
        view = self._views[node.id]
        want_in = [s.name for s in input_specs(self.pipeline, node)]
        want_out = [s.name for s in output_specs(self.pipeline, node)]
        return want_in != list(view.inputs()) or want_out != list(view.outputs())

    def _update_view(self, node: Node, fields: frozenset[str]) -> None:
        view = self._views.get(node.id)
        if view is None:
            return
        if fields & _REBUILD:
            self._rebuild_view(node)
            return
        if "name" in fields:
            view.model.name = node.name
            view.view.name = node.name
            view.view.draw_node()
        if "position" in fields and tuple(view.pos()) != tuple(node.position):
            view.view.xy_pos = [float(node.position[0]), float(node.position[1])]
            view.model.pos = [float(node.position[0]), float(node.position[1])]
        if "position" in fields:  # also after a drag, which moved the view itself
            self.scene_index.cover(view.view.sceneBoundingRect())
        self._show_status(view, node)

    def _rebuild_view(self, node: Node) -> None:
        old = self._views.pop(node.id)
        selected = old.selected()
        self._remove_view(old)
        view = self._add_view(node)
        view.set_selected(selected)
        for edge in self.pipeline.edges_into(node.id) + self.pipeline.edges_out_of(node.id):
            self._connect_view(edge)
        self._on_run_changed(node.id)

    def _show_status(self, view: _StitchNode, node: Node) -> None:
        """What the models say about a node beyond its shape: issue badges, its last run."""
        view.view.set_status(*self._counts.get(node.id, (0, 0)))
        show_run(view, node, self.session.node(node.id))

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

    def redraw_wires(self, node_ids: Iterable[str]) -> None:
        """Draw some nodes' wires from the model again (a refused drag left a stray pipe)."""
        for node_id in set(node_ids):
            view = self._views.get(node_id)
            if view is None:
                continue
            for port in view.input_ports() + view.output_ports():
                port.clear_connections(push_undo=False, emit_signal=False)
        for node_id in set(node_ids):
            if node_id in self._views:
                for edge in self.pipeline.edges_into(node_id) + self.pipeline.edges_out_of(node_id):
                    self._connect_view(edge)
                self._on_run_changed(node_id)

    # -- run session -> view ----------------------------------------------------------------
    def _on_run_changed(self, node_id: str) -> None:
        view = self._views.get(node_id)
        if view is not None and self.pipeline.has_node(node_id):
            show_run(view, self.pipeline.node(node_id), self.session.node(node_id))

    def _on_run_reset(self, _none: None = None) -> None:
        for node_id in self._views:
            self._on_run_changed(node_id)

    def run_state(self, node_id: str) -> NodeState | None:
        """The state the run on show gave a node (what its strip and badge show)."""
        return self.session.state(node_id)

    # -- validation badges ------------------------------------------------------------------
    def set_issue_counts(self, counts: dict[str, tuple[int, int]]) -> None:
        """Badges: ``counts`` maps node id to (errors, warnings); others are cleared."""
        self._counts = dict(counts)  # also for views a big pipeline builds later
        for node_id, view in self._views.items():
            view.view.set_status(*counts.get(node_id, (0, 0)))

    def issue_counts(self, node_id: str) -> tuple[int, int]:
        view = self._views[node_id].view
        return view.errors, view.warnings

    # -- queries ----------------------------------------------------------------------------
    def view_of(self, node_id: str) -> _StitchNode:
        return self._views[node_id]

    def views(self) -> list[_StitchNode]:
        """The node views built so far (a big pipeline builds the rest in slices)."""
        return list(self._views.values())

    def selected_ids(self) -> list[str]:
        return [n.sid for n in self.graph.selected_nodes() if getattr(n, "sid", "")]

    def finish_building(self) -> None:
        """Build every node view a big pipeline still waits for (see ``lazy_build``)."""
        if self._sliced is not None:
            self._sliced.finish_now()

    def select_ids(self, node_ids: Iterable[str], center: bool = False) -> None:
        node_ids = list(node_ids)
        if any(i not in self._views for i in node_ids):
            self.finish_building()
        self.graph.clear_selection()
        views = [self._views[i] for i in node_ids if i in self._views]
        for view in views:
            view.set_selected(True)
        if center and views:
            self.viewer().centerOn(self.nodes_rect([v.sid for v in views]).center())
        self.selection_ids_changed.emit(self.selected_ids())

    def _selection_changed(self) -> None:
        self.selection_ids_changed.emit(self.selected_ids())

    def _activate(self, node_id: str) -> None:
        if node_id:
            self.node_activated.emit(node_id)

    def sid_of_view_id(self, view_id: str) -> str:
        node = self.graph.model.nodes.get(view_id)
        return getattr(node, "sid", "") if node is not None else ""

    def nodes_rect(self, node_ids: Iterable[str] | None = None) -> QtCore.QRectF:
        """The scene rectangle around some nodes (all by default)."""
        ids = self._views if node_ids is None else node_ids
        rect = QtCore.QRectF()
        for node_id in ids:
            view = self._views.get(node_id)
            if view is not None:
                rect = rect.united(view.view.sceneBoundingRect())
        return rect

    def fit_all(self, node_ids: Iterable[str] | None = None, margin: float = FIT_MARGIN) -> bool:
        """Zoom to fit the nodes with ``margin`` screen pixels around them, at most 100 %, centred;
        False when they do not fit even at ``MIN_FIT_SCALE``.

        NodeGraphQt's fit sets the scene rect to the nodes' rect, which pins it to a corner of a
        larger viewport (a 2-node graph touched the edge); here the scene rect is the whole
        visible area, so centring works. A pipeline too big to fit readably (1000 nodes became
        a one-pixel line) is shown at ``MIN_FIT_SCALE`` from its top-left corner instead.
        """
        rect = self.nodes_rect(node_ids)
        if rect.isNull():
            return True
        viewer = self.viewer()
        port = viewer.viewport().rect()
        room_w, room_h = max(port.width() - 2 * margin, 1.0), max(port.height() - 2 * margin, 1.0)
        scale = min(room_w / max(rect.width(), 1.0), room_h / max(rect.height(), 1.0), 1.0)
        fits = scale >= MIN_FIT_SCALE
        scale = max(scale, MIN_FIT_SCALE)
        visible = QtCore.QRectF(0.0, 0.0, port.width() / scale, port.height() / scale)
        center = rect.center()  # the selection's own fit: Zoom to Selection zooms in
        pad = margin / scale
        if rect.width() + 2 * pad > visible.width():  # too wide: start at its left edge
            center.setX(rect.left() - pad + visible.width() / 2)
        if rect.height() + 2 * pad > visible.height():  # too tall: start at its top
            center.setY(rect.top() - pad + visible.height() / 2)
        visible.moveCenter(center)
        ngqt_private.show_scene_rect(viewer, visible)
        viewer.centerOn(center)
        self.update_proxy_modes()
        if not fits:
            self.status_message.emit(
                "Too many nodes to fit at a readable zoom: showing the top-left "
                "(View ▸ Overview shows them all)"
            )
        return fits

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
            ngqt_private.set_search_origin(viewer, viewer.viewport().rect().center())
        flat_tab_search(viewer)  # a menu: returns once a kind is chosen or Esc pressed
