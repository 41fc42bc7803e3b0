"""Wires as things on the canvas: a click selects one (Delete removes it, through the undo
stack); while a wire is dragged, the ports it may end on are lit and the others dimmed.

NodeGraphQt picks a wire up on every press (so a wire could never be selected) and draws every
port alike during a drag. The canvas wraps four viewer methods (``ngqt_private.wrap_viewer``);
which ports are compatible is the model's answer (``Pipeline.can_rewire``), never the view's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from NodeGraphQt.constants import PortTypeEnum

from graph_editor.qt import ngqt_private

if TYPE_CHECKING:
    from graph_editor.qt.canvas import PipelineCanvas

LIT, DIMMED = "lit", "dimmed"
CLICK_PX = 2.0  # NodeGraphQt puts a wire back when the mouse moved at most this far


class WireGestures:
    """Selecting wires by clicking them, and the port hints of a wire drag, for one canvas."""

    def __init__(self, canvas: PipelineCanvas) -> None:
        self.canvas = canvas
        self._pressed: tuple[Any, Any] | None = None  # the (output, input) port items of a click
        self.hinted: list[Any] = []  # port items marked during the current drag
        viewer = canvas.viewer()
        ngqt_private.hide_key_hints(viewer)
        ngqt_private.wrap_viewer(viewer, "sceneMousePressEvent", self._on_press)
        ngqt_private.wrap_viewer(viewer, "sceneMouseReleaseEvent", self._on_release)
        ngqt_private.wrap_viewer(viewer, "start_live_connection", self._on_drag_start)
        ngqt_private.wrap_viewer(viewer, "end_live_connection", self._on_drag_end)

    # -- click a wire: select it --------------------------------------------------------------
    def _on_press(self, original: Any, event: Any) -> object:
        pipe = ngqt_private.pipe_at(self.canvas.viewer(), event.scenePos())
        plain = not event.modifiers()
        self._pressed = (pipe.output_port, pipe.input_port) if pipe is not None and plain else None
        return original(event)

    def _on_release(self, original: Any, event: Any) -> object:
        pressed, self._pressed = self._pressed, None
        clicked = pressed is not None and (
            ngqt_private.click_distance(self.canvas.viewer()) <= CLICK_PX
        )
        result = original(event)
        if clicked and pressed is not None:
            self.select_wire(*pressed)
        return result

    def select_wire(self, out_item: Any, in_item: Any) -> bool:
        """Select the drawn wire between two port items (and nothing else)."""
        pipe = next((p for p in out_item.connected_pipes if p.input_port is in_item), None)
        if pipe is None:
            return False
        self.canvas.clear_selection()
        scene = self.canvas.viewer().scene()
        for item in scene.selectedItems():
            item.setSelected(False)
        pipe.setSelected(True)
        self.canvas.selection_ids_changed.emit([])
        return True

    # -- drag a wire: light the ports it may end on -------------------------------------------
    def _on_drag_start(self, original: Any, port: Any) -> object:
        result = original(port)
        self._mark(port)
        return result

    def _on_drag_end(self, original: Any, *args: Any) -> object:
        for item in self.hinted:
            item.set_wire_hint(None)
        self.hinted = []
        return original(*args)

    def _mark(self, start: Any) -> None:
        if start is None or not hasattr(start, "set_wire_hint"):
            return
        canvas = self.canvas
        _start, detached = ngqt_private.live_ports(canvas.viewer())
        removed = []
        if detached is not None:
            edge = canvas.editing.edge_between(start, detached)
            if edge is not None and canvas.pipeline.has_edge(edge):
                removed.append(edge)
        visible = canvas.viewer().mapToScene(canvas.viewer().viewport().rect()).boundingRect()
        start_is_out = start.port_type == PortTypeEnum.OUT.value
        for view in canvas.views():
            item = view.view
            if item is start.node or not visible.intersects(item.sceneBoundingRect()):
                continue  # off screen: nobody sees the hint, and the check costs time
            ports = view.input_ports() if start_is_out else view.output_ports()
            for port in ports:
                candidate = port.view
                ok = self._compatible(start, candidate, start_is_out, removed)
                candidate.set_wire_hint(LIT if ok else DIMMED)
                self.hinted.append(candidate)

    def _compatible(self, start: Any, candidate: Any, start_is_out: bool, removed: list) -> bool:
        canvas = self.canvas
        edge = canvas.editing.edge_between(start, candidate)
        if edge is None or "?" in (edge.source_port, edge.target_port):
            return False
        gone = list(removed)
        in_item = candidate if start_is_out else start
        if not in_item.multi_connection:  # the drop replaces the wire already in that input
            gone += [
                e
                for e in canvas.pipeline.edges_into(edge.target)
                if e.target_port == edge.target_port and e not in gone
            ]
        return canvas.pipeline.can_rewire(gone, [edge])


def hint_of(item: Any) -> str | None:
    """What a port shows during a drag: ``"lit"``, ``"dimmed"`` or None (tests read this)."""
    return getattr(item, "wire_hint", None)
