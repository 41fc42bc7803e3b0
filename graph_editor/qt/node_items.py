"""Node classes and their drawing: kind colour, header, validation badges and run state."""

from __future__ import annotations

from NodeGraphQt import BaseNode
from NodeGraphQt.qgraphics.node_base import NodeItem
from Qt import QtCore, QtGui, QtWidgets

from graph_editor.nodes import NodeKind
from graph_editor.qt.style import (
    ERROR_COLOR,
    KIND_COLORS,
    KIND_LABELS,
    STATE_COLORS,
    STATE_GLYPHS,
    WARNING_COLOR,
    current,
)
from graph_editor.run_state import NodeState

IDENTIFIER = "stitchboard"
_SELECTED_CHANGE = QtWidgets.QGraphicsItem.GraphicsItemChange.ItemSelectedChange


class StitchNodeItem(NodeItem):
    """A node drawn with a kind-coloured header, a run-state strip and issue badges."""

    held = False  # while True (bulk loads), draw_node() is skipped: the canvas lays out once

    def __init__(self, name: str = "node", parent: object = None) -> None:
        super().__init__(name, parent)
        self.kind_label = ""
        self.run_state: NodeState | None = None
        self.errors = 0
        self.warnings = 0
        self._icon_item.setVisible(False)

    def draw_node(self) -> None:
        if not StitchNodeItem.held:
            super().draw_node()

    def itemChange(self, change: object, value: object) -> object:  # noqa: N802 - Qt calls this
        if change is _SELECTED_CHANGE:  # only this one matters to NodeGraphQt; skip its slow path
            return super().itemChange(change, value)
        return value

    def paint(self, painter: QtGui.QPainter, option: object, widget: object = None) -> None:
        # NodeGraphQt's auto_switch_mode maps corners to global coordinates for every node on
        # every paint; the painter already knows the scale.
        self.update_proxy_mode(painter.worldTransform().m11())
        self._paint_horizontal(painter, option, widget)

    def update_proxy_mode(self, scale: float) -> None:
        """Hide captions when the node is drawn under ~70 px wide (far zoomed out)."""
        self.set_proxy_mode(self._width * scale < self._proxy_mode_threshold)

    def set_proxy_mode(self, mode: bool) -> None:
        super().set_proxy_mode(mode)
        self._icon_item.setVisible(False)  # NodeGraphQt shows it again when leaving proxy mode

    def set_status(self, errors: int, warnings: int) -> None:
        if (errors, warnings) != (self.errors, self.warnings):
            self.errors, self.warnings = errors, warnings
            self.update()

    def set_run_state(self, state: NodeState | None) -> None:
        if state != self.run_state:
            self.run_state = state
            self.update()

    def _paint_horizontal(self, painter: QtGui.QPainter, option: object, widget: object) -> None:
        painter.save()
        rect = self.boundingRect().adjusted(1.0, 1.0, -1.0, -1.0)
        radius = 6.0
        base = QtGui.QColor(*self.color[:3])
        painter.setPen(QtCore.Qt.NoPen)
        painter.setBrush(QtGui.QColor(*current().node_body))
        painter.drawRoundedRect(rect, radius, radius)
        header_h = self._text_item.boundingRect().height() + 2.0
        header = QtCore.QRectF(rect.left(), rect.top(), rect.width(), header_h)
        painter.setBrush(base)
        painter.drawRoundedRect(header, radius, radius)
        painter.drawRect(
            QtCore.QRectF(
                header.left(), header.top() + radius, header.width(), header.height() - radius
            )
        )
        if self.run_state:
            color = QtGui.QColor(*STATE_COLORS.get(self.run_state, (150, 150, 150)))
            painter.setBrush(color)
            painter.drawRect(QtCore.QRectF(rect.left(), header.bottom(), rect.width(), 3.0))
        self._paint_badges(painter, rect, header)
        if self.selected:
            pen = QtGui.QPen(QtGui.QColor(255, 204, 64), 2.0)
        elif self.errors:
            pen = QtGui.QPen(QtGui.QColor(*ERROR_COLOR), 1.6)
        else:
            pen = QtGui.QPen(base.lighter(140), 1.0)
        pen.setCosmetic(self.viewer().get_zoom() < 0.0 if self.viewer() else False)
        painter.setPen(pen)
        painter.setBrush(QtCore.Qt.NoBrush)
        painter.drawRoundedRect(rect, radius, radius)
        painter.restore()

    def _paint_badges(
        self, painter: QtGui.QPainter, rect: QtCore.QRectF, header: QtCore.QRectF
    ) -> None:
        font = QtGui.QFont(painter.font())
        font.setPointSizeF(7.0)
        font.setBold(True)
        painter.setFont(font)
        x = rect.right() - 4.0
        size = header.height() - 8.0
        badges = []
        if self.run_state:
            badges.append(
                (
                    STATE_COLORS.get(self.run_state, (150, 150, 150)),
                    STATE_GLYPHS.get(self.run_state, "?"),
                )
            )
        if self.warnings:
            badges.append((WARNING_COLOR, str(self.warnings)))
        if self.errors:
            badges.append((ERROR_COLOR, str(self.errors)))
        for color, text in badges:
            x -= size
            badge = QtCore.QRectF(x, header.top() + 4.0, size, size)
            painter.setPen(QtCore.Qt.NoPen)
            painter.setBrush(QtGui.QColor(*color))
            painter.drawEllipse(badge)
            painter.setPen(QtGui.QColor(20, 20, 20))
            painter.drawText(badge, QtCore.Qt.AlignCenter, text)
            x -= 3.0
        if self.kind_label:
            font.setBold(False)
            painter.setFont(font)
            painter.setPen(QtGui.QColor(255, 255, 255, 150))
            label = QtCore.QRectF(rect.left() + 8, header.top(), 80, header.height())
            painter.drawText(label, QtCore.Qt.AlignLeft | QtCore.Qt.AlignVCenter, self.kind_label)

    def _align_ports_horizontal(self, v_offset: float) -> None:
        super()._align_ports_horizontal(v_offset)
        for text in self._input_items.values():  # keep labels clear of the port dots
            text.setPos(text.x() + 3.0, text.y())
        for text in self._output_items.values():
            text.setPos(text.x() - 4.0, text.y())

    def _calc_size_horizontal(self) -> tuple[float, float]:
        width, height = super()._calc_size_horizontal()
        badges = 3 * 20.0
        return max(
            width + 24.0, self._text_item.boundingRect().width() + badges + 130.0
        ), height + 6.0


