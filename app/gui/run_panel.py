"""The run panel: progress, cancel and the log of a dry-run or deploy; a task log viewer."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


class RunPanel(QtWidgets.QWidget):
    """Progress bar, cancel button and the log of the current dry-run."""

    cancel_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
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
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.log, 1)

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
