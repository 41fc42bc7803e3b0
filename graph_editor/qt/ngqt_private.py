"""Every private NodeGraphQt name Stitchboard relies on, in one place, with a check.

NodeGraphQt (0.6.x) is the drawing widget; the canvas holds a ``NodeGraph`` rather than
subclassing it. A few private names are still needed, each for a measured reason (speed of
opening big pipelines, a fit that centres, a Tab search of our kinds only, gestures that reach
the undo stack before NodeGraphQt edits its own model). The functions here are the only code
outside the item subclasses (``node_items.py``, ``port_items.py``) that touches them, and
``missing_private_names`` lists any that a new NodeGraphQt release renamed or removed;
``tests/graph_editor/qt/test_ngqt_private.py`` fails naming them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from NodeGraphQt import BaseNode, NodeGraph
from NodeGraphQt.qgraphics.node_abstract import AbstractNodeItem
from NodeGraphQt.qgraphics.node_base import NodeItem
from NodeGraphQt.qgraphics.pipe import PipeItem
from NodeGraphQt.qgraphics.port import PortItem
from NodeGraphQt.widgets.tab_search import TabSearchMenuWidget
from NodeGraphQt.widgets.viewer import NodeViewer
from Qt import QtCore, QtGui

# -- the names, by owner ----------------------------------------------------------------------
# NodeGraph slots that the viewer's gesture signals call; the canvas takes them over.
GRAPH_SLOTS = {
    "search_triggered": "_on_search_triggered",
    "connection_sliced": "_on_connection_sliced",
    "connection_changed": "_on_connection_changed",
    "moved_nodes": "_on_nodes_moved",
    "node_name_changed": "_on_node_name_changed",
    "insert_node": "_on_insert_node",
    "data_dropped": "_on_node_data_dropped",
}
VIEWER_FIELDS = (
    "_scene_range",
    "_previous_pos",
    "_origin_pos",
    "_search_widget",
    "_cursor_text",
    "_start_port",
    "_detached_port",
)
VIEWER_METHODS = ("_update_scene", "_set_viewer_pan", "_items_near")
# viewer methods that the scene and the viewer call through the instance; wire_gestures wraps them
VIEWER_HOOKS = (
    "sceneMousePressEvent",
    "sceneMouseReleaseEvent",
    "start_live_connection",
    "end_live_connection",
)
SEARCH_FIELDS = ("_menus", "_actions", "_node_dict", "_block_submit", "_searched_actions")
SEARCH_METHODS = ("_on_search_submitted", "_on_text_changed", "_fuzzy_finder")
# node_items.StitchNodeItem overrides or reads these
NODE_ITEM_FIELDS = (
    "_icon_item",
    "_text_item",
    "_input_items",
    "_output_items",
    "_width",
    "_proxy_mode",
    "_proxy_mode_threshold",
)
NODE_ITEM_METHODS = ("_paint_horizontal", "_align_ports_horizontal", "_calc_size_horizontal")
# port_items.StitchPortItem sets these itself instead of running PortItem.__init__
PORT_ITEM_FIELDS = (
    "_pipes",
    "_width",
    "_height",
    "_hovered",
    "_name",
    "_display_name",
    "_color",
    "_border_color",
    "_border_size",
    "_port_type",
    "_multi_connection",
    "_locked",
)
PORT_ITEM_METHODS = ("redraw_connected_pipes",)
NODE_FIELDS = ("_inputs", "_outputs", "_graph")
NODE_MODEL_FIELDS = ("_graph_model",)
# what NodeGraph.add_node leaves on a view's model once its kind is registered
TEMP_KEYS = (
    "_TEMP_property_widget_types",
    "_TEMP_property_attrs",
    "_TEMP_accept_connection_types",
    "_TEMP_reject_connection_types",
)


def missing_private_names(graph: NodeGraph | None = None) -> list[str]:
    """``Owner.name`` for every private name above that this NodeGraphQt does not have."""
    graph = graph if graph is not None else NodeGraph()
    viewer = graph.viewer()
    node = BaseNode()
    port = PortItem()
    checks: list[tuple[str, object, tuple[str, ...]]] = [
        ("NodeGraph", graph, tuple(GRAPH_SLOTS.values())),
        ("NodeViewer", viewer, VIEWER_FIELDS + VIEWER_METHODS + VIEWER_HOOKS),
        ("TabSearchMenuWidget", viewer._search_widget, SEARCH_FIELDS + SEARCH_METHODS),
        ("NodeItem", NodeItem(), NODE_ITEM_FIELDS + NODE_ITEM_METHODS),
        ("PortItem", port, PORT_ITEM_FIELDS + PORT_ITEM_METHODS),
        ("BaseNode", node, NODE_FIELDS),
        ("NodeModel", node.model, NODE_MODEL_FIELDS),
    ]
    missing = [
        f"{owner}.{name}"
        for owner, obj, names in checks
        for name in names
        if not hasattr(obj, name)
    ]
    for signal in GRAPH_SLOTS:
        if not hasattr(NodeViewer, signal):
            missing.append(f"NodeViewer.{signal} (signal)")
    if not isinstance(viewer._search_widget, TabSearchMenuWidget):
        missing.append("NodeViewer._search_widget (a TabSearchMenuWidget)")
    return missing


# -- the uses ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gestures:
    """The canvas's handlers for the viewer's gesture signals (same arguments as the slots)."""

    search_triggered: Callable[..., None]
    connection_sliced: Callable[..., None]
    connection_changed: Callable[..., None]
    moved_nodes: Callable[..., None]
    node_name_changed: Callable[..., None]
    insert_node: Callable[..., None]
    data_dropped: Callable[..., None]


def take_over_gestures(graph: NodeGraph, gestures: Gestures) -> None:
    """Route the viewer's gestures to the canvas instead of NodeGraph's own slots.

    NodeGraph's slots edit its own model (and its undo stack) first; ours turn the gesture
    into a command on the document's stack, and the model's changes redraw the view.
    """
    viewer = graph.viewer()
    for signal_name, slot_name in GRAPH_SLOTS.items():
        signal = getattr(viewer, signal_name)
        signal.disconnect(getattr(graph, slot_name))
        signal.connect(getattr(gestures, signal_name))


def hide_key_hints(viewer: NodeViewer) -> None:
    """No "CTRL: Deselect Nodes" / "SHIFT: Toggle/Extend Selection" text at the cursor.

    NodeGraphQt shows it on every Ctrl or Shift press, so Ctrl+S or Ctrl+Z left it on the
    canvas; its item is made fully transparent (NodeGraphQt shows and hides it itself).
    """
    viewer._cursor_text.setOpacity(0.0)


def wrap_viewer(viewer: NodeViewer, name: str, around: Callable[..., object]) -> None:
    """Call ``around(original, *args)`` instead of the viewer's ``name`` (one of VIEWER_HOOKS).

    The scene calls these through the viewer instance, so an instance attribute takes over.
    """
    original = getattr(viewer, name)
    setattr(viewer, name, lambda *args: around(original, *args))


def pipe_at(viewer: NodeViewer, scene_pos: QtCore.QPointF) -> PipeItem | None:
    """The wire a press at ``scene_pos`` picks up (what ``sceneMousePressEvent`` finds first)."""
    for item in viewer._items_near(scene_pos, None, 5, 5):
        if isinstance(item, AbstractNodeItem | PortItem):
            return None
        if isinstance(item, PipeItem):
            return item
    return None


def live_ports(viewer: NodeViewer) -> tuple[PortItem | None, PortItem | None]:
    """The port a wire drag starts from, and the port it was pulled off (if it was a wire)."""
    return viewer._start_port, viewer._detached_port


def click_distance(viewer: NodeViewer) -> float:
    """How far the mouse moved since the press (NodeGraphQt restores a wire within 2 px)."""
    delta = viewer._previous_pos - viewer._origin_pos
    return float((delta.x() ** 2 + delta.y() ** 2) ** 0.5)


def keep_names(graph: NodeGraph) -> None:
    """Names are the model's business: NodeGraph must not append ' 1' to a name it has seen."""
    graph.get_unique_name = lambda name: name  # type: ignore[method-assign]