class _StitchNode(BaseNode):
    """Base of our node classes (one per kind, so NodeGraphQt's Tab search lists them)."""

    __identifier__ = IDENTIFIER
    KIND = NodeKind.NOTEBOOK

    def __init__(self) -> None:
        super().__init__(qgraphics_item=StitchNodeItem)
        self.sid = ""
        self.set_color(*KIND_COLORS[self.KIND])
        self.view.kind_label = KIND_LABELS[self.KIND]


class NotebookNode(_StitchNode):
    """A parameterized Jupyter notebook."""

    NODE_NAME = "Notebook"
    KIND = NodeKind.NOTEBOOK


class TensorFlowNode(_StitchNode):
    """A TensorFlow job (notebook or script), optionally distributed."""

    NODE_NAME = "TensorFlow"
    KIND = NodeKind.TENSORFLOW


class RapidsNode(_StitchNode):
    """A RAPIDS job (notebook or script), optionally on a Dask-CUDA cluster."""

    NODE_NAME = "RAPIDS"
    KIND = NodeKind.RAPIDS


class SparkNode(_StitchNode):
    """A PySpark job (notebook or script): a local Spark in the dry-run, Spark on Kubernetes."""

    NODE_NAME = "Spark"
    KIND = NodeKind.SPARK


NODE_CLASSES: dict[NodeKind, type[_StitchNode]] = {
    NodeKind.NOTEBOOK: NotebookNode,
    NodeKind.TENSORFLOW: TensorFlowNode,
    NodeKind.RAPIDS: RapidsNode,
    NodeKind.SPARK: SparkNode,
}
TYPE_TO_KIND: dict[str, NodeKind] = {cls.type_: kind for kind, cls in NODE_CLASSES.items()}
