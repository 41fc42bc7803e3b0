"""NodeGraphQt tuned for Stitchboard: its own undo off, broken wires, a Tab search of our kinds."""

from __future__ import annotations

from NodeGraphQt.constants import PipeEnum
from Qt import QtWidgets

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
        for label, (node_type,) in search_entries().items():
            action = QtWidgets.QAction(label, widget)
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


def _filter(widget: QtWidgets.QMenu, text: str) -> None:
    """Show the kinds whose names match what was typed; Enter takes the first."""
    names = widget._fuzzy_finder(text, widget._actions.keys()) if text else list(widget._actions)
    for name, action in widget._actions.items():
        action.setVisible(name in names)
    widget._searched_actions = [widget._actions[name] for name in names]
    if widget._searched_actions:
        widget.setActiveAction(widget._searched_actions[0])