def show_scene_rect(viewer: NodeViewer, visible: QtCore.QRectF) -> None:
    """Show ``visible`` (the viewport's shape) with NodeGraphQt's zoom working on from there."""
    viewer._scene_range = visible
    viewer._update_scene()


def pan_viewer(viewer: NodeViewer, dx: float, dy: float) -> None:
    """Pan by scene units the way NodeGraphQt does (it moves ``_scene_range``; the minimap)."""
    viewer._set_viewer_pan(dx, dy)


def set_search_origin(viewer: NodeViewer, point: QtCore.QPoint) -> None:
    """Where the Tab search opens (and where a node chosen in it lands)."""
    viewer._previous_pos = point


def search_origin(viewer: NodeViewer) -> QtCore.QPoint:
    return viewer._previous_pos


def search_widget(viewer: NodeViewer) -> TabSearchMenuWidget:
    return viewer._search_widget


def insert_view(graph: NodeGraph, view: BaseNode, name: str, pos: list[float]) -> None:
    """``NodeGraph.add_node`` for a fresh view of an already registered kind, without its cost.

    It would push the whole model into the view again through 16 property setters (three size
    computations, an icon reload, a second position) and lay the node out twice.
    """
    for key in TEMP_KEYS:
        view.model.__dict__.pop(key, None)
    view._graph = graph
    model = view.model
    model._graph_model = graph.model
    model.name = name
    model.pos = pos
    model.layout_direction = graph.layout_direction()
    item = view.view
    item.name = name
    if item.layout_direction != model.layout_direction:
        item.layout_direction = model.layout_direction
    item.xy_pos = pos
    item.visible = True  # what the skipped property sync does; hidden nodes hide their pipes
    graph.model.nodes[view.id] = view
    graph.viewer().scene().addItem(item)


