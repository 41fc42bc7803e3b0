"""Comments drawn on the canvas: one plain ``QGraphicsItem`` per ``Comment``, behind the nodes.

The comments board is the source of truth: its events update the items; gestures on an item
(drag its header, drag its corner grip, double-click to type) become undo commands through
``push``. Only a comment's text band and its grip take the mouse, so a big comment around a
group of nodes never stops a rubber-band selection started inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from Qt import QtCore, QtGui, QtWidgets

from graph_editor.comments import MIN_SIZE, Comment, CommentChange, CommentEvent, Comments
from graph_editor.qt import style
from graph_editor.qt.comment_commands import (
    AddCommentCommand,
    MoveCommentsCommand,
    RemoveCommentsCommand,
    UpdateCommentCommand,
)

Z_COMMENT = -3.0  # below NodeGraphQt's backdrops (-2), pipes (-1) and nodes (1)
PAD = 8.0
GRIP = 14.0
BAND_MIN = 28.0
Push = Callable[[QtWidgets.QUndoCommand], None]


class _Editor(QtWidgets.QGraphicsTextItem):
    """The text box shown while a comment's text is typed: Esc cancels, leaving it keeps it."""

    def __init__(self, owner: CommentItem) -> None:
        super().__init__(owner)
        self.owner = owner
        self.cancelled = False

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt calls this
        if event.key() == QtCore.Qt.Key_Escape:
            self.cancelled = True
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:  # noqa: N802 - Qt calls this
        super().focusOutEvent(event)
        self.owner.finish_editing(commit=not self.cancelled)


