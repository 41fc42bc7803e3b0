"""The Properties panel's read-only "Last run" section: a node's state and outputs in the run on show."""

from __future__ import annotations

from Qt import QtCore, QtWidgets

from graph_editor.qt.results import run_lines
from graph_editor.run_session import RunSession


class LastRunBox(QtWidgets.QGroupBox):
    """What the run on show did with one node; follows the ``RunSession`` as it changes."""

    open_folder_requested = QtCore.Signal(str)  # node id

    def __init__(self, session: RunSession, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__("Last run", parent)
        self.setObjectName("lastRun")
        self.session = session
        self.node_id = ""
        self.text = QtWidgets.QLabel(objectName="lastRunText", wordWrap=True)
        self.text.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.text.setTextFormat(QtCore.Qt.PlainText)
        self.open_folder = QtWidgets.QPushButton("Open Artifact Folder")
        self.open_folder.setObjectName("openArtifactFolder")
        self.open_folder.clicked.connect(lambda: self.open_folder_requested.emit(self.node_id))
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.open_folder, 0, QtCore.Qt.AlignLeft)
        session.node_changed.connect(self._on_node_changed)
        session.reset.connect(lambda _none: self.refresh())
        self.refresh()

    def show_node(self, node_id: str) -> None:
        self.node_id = node_id
        self.refresh()

    def _on_node_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.refresh()

    def refresh(self) -> None:
        run = self.session.node(self.node_id) if self.node_id else None
        lines = run_lines(run) if run is not None else []
        self.setVisible(bool(lines))
        self.text.setText("\n".join(lines))
        self.open_folder.setVisible(bool(run and run.folder))
