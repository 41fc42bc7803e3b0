"""Why a dry-run node failed, inside the window: error, traceback and the failing cell's source.

The runner's typed failure (the event's ``error``: type, message, the cell as the user counts
it, where) says what and where; the executed notebook the runner wrote adds the failing cell's
source and traceback (papermill keeps the error output on the cell that raised), so the user
never needs a notebook viewer. The cell number is the runner's, never counted again here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class NodeFailure:
    """What a user needs to fix a failed node."""

    node_name: str
    error: str  # "ValueError: bad input"
    traceback: str
    cell_source: str  # the failing cell's code ("" when no cell raised)
    cell_number: int | None  # the runner's: the cell as the user counts it, None when unknown
    log: str  # the node's log file (kernel output), "" when none
    where: str = ""  # the runner's words: "in cell 3", "while loading inputs", ...


def read_failure(
    node_name: str,
    detail: str,
    notebook: str = "",
    log: str = "",
    error: Mapping[str, Any] | None = None,
) -> NodeFailure:
    """The failure of one node: the runner's typed ``error`` (its JSON form: type, message,
    cell, where) with the failing cell's source and traceback from the executed notebook."""
    error = error or {}
    number = error.get("cell") if isinstance(error.get("cell"), int) else None
    where = str(error.get("where") or (f"in cell {number}" if number else ""))
    line = f"{error.get('type', '')}: {error.get('message', '')}".strip(": ") or detail
    trace, source = "", ""
    for cell in _cells(Path(notebook)) if notebook else []:
        found = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if cell.get("cell_type") == "code" and found is not None:
            if not error:
                line = f"{found.get('ename', '')}: {found.get('evalue', '')}".strip(": ")
            trace = _ANSI.sub("", "\n".join(found.get("traceback", [])))
            trace = _as_user_counts(trace, cell.get("execution_count"), number)
            source = _text(cell.get("source", ""))
            break
    log_text = ""
    if log and Path(log).is_file():
        log_text = Path(log).read_text(encoding="utf-8", errors="replace")
    return NodeFailure(node_name, line or "failed", trace, source, number, log_text, where)


def _as_user_counts(trace: str, execution_count: object, number: int | None) -> str:
    """IPython heads the failing cell's frame "Cell In[7], line 2" after the kernel's execution
    count (injected cells ran first); show the cell number the rest of the window shows."""
    if not isinstance(execution_count, int) or number is None:
        return trace
    return trace.replace(f"Cell In[{execution_count}]", f"Cell {number}")


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

    def clear(self) -> None:
        """Nothing failed yet (another pipeline is open)."""
        self.failure = None
        self.title.setText("No failed node")
        for view in (self.cell, self.traceback, self.log):
            view.clear()

    def show_failure(self, failure: NodeFailure) -> None:
        self.failure = failure
        where = f" {failure.where}" if failure.where else ""
        self.title.setText(f"{failure.node_name} failed{where}: {failure.error}")
        self.cell.setPlainText(failure.cell_source or "(no cell raised: see the log)")
        self.traceback.setPlainText(failure.traceback or failure.error)
        self.log.setPlainText(failure.log or "(the node wrote nothing)")
        self.tabs.setCurrentWidget(self.cell if failure.cell_source else self.log)
