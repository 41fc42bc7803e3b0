"""The run panel: progress, cancel and log of a dry-run or deploy, the history of runs; a log viewer."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from app.gui.run_results import summary_text
from graph_editor.run_session import RunSession


class RunPanel(QtWidgets.QWidget):
    """Progress bar, cancel button and log of the current run; earlier runs to re-open."""

    cancel_requested = QtCore.Signal()
    reopen_requested = QtCore.Signal(str)  # a RunRecord key

    def __init__(
        self, session: RunSession | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session or RunSession()
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.state = QtWidgets.QLabel("Not run yet")
        self.cancel = QtWidgets.QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.cancel_requested)
        self.log = QtWidgets.QPlainTextEdit()
        self.log.setObjectName("runLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(20000)
        self.log.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont))
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.state)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel)
        self.history = QtWidgets.QListWidget(objectName="runHistory")
        self.history.setToolTip("This session's runs and the ones in the pipeline's runs folder")
        self.history.currentRowChanged.connect(self._show_report)
        self.history.itemDoubleClicked.connect(lambda _item: self._reopen())
        self.report = QtWidgets.QLabel(objectName="runReport", wordWrap=True)
        self.report.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.reopen = QtWidgets.QPushButton("Show on Canvas")
        self.reopen.setObjectName("reopenRun")
        self.reopen.setToolTip("Show this run's node states and outputs on the canvas again")
        self.reopen.clicked.connect(self._reopen)
        side = QtWidgets.QVBoxLayout()
        side.addWidget(QtWidgets.QLabel("Runs"))
        side.addWidget(self.history, 1)
        side.addWidget(self.report)
        side.addWidget(self.reopen, 0, QtCore.Qt.AlignLeft)
        split = QtWidgets.QHBoxLayout()
        split.addWidget(self.log, 3)
        split.addLayout(side, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(split, 1)
        self.session.history_changed.connect(self._fill_history)
        self.session.reset.connect(self._fill_history)
        self._fill_history()

    def _fill_history(self, _none: None = None) -> None:
        shown = self.session.shown
        self.history.blockSignals(True)
        self.history.clear()
        for record in self.session.runs:
            mark = "▶ " if shown is not None and record.key == shown.key else ""
            item = QtWidgets.QListWidgetItem(mark + record.label)
            item.setData(QtCore.Qt.UserRole, record.key)
            self.history.addItem(item)
        self.history.blockSignals(False)
        keys = [r.key for r in self.session.runs]
        self.history.setCurrentRow(keys.index(shown.key) if shown and shown.key in keys else 0)
        self._show_report(self.history.currentRow())

    def _show_report(self, row: int) -> None:
        runs = self.session.runs
        record = runs[row] if 0 <= row < len(runs) else None
        self.report.setText(summary_text(record) if record is not None else "No runs yet")
        self.reopen.setEnabled(record is not None)

    def _reopen(self) -> None:
        item = self.history.currentItem()
        if item is not None:
            self.reopen_requested.emit(str(item.data(QtCore.Qt.UserRole)))

    def clear(self) -> None:
        """Back to "Not run yet" (another pipeline is open: its runs are not this one's)."""
        self.log.clear()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.state.setText("Not run yet")
        self.cancel.setEnabled(False)

    def started(self, total: int, text: str = "Running…", unit: str = "nodes") -> None:
        self.log.clear()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setFormat(f"%v / %m {unit}")
        self.state.setText(text)
        self.cancel.setEnabled(True)

    def set_progress(self, done: int, total: int, unit: str = "") -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if unit:
            self.progress.setFormat(f"%v / %m {unit}")

    def append(self, line: str) -> None:
        self.log.appendPlainText(line.rstrip("\n"))

    def finished(self, text: str) -> None:
        self.state.setText(text)
        self.cancel.setEnabled(False)


class LogViewer(QtWidgets.QDialog):
    """A read-only, monospaced view of one task's log (a failed Airflow task, an import error)."""

    def __init__(self, title: str, text: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logViewer")
        self.setWindowTitle(title)
        self.text = QtWidgets.QPlainTextEdit(readOnly=True)
        self.text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont))
        self.text.setLineWrapMode(QtWidgets.QPlainTextEdit.NoWrap)
        self.text.setPlainText(text)
        self.text.moveCursor(QtGui.QTextCursor.End)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(900, 560)
