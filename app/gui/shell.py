"""What the main window lends the services it composes (files, nodes, runs, deploys, start page).

A service takes a ``Shell`` and the few other things it uses, never the whole window: the
window is the one place that wires them together (``app/gui/main_window.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6 import QtGui, QtWidgets

from app.gui.document import Document


@dataclass(frozen=True)
class Shell:
    """The window as its services see it: a parent for dialogs, the document, the status line."""

    widget: QtWidgets.QWidget  # the parent of the services' dialogs
    current: Callable[[], Document]  # the document on show (new/open/restore replace it)
    push: Callable[[QtGui.QUndoCommand], None]  # one undo step on the current document
    show_status: Callable[[str], None]
    show_error: Callable[[str, str], None]  # a dialog (title, text) the user must not miss

    @property
    def document(self) -> Document:
        return self.current()
