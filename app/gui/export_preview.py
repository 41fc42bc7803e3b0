"""The export preview: the generated Airflow DAG, read-only and syntax-highlighted; save to a folder."""

from __future__ import annotations

import keyword
import re

from PySide6 import QtCore, QtGui, QtWidgets

from graph_editor.errors import StitchboardError
from graph_editor.pipeline import Pipeline


class PythonHighlighter(QtGui.QSyntaxHighlighter):
    """Keywords, strings, comments, numbers and decorators in calm colours."""

    def __init__(self, document: QtGui.QTextDocument) -> None:
        super().__init__(document)

        def fmt(color: str, bold: bool = False, italic: bool = False) -> QtGui.QTextCharFormat:
            f = QtGui.QTextCharFormat()
            f.setForeground(QtGui.QColor(color))
            if bold:
                f.setFontWeight(QtGui.QFont.Bold)
            f.setFontItalic(italic)
            return f

        self.rules = [
            (re.compile(r"\b(" + "|".join(keyword.kwlist) + r")\b"), fmt("#c586c0", bold=True)),
            (re.compile(r"\b(True|False|None)\b"), fmt("#569cd6")),
            (re.compile(r"\b\d+(\.\d+)?\b"), fmt("#b5cea8")),
            (re.compile(r"@\w+(\.\w+)*"), fmt("#dcdcaa")),
            (re.compile(r"\b\w+(?=\()"), fmt("#dcdcaa")),
            (re.compile(r"(\"\"\"|''')"), fmt("#ce9178")),
            (
                re.compile(r"'[^'\\\n]*(\\.[^'\\\n]*)*'|\"[^\"\\\n]*(\\.[^\"\\\n]*)*\""),
                fmt("#ce9178"),
            ),
            (re.compile(r"#[^\n]*"), fmt("#6a9955", italic=True)),
        ]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt calls this
        for pattern, style in self.rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), style)


class ExportDialog(QtWidgets.QDialog):
    """Shows ``bundle.dag_source`` for a backend; "Save…" writes the whole bundle to a folder."""

    def __init__(self, pipeline: Pipeline, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export preview — {pipeline.settings.dag_id}")
        self.resize(900, 700)
        self.pipeline = pipeline
        self.bundle = None
        self.backend = QtWidgets.QComboBox()
        self.backend.addItem("Kubernetes pods", "kubernetes")
        self.backend.addItem("Airflow workers", "worker")
        self.backend.currentIndexChanged.connect(self.refresh)
        self.text = QtWidgets.QPlainTextEdit()
        self.text.setObjectName("dagSource")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QtWidgets.QPlainTextEdit.NoWrap)
        self.text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont))
        self.highlighter = PythonHighlighter(self.text.document())
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Close)
        self.save_button = buttons.addButton("Save bundle…", QtWidgets.QDialogButtonBox.ActionRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Run tasks as:"))
        top.addWidget(self.backend)
        top.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            from exporters.airflow import export_pipeline

            self.bundle = export_pipeline(self.pipeline, backend=self.backend.currentData())
        except (StitchboardError, ImportError, ValueError) as exc:
            self.bundle = None
            self.text.setPlainText("")
            self.message.setText(f"Cannot export: {str(exc).splitlines()[0]}")
            self.save_button.setEnabled(False)
            return
        self.text.setPlainText(self.bundle.dag_source)
        self.message.setText(
            f"{len(self.bundle.dag_source.splitlines())} lines — read-only preview"
        )
        self.save_button.setEnabled(True)

    def save(self, folder: str | None = None) -> str:
        if self.bundle is None:
            return ""
        if not folder:
            folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Save the DAG bundle into")
        if not folder:
            return ""
        try:
            self.bundle.write(folder)
        except (StitchboardError, OSError) as exc:
            QtWidgets.QMessageBox.warning(self, "Export failed", str(exc).splitlines()[0])
            return ""
        self.message.setText(f"Saved to {folder}")
        return folder

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt calls this
        return QtCore.QSize(900, 700)