class CommentItem(QtWidgets.QGraphicsItem):
    """A comment: a tinted rounded box with its text at the top and a resize grip."""

    def __init__(self, layer: CommentLayer, comment: Comment) -> None:
        super().__init__()
        self.layer = layer
        self.comment = comment
        self.editor: _Editor | None = None
        self._resizing: QtCore.QSizeF | None = None
        self._band = BAND_MIN
        self.setFlags(
            QtWidgets.QGraphicsItem.ItemIsSelectable | QtWidgets.QGraphicsItem.ItemIsMovable
        )
        self.setZValue(Z_COMMENT)
        self.setAcceptHoverEvents(True)
        self.show_comment(comment)

    @property
    def comment_id(self) -> str:
        return self.comment.id

    def show_comment(self, comment: Comment) -> None:
        """Draw ``comment`` (after a model change)."""
        self.prepareGeometryChange()
        self.comment = comment
        self.setPos(QtCore.QPointF(*comment.position))
        self._band = self._text_band()
        self.setToolTip("Double-click to edit; drag the corner to resize")
        self.update()

    def size(self) -> QtCore.QSizeF:
        if self._resizing is not None:
            return self._resizing
        return QtCore.QSizeF(*self.comment.size)

    def _text_band(self) -> float:
        width = self.comment.size[0] - 2 * PAD
        metrics = QtGui.QFontMetricsF(self._font())
        flags = int(QtCore.Qt.TextWordWrap)
        text = self.comment.text or "Comment"
        used = metrics.boundingRect(QtCore.QRectF(0, 0, width, 1e6), flags, text).height()
        return min(max(used + 2 * PAD, BAND_MIN), self.comment.size[1])

    @staticmethod
    def _font() -> QtGui.QFont:
        font = QtGui.QFont()
        font.setPointSizeF(11.0)
        return font

    # -- drawing ----------------------------------------------------------------------------
    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt calls this
        return QtCore.QRectF(QtCore.QPointF(0, 0), self.size()).adjusted(-2, -2, 2, 2)

    def grip_rect(self) -> QtCore.QRectF:
        size = self.size()
        return QtCore.QRectF(size.width() - GRIP, size.height() - GRIP, GRIP, GRIP)

    def shape(self) -> QtGui.QPainterPath:
        """Only the text band and the grip take clicks (see the module docstring)."""
        path = QtGui.QPainterPath()
        path.addRect(QtCore.QRectF(0, 0, self.size().width(), self._band))
        path.addRect(self.grip_rect())
        return path

    def paint(self, painter: QtGui.QPainter, option: object, widget: object = None) -> None:
        theme = style.current()
        fill = QtGui.QColor(*theme.comment_colors.get(self.comment.color, (200, 200, 120)))
        rect = QtCore.QRectF(QtCore.QPointF(0, 0), self.size())
        body = QtGui.QColor(fill)
        body.setAlpha(60)
        band = QtGui.QColor(fill)
        band.setAlpha(120)
        painter.setPen(QtCore.Qt.NoPen)
        painter.setBrush(body)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setBrush(band)
        painter.drawRoundedRect(QtCore.QRectF(0, 0, rect.width(), self._band), 6, 6)
        pen = QtGui.QPen(
            fill.lighter(130) if self.isSelected() else fill, 2.0 if self.isSelected() else 1.0
        )
        painter.setPen(pen)
        painter.setBrush(QtCore.Qt.NoBrush)
        painter.drawRoundedRect(rect, 6, 6)
        grip = self.grip_rect()
        for i in (4.0, 8.0, 12.0):  # three diagonal strokes: the usual resize grip
            painter.drawLine(
                QtCore.QPointF(grip.right() - i, grip.bottom() - 1),
                QtCore.QPointF(grip.right() - 1, grip.bottom() - i),
            )
        if self.editor is None:
            painter.setFont(self._font())
            painter.setPen(QtGui.QColor(*theme.comment_text))
            text_rect = QtCore.QRectF(PAD, PAD, rect.width() - 2 * PAD, self._band - PAD)
            painter.drawText(text_rect, int(QtCore.Qt.TextWordWrap), self.comment.text)

    # -- gestures ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QtWidgets.QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() == QtCore.Qt.LeftButton and self.grip_rect().contains(event.pos()):
            self._resizing = QtCore.QSizeF(*self.comment.size)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QtWidgets.QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._resizing is not None:
            self.prepareGeometryChange()
            self._resizing = QtCore.QSizeF(
                max(event.pos().x() + GRIP / 2, MIN_SIZE[0]),
                max(event.pos().y() + GRIP / 2, MIN_SIZE[1]),
            )
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QtWidgets.QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._resizing is not None:
            size = (self._resizing.width(), self._resizing.height())
            self.prepareGeometryChange()
            self._resizing = None
            self.layer.change(self.comment_id, size=size)
            return
        super().mouseReleaseEvent(event)
        self.layer.commit_moves()

    def mouseDoubleClickEvent(self, event: QtWidgets.QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.start_editing()

    # -- typing -----------------------------------------------------------------------------
    def start_editing(self) -> _Editor:
        """Show a text box over the comment, all text selected, with the keyboard focus."""
        if self.editor is None:
            editor = _Editor(self)
            editor.setFont(self._font())
            editor.setDefaultTextColor(QtGui.QColor(*style.current().comment_text))
            editor.setPlainText(self.comment.text)
            editor.setPos(PAD - 4, PAD - 4)
            editor.setTextWidth(self.comment.size[0] - 2 * PAD + 8)
            editor.setTextInteractionFlags(QtCore.Qt.TextEditorInteraction)
            self.editor = editor
            self.update()
        self.editor.setFocus(QtCore.Qt.MouseFocusReason)
        cursor = self.editor.textCursor()
        cursor.select(QtGui.QTextCursor.Document)
        self.editor.setTextCursor(cursor)
        return self.editor

    def finish_editing(self, commit: bool = True) -> None:
        editor, self.editor = self.editor, None
        if editor is None:
            return
        text = editor.toPlainText()
        editor.setParentItem(None)
        if editor.scene() is not None:
            editor.scene().removeItem(editor)
        self.update()
        if commit and text != self.comment.text:
            self.layer.change(self.comment_id, text=text)


class CommentLayer:
    """Keeps one ``CommentItem`` per comment of a board in a scene; turns gestures into commands."""

    def __init__(self, scene: QtWidgets.QGraphicsScene, comments: Comments, push: Push) -> None:
        self.scene = scene
        self.push = push
        self.items: dict[str, CommentItem] = {}
        self.comments = comments
        self.show_board(comments)

    def show_board(self, comments: Comments) -> None:
        """Show another pipeline's comments (after New / Open)."""
        self.comments.changed.disconnect(self._on_event)
        for item in list(self.items.values()):
            self.scene.removeItem(item)
        self.items.clear()
        self.comments = comments
        for comment in comments:
            self._add_item(comment)
        comments.changed.connect(self._on_event)

    def _add_item(self, comment: Comment) -> CommentItem:
        item = CommentItem(self, comment)
        self.items[comment.id] = item
        self.scene.addItem(item)
        return item

    def _on_event(self, event: CommentEvent) -> None:
        if event.change == CommentChange.ADDED:
            self._add_item(self.comments.get(event.comment_id))
        elif event.change == CommentChange.REMOVED:
            item = self.items.pop(event.comment_id, None)
            if item is not None:
                item.finish_editing(commit=False)
                self.scene.removeItem(item)
        elif event.comment_id in self.items:
            self.items[event.comment_id].show_comment(self.comments.get(event.comment_id))

    # -- edits ------------------------------------------------------------------------------
    def add(self, comment: Comment) -> CommentItem:
        """Add a comment as one undo step; returns its item."""
        self.push(AddCommentCommand(self.comments, comment))
        return self.items[comment.id]

    def change(self, comment_id: str, **changes: object) -> None:
        if comment_id in self.comments:
            self.push(UpdateCommentCommand(self.comments, comment_id, dict(changes)))

    def commit_moves(self) -> None:
        """After a drag: every comment the drag moved gets its new position (one undo step)."""
        moves = {}
        for cid, item in self.items.items():
            new = (round(item.pos().x(), 1), round(item.pos().y(), 1))
            old = self.comments.get(cid).position
            if new != old:
                moves[cid] = (new, old)
        if moves:
            self.push(MoveCommentsCommand(self.comments, moves))

    def remove(self, comment_ids: Iterable[str]) -> bool:
        ids = [i for i in comment_ids if i in self.comments]
        if ids:
            self.push(RemoveCommentsCommand(self.comments, ids))
        return bool(ids)

    def selected_ids(self) -> list[str]:
        return [cid for cid, item in self.items.items() if item.isSelected()]

    def editing(self) -> bool:
        """Whether a comment's text is being typed (window shortcuts then leave keys alone)."""
        return any(item.editor is not None for item in self.items.values())
