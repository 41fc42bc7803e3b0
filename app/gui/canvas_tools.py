"""The window's canvas commands: comments, the overview (minimap), the theme, layout, cut, select all.

Composed by ``MainWindow`` (``self.tools``); it owns its state and follows the current document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtGui

from app.gui import theme
from app.gui.files import settings
from app.gui.shell import Shell
from graph_editor.build import layered_positions
from graph_editor.comments import DEFAULT_SIZE, Comment, new_comment_id
from graph_editor.nodes import NodeKind
from graph_editor.qt.canvas import PipelineCanvas
from graph_editor.qt.commands import MoveNodesCommand
from graph_editor.qt.comments import CommentItem, CommentLayer
from graph_editor.qt.minimap import Minimap

MINIMAP_SETTING = "minimap"
FRAME_PAD = (24.0, 56.0, 24.0, 24.0)  # left, top (room for the text), right, bottom


class CanvasTools:
    """Comments, the overview, the theme and the whole-canvas edits of one window's canvas."""

    def __init__(
        self, shell: Shell, canvas: PipelineCanvas, show_canvas: Callable[[], None]
    ) -> None:
        self.shell = shell
        self.canvas = canvas
        self.show_canvas = show_canvas  # leave the start page
        self.comments = CommentLayer(
            canvas.viewer().scene(), shell.document.pipeline.comments, shell.push
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
        canvas = self.canvas
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
        self.show_canvas()
        viewer.setFocus(QtCore.Qt.OtherFocusReason)
        item.start_editing()
        return item

    def delete_selection(self) -> bool:
        """Delete: the selected comments, nodes and wires, as one undo step."""
        comment_ids = self.comments.selected_ids()
        canvas = self.canvas
        if not comment_ids:
            return bool(canvas.editing.delete_selection())
        stack = self.shell.document.undo_stack
        stack.beginMacro("delete")
        self.comments.remove(comment_ids)
        canvas.editing.delete_selection()
        stack.endMacro()
        return True

    def cut(self) -> None:
        if self.canvas.editing.copy_selection():
            self.canvas.editing.delete_selection()

    def select_all(self) -> None:
        self.canvas.select_ids([n.id for n in self.shell.document.pipeline.nodes])

    def add_node_at_center(self, kind: str) -> None:
        """A blank node of ``kind`` in the middle of the view (the palette's double-click)."""
        self.show_canvas()
        viewer = self.canvas.viewer()
        center = viewer.mapToScene(viewer.viewport().rect().center())
        self.canvas.editing.add_blank_node(NodeKind(kind), (center.x() - 80, center.y() - 40))

    def auto_layout(self) -> None:
        """Arrange the nodes in layers, left to right (one undo step), then fit them in view."""
        pipeline = self.shell.document.pipeline
        moves = {
            nid: (pos, pipeline.node(nid).position)
            for nid, pos in layered_positions(pipeline).items()
            if pipeline.node(nid).position != pos
        }
        if moves:
            self.shell.push(MoveNodesCommand(pipeline, moves, text="auto layout"))
        self.canvas.fit_all()

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
            theme.apply(theme.ThemeChoice.SYSTEM, self.canvas)
            self.minimap.refresh()
        except RuntimeError:  # this window is gone (the signal belongs to the application)
            pass
