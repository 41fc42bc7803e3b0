"""The navigator: a small overview in the canvas's corner with every node and the visible area.

Click or drag in it and the canvas pans there (the zoom stays). It draws the nodes from a
cached picture that is rebuilt only after an edit (``refresh``), so a drag on a 1000-node canvas
costs the overview one rectangle, not a thousand.
"""

from __future__ import annotations

from Qt import QtCore, QtGui, QtWidgets

from graph_editor.qt import ngqt_private, style

SIZE = QtCore.QSize(220, 150)  # at most; a small canvas gets a smaller overview
SHARE = 0.2  # of the canvas's width (and height) the overview may take
MIN_WIDTH = 110
MARGIN = 12  # pixels from the canvas's bottom-right corner
INSET = 6.0  # pixels inside the overview kept around the drawing
REFRESH_MS = 120


def pan_view_to(viewer: QtWidgets.QGraphicsView, point: QtCore.QPointF) -> None:
    """Centre NodeGraphQt's viewer on a scene point, keeping its zoom.

    NodeGraphQt keeps the visible area in ``_scene_range`` and pans by moving it
    (``_set_viewer_pan``); ``centerOn`` alone cannot leave the current scene rect.
    """
    visible = viewer.mapToScene(viewer.viewport().rect()).boundingRect()
    delta = point - visible.center()
    ngqt_private.pan_viewer(viewer, delta.x(), delta.y())  # type: ignore[arg-type]


