"""Lean port drawing: a port item and a two-colour caption, built without NodeGraphQt's setters.

NodeGraphQt's ``BaseNode.add_input`` gives every port a rich-text ``QGraphicsTextItem`` (a whole
QTextDocument, ~90 us) and sets the tooltip three times. On a 1000-node pipeline that was most
of the opening time, so the canvas builds ports here: same item classes and models NodeGraphQt
expects (``PortItem``, ``Port``, ``PortModel``), a caption item that only draws two strings.
"""

from __future__ import annotations

from NodeGraphQt import Port
from NodeGraphQt.constants import ITEM_CACHE_MODE, Z_VAL_PORT, PortEnum, PortTypeEnum
from NodeGraphQt.qgraphics.port import PortItem
from Qt import QtCore, QtGui, QtWidgets

from graph_editor.qt.ngqt_private import attach_port
from graph_editor.qt.ports import PortSpec
from graph_editor.qt.style import current

PORT_SIZE = 17.0  # compact rows: 17 px instead of NodeGraphQt's 23
DETAIL_COLOR = (142, 151, 164)
LIT_COLOR = (255, 214, 64)  # the ring around a port a dragged wire may end on
DIM_OPACITY = 0.25  # a port it may not end on
MARGIN = 4.0  # what QGraphicsTextItem adds around its text: NodeGraphQt's alignment counts on it

_metrics: dict[str, QtGui.QFontMetricsF] = {}
_SCENE_MOVED = QtWidgets.QGraphicsItem.GraphicsItemChange.ItemScenePositionHasChanged
_IN, _OUT = PortTypeEnum.IN.value, PortTypeEnum.OUT.value
_FALLOFF = PortEnum.CLICK_FALLOFF.value


def _font_metrics() -> QtGui.QFontMetricsF:
    metrics = _metrics.get("font")
    if metrics is None:
        metrics = _metrics["font"] = QtGui.QFontMetricsF(QtWidgets.QApplication.font())
    return metrics


class PortLabel(QtWidgets.QGraphicsItem):
    """A port's caption: its name in the node's text colour, then its type in grey."""

    def __init__(self, parent: QtWidgets.QGraphicsItem, caption: str, detail: str) -> None:
        super().__init__(parent)
        metrics = _font_metrics()
        self.caption, self.detail = caption, detail
        self._gap = metrics.horizontalAdvance(caption + " ") if caption else 0.0
        width = self._gap + metrics.horizontalAdvance(detail)
        self._rect = QtCore.QRectF(0.0, 0.0, width + 2 * MARGIN, metrics.height() + 2 * MARGIN)
        self._baseline = MARGIN + metrics.ascent()
        self._color = QtGui.QColor(255, 255, 255)

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt calls this
        return self._rect

    def setDefaultTextColor(self, color: QtGui.QColor) -> None:  # noqa: N802 - NodeGraphQt calls this
        self._color = QtGui.QColor(color)
        self.update()

    def toPlainText(self) -> str:  # noqa: N802 - same name as QGraphicsTextItem's
        return " ".join(t for t in (self.caption, self.detail) if t)

    def paint(self, painter: QtGui.QPainter, option: object, widget: object = None) -> None:
        painter.setFont(QtWidgets.QApplication.font())
        if self.caption:
            painter.setPen(QtGui.QColor(*current().caption))  # NodeGraphQt's text colour is fixed
            painter.drawText(QtCore.QPointF(MARGIN, self._baseline), self.caption)
        if self.detail:
            painter.setPen(QtGui.QColor(*DETAIL_COLOR))
            painter.drawText(QtCore.QPointF(MARGIN + self._gap, self._baseline), self.detail)


