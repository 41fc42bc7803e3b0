"""Why a dry-run node failed, inside the window: error, traceback and the failing cell's source.

Read from the executed notebook the runner wrote (papermill keeps the error output on the cell
that raised), so the user never needs a notebook viewer to see what went wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class NodeFailure:
    """What a user needs to fix a failed node."""

    node_name: str
    error: str  # "ValueError: bad input"
    traceback: str
    cell_source: str  # the failing cell's code ("" when no cell raised)
    cell_number: int | None  # 1-based among the notebook's code cells, None when unknown
    log: str  # the node's log file (kernel output), "" when none


def read_failure(node_name: str, detail: str, notebook: str = "", log: str = "") -> NodeFailure:
    """The failure of one node from its executed notebook and log (each may be missing)."""
    error, trace, source, number = detail, "", "", None
    cells = _cells(Path(notebook)) if notebook else []
    code_cells = [  # numbered as in the user's notebook: without the cell papermill injected
        c
        for c in cells
        if c.get("cell_type") == "code"
        and "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    for index, cell in enumerate(code_cells, start=1):
        found = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if found is not None:
            error = f"{found.get('ename', '')}: {found.get('evalue', '')}".strip(": ")
            trace = _ANSI.sub("", "\n".join(found.get("traceback", [])))
            source = _text(cell.get("source", ""))
            number = index
            break
    log_text = ""
    if log and Path(log).is_file():
        log_text = Path(log).read_text(encoding="utf-8", errors="replace")
    return NodeFailure(node_name, error or "failed", trace, source, number, log_text)


def _cells(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = data.get("cells", []) if isinstance(data, dict) else []
    return [c for c in cells if isinstance(c, dict)]


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


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

    def show_failure(self, failure: NodeFailure) -> None:
        self.failure = failure
        where = f" in cell {failure.cell_number}" if failure.cell_number else ""
        self.title.setText(f"{failure.node_name} failed{where}: {failure.error}")
        self.cell.setPlainText(failure.cell_source or "(no cell raised: see the log)")
        self.traceback.setPlainText(failure.traceback or failure.error)
        self.log.setPlainText(failure.log or "(the node wrote nothing)")
        self.tabs.setCurrentWidget(self.cell if failure.cell_source else self.log)