def attach_port(
    node: BaseNode, item: PortItem, label: object, port: object, is_input: bool
) -> None:
    """Register a port built outside ``BaseNode.add_input`` with its node and node view."""
    view = node.view
    (view._input_items if is_input else view._output_items)[item] = label
    (node._inputs if is_input else node._outputs).append(port)


def open_flat_search(viewer: NodeViewer, entries: dict[str, str]) -> None:
    """Open NodeGraphQt's Tab search with our kinds only, as one flat, filtered list.

    Left alone it lists every registered type grouped by identifier: 'stitchboard' and
    'nodeGraphQt.nodes' submenus, and a Backdrop that does nothing here.
    """
    widget = viewer._search_widget
    if not getattr(widget, "stitchboard", False):
        for menu in list(widget._menus.values()):
            widget.removeAction(menu.menuAction())
        for action in list(widget._actions.values()):
            widget.removeAction(action)
        widget._menus.clear()
        widget._actions.clear()
        widget._node_dict = {}
        for label, node_type in entries.items():
            action = QtGui.QAction(label, widget)
            action.triggered.connect(widget._on_search_submitted)
            widget._node_dict[label] = node_type
            widget._actions[label] = action
            widget.addAction(action)
        widget.line_edit.textChanged.disconnect(widget._on_text_changed)
        widget.line_edit.textChanged.connect(lambda text: _filter(widget, text))
        widget.rebuild = False
        widget.stitchboard = True
    widget.line_edit.setText("")
    widget._block_submit = False
    widget.line_edit.setFocus()
    widget.exec_(viewer.mapToGlobal(viewer._previous_pos))


def _filter(widget: TabSearchMenuWidget, text: str) -> None:
    """Show the kinds whose names match what was typed; Enter takes the first."""
    names = widget._fuzzy_finder(text, widget._actions.keys()) if text else list(widget._actions)
    for name, action in widget._actions.items():
        action.setVisible(name in names)
    widget._searched_actions = [widget._actions[name] for name in names]
    if widget._searched_actions:
        widget.setActiveAction(widget._searched_actions[0])
