"""Why a dry-run node failed, inside the window: error, traceback and the failing cell's source.

The panel shows the runner's own ``NodeFailure`` (the run event carries it; an earlier run's
``run.json`` gives it back): the cell number, the cell's code and the traceback are the ones
the CLI and the run record show, never counted again from the executed notebook.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.runner.failure import NodeFailure


def _log_text(path: str) -> str:
    if path and Path(path).is_file():
        return Path(path).read_text(encoding="utf-8", errors="replace")
    return ""


class FailurePanel(QtWidgets.QWidget):
    """The failure of one node: the error on top, then the failing cell, traceback and log."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("failurePanel")
        self.title = QtWidgets.QLabel("No failed node")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.tabs = QtWidgets.QTabWidget()
        self.cell = self._text_view("failingCell")
        self.traceback = self._text_view("traceback")
        self.log = self._text_view("nodeLog")
        self.tabs.addTab(self.cell, "Failing cell")
        self.tabs.addTab(self.traceback, "Traceback")
        self.tabs.addTab(self.log, "Log")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self.failure: NodeFailure | None = None

    @staticmethod
    def _text_view(name: str) -> QtWidgets.QPlainTextEdit:
        view = QtWidgets.QPlainTextEdit(readOnly=True)
        view.setObjectName(name)
        view.setLineWrapMode(QtWidgets.QPlainTextEdit.NoWrap)
        view.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont))
        return view

    def clear(self) -> None:
        """Nothing failed yet (another pipeline is open)."""
        self.failure = None
        self.title.setText("No failed node")
        for view in (self.cell, self.traceback, self.log):
            view.clear()

    def show_failure(self, node_name: str, failure: NodeFailure, log: str = "") -> None:
        """Show one node's failure; ``log`` is the node's log file ("" when it has none)."""
        self.failure = failure
        where = f" {failure.where}" if failure.where else ""
        self.title.setText(f"{node_name} failed{where}: {failure.line}")
        self.cell.setPlainText(failure.cell_source or "(no cell raised: see the log)")
        self.traceback.setPlainText(failure.traceback or failure.line)
        text = _log_text(log or failure.log)
        self.log.setPlainText(text or "(the node wrote nothing)")
        self.tabs.setCurrentWidget(self.cell if failure.cell_source else self.log)