class Minimap(QtWidgets.QWidget):
    """An overview of one canvas, drawn over the canvas's bottom-right corner."""

    def __init__(self, canvas: object) -> None:
        viewer = canvas.viewer()  # type: ignore[attr-defined]
        super().__init__(viewer)
        self.canvas = canvas
        self.viewer = viewer
        self.setObjectName("minimap")
        self.setFixedSize(SIZE)
        self.setCursor(QtCore.Qt.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self._world = QtCore.QRectF()
        self._visible = QtCore.QRectF()
        self._picture = QtGui.QPixmap()
        self._dragging = False
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        viewer.viewport().installEventFilter(self)
        built = getattr(canvas, "views_built", None)  # a big pipeline's views come in slices
        if built is not None:
            built.connect(self.schedule)
        self._place()
        self.raise_()

    # -- what is shown ----------------------------------------------------------------------
    def schedule(self, *_args: object) -> None:
        """Redraw the nodes a moment after an edit (edits come in bursts)."""
        self._timer.start()

    def node_rects(self) -> list[QtCore.QRectF]:
        canvas = self.canvas
        rects = (canvas.nodes_rect([n.id]) for n in canvas.pipeline.nodes)  # type: ignore[attr-defined]
        return [r for r in rects if not r.isNull()]  # views of a big pipeline not built yet

    def comment_rects(self) -> list[QtCore.QRectF]:
        comments = getattr(self.canvas.pipeline, "comments", ())  # type: ignore[attr-defined]
        return [QtCore.QRectF(*c.position, *c.size) for c in comments]

    def refresh(self) -> None:
        """Rebuild the picture of the nodes and comments (after edits, open, resize)."""
        if not self.isVisible():
            return
        nodes, comments = self.node_rects(), self.comment_rects()
        world = QtCore.QRectF()
        for rect in nodes + comments:
            world = world.united(rect)
        self._visible = self.visible_rect()
        if not self._dragging:
            self._world = world.united(self._visible) if not world.isNull() else self._visible
            pad = max(self._world.width(), self._world.height()) * 0.03
            self._world.adjust(-pad, -pad, pad, pad)
        self._picture = self._paint_picture(nodes, comments)
        self.update()

    def visible_rect(self) -> QtCore.QRectF:
        return self.viewer.mapToScene(self.viewer.viewport().rect()).boundingRect()

    def _transform(self) -> QtGui.QTransform:
        """Scene -> overview pixels: the whole world fitted, centred, aspect kept."""
        room = QtCore.QRectF(self.rect()).adjusted(INSET, INSET, -INSET, -INSET)
        world = self._world
        if world.isNull() or world.width() <= 0 or world.height() <= 0:
            return QtGui.QTransform()
        scale = min(room.width() / world.width(), room.height() / world.height())
        dx = room.left() + (room.width() - world.width() * scale) / 2 - world.left() * scale
        dy = room.top() + (room.height() - world.height() * scale) / 2 - world.top() * scale
        return QtGui.QTransform(scale, 0, 0, scale, dx, dy)

    def _paint_picture(
        self, nodes: list[QtCore.QRectF], comments: list[QtCore.QRectF]
    ) -> QtGui.QPixmap:
        ratio = self.devicePixelRatioF()
        picture = QtGui.QPixmap(self.size() * ratio)
        picture.setDevicePixelRatio(ratio)
        picture.fill(QtCore.Qt.transparent)
        theme = style.current()
        painter = QtGui.QPainter(picture)
        painter.setRenderHint(QtGui.QPainter.Antialiasing)
        painter.setPen(QtCore.Qt.NoPen)
        painter.setBrush(QtGui.QColor(*theme.minimap_back))
        painter.drawRoundedRect(QtCore.QRectF(self.rect()), 6, 6)
        transform = self._transform()
        comment_fill = QtGui.QColor(*theme.comment_colors["yellow"])
        comment_fill.setAlpha(70)
        painter.setBrush(comment_fill)
        for rect in comments:
            painter.drawRect(transform.mapRect(rect))
        painter.setBrush(QtGui.QColor(*theme.minimap_node))
        for rect in nodes:
            mapped = transform.mapRect(rect)
            mapped.setWidth(max(mapped.width(), 2.0))
            mapped.setHeight(max(mapped.height(), 2.0))
            painter.drawRect(mapped)
        painter.end()
        return picture

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt calls this
        painter = QtGui.QPainter(self)
        painter.drawPixmap(0, 0, self._picture)
        theme = style.current()
        view = self._transform().mapRect(self._visible).intersected(QtCore.QRectF(self.rect()))
        fill = QtGui.QColor(*theme.minimap_view)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.setPen(QtGui.QPen(QtGui.QColor(*theme.minimap_view), 1.5))
        painter.drawRect(view.adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()

    # -- following the canvas ---------------------------------------------------------------
    def _place(self) -> None:
        port = self.viewer.viewport().geometry()
        width = min(SIZE.width(), int(port.width() * SHARE), int(port.height() * SHARE * 1.47))
        width = max(MIN_WIDTH, width)
        size = QtCore.QSize(width, round(width * SIZE.height() / SIZE.width()))
        if size != self.size():
            self.setFixedSize(size)  # the picture is redrawn at this size (``schedule``)
        self.move(
            port.right() - self.width() - MARGIN + 1, port.bottom() - self.height() - MARGIN + 1
        )

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QtCore.QEvent.Resize and watched is self.viewer.viewport():
            self._place()  # the viewport, once the viewer has laid it out
            self.schedule()
        elif kind == QtCore.QEvent.Paint and watched is self.viewer.viewport() and self.isVisible():
            visible = self.visible_rect()  # pans and zooms all end in a viewport paint
            if visible != self._visible:
                self._visible = visible
                if not self._world.contains(visible) and not self._dragging:
                    self.schedule()
                self.update()
        return False

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt calls this
        super().showEvent(event)
        self._place()
        self.refresh()

    # -- gestures ---------------------------------------------------------------------------
    def scene_point(self, pos: QtCore.QPointF) -> QtCore.QPointF:
        """The scene point under an overview pixel."""
        inverted, ok = self._transform().inverted()
        return inverted.map(pos) if ok else pos

    def _pan(self, pos: QtCore.QPointF) -> None:
        pan_view_to(self.viewer, self.scene_point(pos))
        self._visible = self.visible_rect()
        self.update()

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt calls this
        if event.button() == QtCore.Qt.LeftButton:
            self._dragging = True
            self._pan(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt calls this
        if self._dragging:
            self._pan(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt calls this
        if self._dragging:
            self._dragging = False
            self.schedule()
        event.accept()

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:  # noqa: N802 - Qt calls this
        event.accept()  # the overview never zooms the canvas by accident
