"""NodeGraphQt tuned for Stitchboard: its own undo off, broken wires, a Tab search of our kinds."""

from __future__ import annotations

from NodeGraphQt.constants import PipeEnum
from Qt import QtWidgets

from graph_editor.qt.ngqt_private import open_flat_search
from graph_editor.qt.node_items import NODE_CLASSES
from graph_editor.qt.ports import MISSING_TIP
from graph_editor.qt.style import BROKEN_COLOR, KIND_LABELS


class NoUndoStack(QtWidgets.QUndoStack):
    """NodeGraphQt's own undo stack, switched off: its commands run and are forgotten.

    Rebuilding a node view pushed entries such as 'property "selected"' onto it, and its
    Ctrl+Z clashed with the window's (issue #12). Every real edit goes through the document's
    stack instead.
    """

    def push(self, command: QtWidgets.QUndoCommand) -> None:  # type: ignore[override]
        command.redo()

    def beginMacro(self, text: str) -> None:  # noqa: N802 - NodeGraphQt calls this
        pass

    def endMacro(self) -> None:  # noqa: N802 - NodeGraphQt calls this
        pass


def drop_builtin_undo(viewer: QtWidgets.QGraphicsView) -> None:
    """Take NodeGraphQt's Undo/Redo (and their Ctrl+Z/Ctrl+Shift+Z) out of the canvas menu."""
    menu = viewer.context_menus()["graph"]
    for action in (viewer.qaction_for_undo(), viewer.qaction_for_redo()):
        if action is not None:
            action.setShortcuts([])
            action.setEnabled(False)
            menu.removeAction(action)
    for action in menu.actions():
        if action.isSeparator():
            menu.removeAction(action)


def mark_broken(out_item: object, in_item: object) -> None:
    """Draw the wire between two port items dashed and red: one end left the notebook."""
    for pipe in out_item.connected_pipes:  # type: ignore[attr-defined]
        if pipe.input_port is in_item:
            pipe.color = (*BROKEN_COLOR, 255)
            pipe.style = PipeEnum.DRAW_TYPE_DASHED.value
            pipe.reset()
            pipe.setToolTip(f"broken wire: a port {MISSING_TIP}")


def search_entries() -> dict[str, list[str]]:
    """What Tab search offers: each node kind's display name and its NodeGraphQt type."""
    return {KIND_LABELS[kind]: [cls.type_] for kind, cls in NODE_CLASSES.items()}


def flat_tab_search(viewer: QtWidgets.QGraphicsView) -> None:
    """Open the Tab search with our kinds only, as one flat, filtered list (see ``ngqt_private``)."""
    open_flat_search(viewer, {label: types[0] for label, types in search_entries().items()})
