"""The main window: canvas in the middle, palette and issues left, properties right, run log below."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.events import NodeState
from app.gui.canvas_tools import CanvasTools
from app.gui.deploy_actions import DeployService
from app.gui.deploy_worker import DeployController
from app.gui.document import Document
from app.gui.dryrun import RunController
from app.gui.failure_panel import FailurePanel
from app.gui.files import FileService, settings
from app.gui.guard import ensure_log, report
from app.gui.issues import IssuesPanel, Validator, issue_counts, summary
from app.gui.look import icon
from app.gui.menus import build_actions, build_menus
from app.gui.node_actions import NodeService
from app.gui.run_actions import RunService, RunViews
from app.gui.run_panel import RunPanel
from app.gui.run_results import found_runs
from app.gui.shell import Shell
from app.gui.start_page import StartService
from app.gui.watcher import SourceWatcher
from graph_editor.errors import ModelError
from graph_editor.qt.canvas import PipelineCanvas
from graph_editor.qt.palette import Palette
from graph_editor.qt.properties import PropertiesPanel
from graph_editor.run_session import RunSession

AUTOSAVE_MS = 2000


class MainWindow(QtWidgets.QMainWindow):
    """The editor window around one document; the work is done by the services it holds.

    ``files`` new/open/save/recent/recovery, ``start`` the start page, ``nodes`` node actions,
    ``running`` the dry-run, ``deploying`` deploys, ``tools`` comments/overview/layout.
    """

    def __init__(self, document: Document | None = None) -> None:
        super().__init__()
        self.setWindowIcon(icon("app"))
        self.document = document or Document()
        self.last_error = ""
        ensure_log()
        self.undo_group = QtGui.QUndoGroup(self)
        self.run_session = RunSession()  # the canvas, Properties and the Run panel show it
        self.canvas = PipelineCanvas(
            self.document.pipeline, self.document.undo_stack, self, session=self.run_session
        )
        shell = Shell(self, lambda: self.document, self.push, self.show_status, self.show_error)
        self.files = FileService(
            shell, self.set_document, self.commit_pending_edits, self.update_title
        )
        self.start = StartService(shell, self.canvas.widget, self.files)
        self.setCentralWidget(self.start.pages)
        self.deploys = DeployController(self)
        self.validator = Validator(self)
        self.runs = RunController(self)
        self.watcher = SourceWatcher(self, self.push, self.show_status)
        self.autosave_timer = QtCore.QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.tools = CanvasTools(shell, self.canvas, self.start.show_canvas)
        self._build_docks()
        views = RunViews(
            self.run_panel, self.run_dock, self.progress, self.failure_panel, self.failure_dock
        )
        on_start_page = lambda: self.start.on_start_page  # noqa: E731 - read at each run
        self.running = RunService(
            shell,
            self.run_session,
            self.runs,
            self.deploys,
            views,
            self.canvas,
            on_start_page,
            self._enable,
        )
        self.deploying = DeployService(
            shell,
            self.run_session,
            self.deploys,
            self.runs,
            views,
            self.canvas,
            self.validator,
            self._enable,
        )
        self.nodes = NodeService(shell, self.canvas, self.watcher, self.running.start_run)
        self.actions_by_name = build_actions(self)
        build_menus(self, self.actions_by_name)
        self.files.rebuild_recent_menu()
        self._connect()
        self.nodes.install_menu([*self.deploying.node_menu(), *self.running.node_menu()])
        self.set_document(self.document)
        if document is None:
            self.start.show_start_page()
        geometry = settings().value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 860)
        state = settings().value("windowState")
        if state is not None:
            self.restoreState(state)

    # -- construction -----------------------------------------------------------------------
    def _dock(
        self, title: str, widget: QtWidgets.QWidget, area: QtCore.Qt.DockWidgetArea
    ) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "") + "Dock")
        dock.setWidget(widget)
        dock.setFeatures(
            QtWidgets.QDockWidget.DockWidgetMovable | QtWidgets.QDockWidget.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.palette = Palette()
        self.issues = IssuesPanel()
        self.properties = PropertiesPanel(self.push, self.show_status, self.run_session)
        self.run_panel = RunPanel(self.run_session)
        self.failure_panel = FailurePanel()
        left = self._dock("Nodes", self.palette, QtCore.Qt.LeftDockWidgetArea)
        right = self._dock("Properties", self.properties, QtCore.Qt.RightDockWidgetArea)
        self.issues_dock = self._dock("Problems", self.issues, QtCore.Qt.BottomDockWidgetArea)
        self.run_dock = self._dock("Run", self.run_panel, QtCore.Qt.BottomDockWidgetArea)
        self.failure_dock = self._dock(
            "Failure", self.failure_panel, QtCore.Qt.BottomDockWidgetArea
        )
        self.tabifyDockWidget(self.issues_dock, self.run_dock)
        self.tabifyDockWidget(self.run_dock, self.failure_dock)
        self.failure_dock.hide()
        self.issues_dock.raise_()
        self.resizeDocks([left, right], [190, 380], QtCore.Qt.Horizontal)
        self.resizeDocks([self.issues_dock], [170], QtCore.Qt.Vertical)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        self.problems_label = QtWidgets.QLabel()
        self.statusBar().addPermanentWidget(self.problems_label)

    def _connect(self) -> None:
        self.canvas.status_message.connect(self.show_status)
        self.canvas.selection_ids_changed.connect(self._on_selection)
        self.canvas.node_activated.connect(self._on_node_activated)
        self.palette.kind_activated.connect(self.tools.add_node_at_center)
        self.issues.node_requested.connect(
            lambda node_id: self.canvas.select_ids([node_id], center=True)
        )
        self.validator.validated.connect(self._on_validated)
        self.properties.open_folder_requested.connect(self.running.open_artifact_folder)

    def _enable(self, name: str, on: bool) -> None:
        """Enable or disable one of the window's actions (the services' Run, Cancel, Deploy)."""
        self.actions_by_name[name].setEnabled(on)

    # -- document ---------------------------------------------------------------------------
    def set_document(self, document: Document) -> None:
        """Show another document (new/open/restore) in the same window."""
        old = self.document
        if old is not document:
            old.undo_stack.cleanChanged.disconnect(self.update_title)
            old.undo_stack.indexChanged.disconnect(self._on_edit)
            old.undo_stack.refused.disconnect(self._on_refused)
            self.undo_group.removeStack(old.undo_stack)
        self.document = document
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.canvas.commands = document.undo_stack
        if self.canvas.pipeline is not document.pipeline:
            self.canvas.set_pipeline(document.pipeline)
        document.undo_stack.cleanChanged.connect(self.update_title)
        document.undo_stack.indexChanged.connect(self._on_edit)
        document.undo_stack.refused.connect(self._on_refused)
        self.validator.watch(document.pipeline, painted=self.canvas.viewer().viewport())
        self.watcher.watch(document.pipeline)
        self.tools.set_document(document)
        self.properties.show_selection(document.pipeline, [])
        self.run_session.clear()
        if old is not document:
            self.running.forget_views()
        self.run_session.add_found(found_runs(document.pipeline))
        self.update_title()
        self.start.show_canvas()
        QtCore.QTimer.singleShot(0, self.canvas.fit_all)

    def update_title(self, *_args: object) -> None:
        self.setWindowModified(self.document.dirty)
        self.setWindowTitle(f"{self.document.title}[*] — Stitchboard")

    def commit_pending_edits(self) -> None:
        """Finish a half-typed Properties field (before a command or a selection change)."""
        self.properties.commit_pending()

    def push(self, command: QtGui.QUndoCommand) -> None:
        self.document.undo_stack.push(command)

    def _on_refused(self, reason: str) -> None:
        report(self, "Edit", ModelError(reason))

    def _on_edit(self, _index: int) -> None:
        self.update_title()
        self.autosave_timer.start()

    def autosave(self) -> Path | None:
        return self.document.autosave(background=True)  # the write leaves the UI thread

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, title: str, text: str) -> None:
        """A warning dialog with the error's first line (the whole text in ``last_error``)."""
        self.last_error = text
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Warning,
            title,
            text.splitlines()[0],
            QtWidgets.QMessageBox.Ok,
            self,
        )
        box.setObjectName("errorDialog")
        box.open()  # not exec(): tests and event loops keep running

    # -- what the canvas reports ------------------------------------------------------------
    def _on_selection(self, node_ids: list) -> None:
        self.properties.show_selection(self.document.pipeline, list(node_ids))

    def _on_node_activated(self, node_id: str) -> None:
        run = self.run_session.node(node_id)
        if run.task_log and run.state == NodeState.FAILED:
            self.deploying.show_task_log(node_id)
        elif run.state == NodeState.FAILED and self.running.show_failure(node_id):
            pass
        elif run.notebook:
            self.running.open_executed_notebook(node_id)

    # -- validation -------------------------------------------------------------------------
    def validate_now(self) -> None:
        issues = self.validator.run_now()
        self.show_status(summary(issues))

    def _on_validated(self, issues: list) -> None:
        self.issues.show_issues(issues)
        self.canvas.set_issue_counts(issue_counts(issues))
        self.problems_label.setText(summary(issues))

    # -- export -----------------------------------------------------------------------------
    def export_preview(self) -> QtWidgets.QDialog:
        from app.gui.export_preview import ExportDialog

        dialog = ExportDialog(self.document.pipeline, self)
        # The preview opens on the backend the Problems panel checks, and the panel follows
        # the backend the user exports with.
        dialog.backend.setCurrentIndex(
            max(dialog.backend.findData(self.validator.backend.value), 0)
        )
        dialog.backend.currentIndexChanged.connect(
            lambda _i: self.validator.set_backend(dialog.backend.currentData())
        )
        dialog.open()
        return dialog

    # -- closing ----------------------------------------------------------------------------
    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 - Qt calls this
        if not self.files.maybe_save():
            event.ignore()
            return
        self.runs.shutdown()
        self.deploys.shutdown()
        self.document.discard_recovery()
        settings().setValue("geometry", self.saveGeometry())
        settings().setValue("windowState", self.saveState())
        self._detach()
        event.accept()

    def _detach(self) -> None:
        """Stop listening to the document (its undo stack may outlive this window)."""
        stack = self.document.undo_stack
        for signal, slot in (
            (stack.cleanChanged, self.update_title),
            (stack.indexChanged, self._on_edit),
            (stack.refused, self._on_refused),
        ):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        self.autosave_timer.stop()
        self.validator.stop()
