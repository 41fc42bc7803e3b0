"""The window's canvas extras: comments on the canvas, the overview (minimap) and the theme.

Composed by ``MainWindow`` (``self.tools``); it owns its state and follows the current document.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtGui

from app.gui import theme
from app.gui.files import settings
from graph_editor.comments import DEFAULT_SIZE, Comment, new_comment_id
from graph_editor.qt.comments import CommentItem, CommentLayer
from graph_editor.qt.minimap import Minimap

MINIMAP_SETTING = "minimap"
FRAME_PAD = (24.0, 56.0, 24.0, 24.0)  # left, top (room for the text), right, bottom


class CanvasTools:
    """Comments, the overview and the theme of one window's canvas."""

    def __init__(self, window: Any) -> None:
        self.window = window
        canvas = window.canvas
        self.comments = CommentLayer(
            canvas.viewer().scene(), window.document.pipeline.comments, window.push
        )
        self.minimap = Minimap(canvas)
        self.minimap.setVisible(bool(settings().value(MINIMAP_SETTING, True, type=bool)))
        self._stack: Any = None
        theme.apply(theme.saved_choice(), canvas)
        hints = QtGui.QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._on_scheme_changed)

    def set_document(self, document: Any) -> None:
        """Show the comments of another document; the overview follows its edits."""
        self.comments.show_board(document.pipeline.comments)
        if self._stack is not None:
            try:
                self._stack.indexChanged.disconnect(self.minimap.schedule)
            except (RuntimeError, TypeError):
                pass
        self._stack = document.undo_stack
        self._stack.indexChanged.connect(self.minimap.schedule)
        self.minimap.schedule()

    # -- comments ---------------------------------------------------------------------------
    def add_comment(self) -> CommentItem:
        """Edit ▸ Add Comment: around the selected nodes, else in the middle of the view; then type."""
        canvas = self.window.canvas
        viewer = canvas.viewer()
        ids = canvas.selected_ids()
        if ids:
            rect = canvas.nodes_rect(ids)
            left, top, right, bottom = FRAME_PAD
            rect.adjust(-left, -top, right, bottom)
            position, size = (rect.x(), rect.y()), (rect.width(), rect.height())
        else:
            center = viewer.mapToScene(viewer.viewport().rect().center())
            size = DEFAULT_SIZE
            position = (center.x() - size[0] / 2, center.y() - size[1] / 2)
        item = self.comments.add(Comment(new_comment_id(), "Comment", position, size))
        self.window.show_canvas()
        viewer.setFocus(QtCore.Qt.OtherFocusReason)
        item.start_editing()
        return item

    def delete_selection(self) -> bool:
        """Delete: the selected comments, nodes and wires, as one undo step."""
        comment_ids = self.comments.selected_ids()
        canvas = self.window.canvas
        if not comment_ids:
            return bool(canvas.delete_selection())
        stack = self.window.document.undo_stack
        stack.beginMacro("delete")
        self.comments.remove(comment_ids)
        canvas.delete_selection()
        stack.endMacro()
        return True

    # -- overview and theme -----------------------------------------------------------------
    def show_minimap(self, shown: bool) -> None:
        """View ▸ Overview: show or hide the minimap (remembered)."""
        settings().setValue(MINIMAP_SETTING, bool(shown))
        self.minimap.setVisible(bool(shown))

    def _on_scheme_changed(self, _scheme: object) -> None:
        """The desktop switched light/dark: follow it when the choice is System."""
        if theme.saved_choice() != theme.ThemeChoice.SYSTEM:
            return
        try:
            theme.apply(theme.ThemeChoice.SYSTEM, self.window.canvas)
            self.minimap.refresh()
        except RuntimeError:  # this window is gone (the signal belongs to the application)
            pass