class StitchPortItem(PortItem):
    """NodeGraphQt's port item, built in one go and with a cheap ``itemChange`` (called ~12x per port)."""

    def __init__(self, parent: QtWidgets.QGraphicsItem, spec: PortSpec, is_input: bool) -> None:
        QtWidgets.QGraphicsItem.__init__(self, parent)  # PortItem.__init__ with fewer item changes
        self.setAcceptHoverEvents(True)
        self.setCacheMode(ITEM_CACHE_MODE)
        self.setFlags(QtWidgets.QGraphicsItem.ItemSendsScenePositionChanges)
        self.setZValue(Z_VAL_PORT)
        self._pipes = []
        self._width = self._height = PORT_SIZE
        self._hovered = False
        self._name = spec.name
        self._display_name = True
        self._color = spec.color
        self._border_color = tuple(min(255, max(0, c + 80)) for c in spec.color)
        self._border_size = 1
        self._port_type = _IN if is_input else _OUT
        self._multi_connection = spec.multi
        self._locked = False
        self.setToolTip(spec.tooltip)
        self.broken = spec.broken  # a wired name the notebook no longer has
        self._rect = QtCore.QRectF(0.0, 0.0, PORT_SIZE + _FALLOFF, PORT_SIZE)
        self.wire_hint: str | None = None  # "lit" / "dimmed" while a wire is dragged

    def set_wire_hint(self, hint: str | None) -> None:
        """Lit: a dragged wire may end here; dimmed: it may not; None: no drag (wire_gestures)."""
        if hint != self.wire_hint:
            self.wire_hint = hint
            self.setOpacity(DIM_OPACITY if hint == "dimmed" else 1.0)
            self.update()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - the scene asks ~10x per port and paint
        return self._rect

    def paint(self, painter: QtGui.QPainter, option: object, widget: object = None) -> None:
        if getattr(self.parentItem(), "_proxy_mode", False):  # far zoomed out: a plain dot
            painter.setPen(QtCore.Qt.NoPen)
            painter.setBrush(QtGui.QColor(*self._color))
            size = self._width / 1.8
            center = self.boundingRect().center()
            painter.drawEllipse(center, size / 2, size / 2)
            return
        if self.broken:
            self._paint_broken(painter)
            return
        super().paint(painter, option, widget)
        if self.wire_hint == "lit":
            self._paint_lit(painter)

    def _paint_lit(self, painter: QtGui.QPainter) -> None:
        """A bright ring around the port: the dragged wire may end here."""
        painter.save()
        painter.setRenderHint(QtGui.QPainter.Antialiasing, True)
        painter.setPen(QtGui.QPen(QtGui.QColor(*LIT_COLOR), 2.4))
        painter.setBrush(QtCore.Qt.NoBrush)
        size = self._width / 1.15
        painter.drawEllipse(self.boundingRect().center(), size / 2, size / 2)
        painter.restore()

    def _paint_broken(self, painter: QtGui.QPainter) -> None:
        """A dashed red ring with a cross: this port is gone from the notebook."""
        painter.save()
        painter.setRenderHint(QtGui.QPainter.Antialiasing, True)
        rect = self.boundingRect()
        size = self._width / 1.2
        center = rect.center()
        pen = QtGui.QPen(QtGui.QColor(*self._color), 1.6, QtCore.Qt.DashLine)
        painter.setPen(pen)
        painter.setBrush(QtCore.Qt.NoBrush)
        painter.drawEllipse(center, size / 2, size / 2)
        arm = size / 4
        painter.setPen(QtGui.QPen(QtGui.QColor(*self._color), 1.6))
        painter.drawLine(center + QtCore.QPointF(-arm, -arm), center + QtCore.QPointF(arm, arm))
        painter.drawLine(center + QtCore.QPointF(-arm, arm), center + QtCore.QPointF(arm, -arm))
        painter.restore()

    def itemChange(self, change: object, value: object) -> object:  # noqa: N802 - Qt calls this
        if change is _SCENE_MOVED and self._pipes:
            self.redraw_connected_pipes()
        return value  # what QGraphicsItem.itemChange returns, without a second trip into C++


def add_port(node: object, spec: PortSpec, is_input: bool) -> Port:
    """Add one port to a ``BaseNode`` that is not yet laid out (what ``add_input`` does, leaner)."""
    view = node.view
    item = StitchPortItem(view, spec, is_input)
    label = PortLabel(view, spec.caption, spec.detail)
    port = Port(node, item)
    model = port.model
    model.type_ = item._port_type
    model.name = spec.name
    model.display_name = True
    model.multi_connection = spec.multi
    model.locked = False
    attach_port(node, item, label, port, is_input)
    (node.model.inputs if is_input else node.model.outputs)[spec.name] = model
    if view.scene():
        view.post_init()
    return port
