"""The main window: canvas in the middle, palette and issues left, properties right, run log below."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.events import NodeState
from app.gui import importing
from app.gui.canvas_tools import CanvasTools
from app.gui.deploy_actions import DeployActions
from app.gui.document import Document
from app.gui.dryrun import RunController
from app.gui.files import FileActions, settings
from app.gui.guard import ensure_log, guarded, report
from app.gui.issues import IssuesPanel, Validator, issue_counts, summary
from app.gui.look import icon
from app.gui.menus import build_menus
from app.gui.node_actions import NodeActions
from app.gui.run_actions import RunActions
from app.gui.run_panel import RunPanel
from app.gui.run_results import found_runs
from app.gui.start_page import StartActions, StartPage
from app.gui.watcher import SourceWatcher
from graph_editor.build import layered_positions
from graph_editor.errors import ModelError
from graph_editor.nodes import NodeKind
from graph_editor.qt.canvas import PipelineCanvas
from graph_editor.qt.commands import MoveNodesCommand
from graph_editor.qt.palette import Palette
from graph_editor.qt.properties import PropertiesPanel

AUTOSAVE_MS = 2000
# Actions whose failure also shows a dialog (the user must not miss that nothing was written).
_DIALOG_ON_FAILURE = {"Save", "Save As", "Open", "Quit", "New"}


class MainWindow(
    NodeActions, RunActions, DeployActions, StartActions, FileActions, QtWidgets.QMainWindow
):
    """The editor window around one document."""

    def __init__(self, document: Document | None = None) -> None:
        super().__init__()
        self.setWindowIcon(icon("app"))
        self.document = document or Document()
        self.last_error = ""
        ensure_log()
        self.undo_group = QtGui.QUndoGroup(self)
        self._init_runs()
        self.canvas = PipelineCanvas(
            self.document.pipeline, self.document.undo_stack, self, session=self.run_session
        )
        self.start_page = StartPage()
        self.pages = QtWidgets.QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.canvas.widget)
        self.setCentralWidget(self.pages)
        self._init_deploy()
        self.validator = Validator(self)
        self.runs = RunController(self)
        self.watcher = SourceWatcher(self, self.push, self.show_status)
        self.autosave_timer = QtCore.QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.tools = CanvasTools(self)  # comments, overview, theme (app/gui/canvas_tools.py)
        self._build_docks()
        self._build_actions()
        self._connect()
        self._install_node_menu()
        self._install_editing_menu()
        self.set_document(self.document)
        if document is None:
            self.show_start_page()
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

    def _action(
        self, text: str, slot: object, shortcut: object = None, icon_name: str = "", tip: str = ""
    ) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QtGui.QKeySequence(shortcut))
            action.setShortcutContext(QtCore.Qt.WindowShortcut)
        plain = text.replace("&", "").replace("…", "")
        action.setToolTip(tip or plain)

        def commit_then_run() -> object:
            self.commit_pending_edits()  # half-typed text goes to the node it was typed for
            return slot()  # type: ignore[operator]

        run = guarded(self, plain, commit_then_run, dialog=plain in _DIALOG_ON_FAILURE)  # type: ignore[arg-type]
        action.triggered.connect(lambda _checked=False: run())
        self.addAction(action)
        return action

    def _undo_action(self, action: QtGui.QAction, shortcut: QtGui.QKeySequence) -> QtGui.QAction:
        """Undo/Redo of the current document (a ``QUndoGroup`` action follows the active stack)."""
        name = "undo" if shortcut == QtGui.QKeySequence.Undo else "redo"
        action.setIcon(icon(name))
        action.setShortcuts(QtGui.QKeySequence.keyBindings(shortcut))
        action.setShortcutContext(QtCore.Qt.WindowShortcut)
        action.setToolTip(name.capitalize())
        action.setIconText(name.capitalize())  # the toolbar keeps a short label; menus say what
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QtGui.QKeySequence
        a = self.actions_by_name = {
            "new": self._action("&New", self.new_file, K.New, "new"),
            "open": self._action("&Open…", self.open_dialog, K.Open, "open"),
            "import": self._action("&Import Elyra or Kale…", lambda: importing.import_dialog(self)),
            "save": self._action("&Save", self.save, K.Save, "save"),
            "save_as": self._action("Save &As…", self.save_as, K.SaveAs),
            "close": self._action("&Quit", self.close, K.Quit),
            "undo": self._undo_action(self.undo_group.createUndoAction(self, "&Undo"), K.Undo),
            "redo": self._undo_action(self.undo_group.createRedoAction(self, "&Redo"), K.Redo),
            "copy": self._action("&Copy", self.canvas.copy_selection, K.Copy),
            "cut": self._action("Cu&t", self.cut, K.Cut),
            "paste": self._action("&Paste", self.canvas.paste, K.Paste),
            "duplicate": self._action("D&uplicate", self.canvas.duplicate_selection, "Ctrl+D"),
            "delete": self._action("&Delete", self.tools.delete_selection, K.Delete),
            "comment": self._action(
                "Add &Comment",
                self.tools.add_comment,
                "Ctrl+Shift+C",
                "",
                "A note on the canvas (around the selected nodes), saved in the file",
            ),
            "minimap": self._action(
                "&Overview",
                lambda: self.tools.show_minimap(a["minimap"].isChecked()),
                "Ctrl+Shift+M",
                "",
                "A small map of the whole pipeline in the canvas's corner",
            ),
            "select_all": self._action("Select &All", self.select_all, K.SelectAll),
            "rename": self._action("&Rename Node…", self.rename_node, "F2"),
            "find": self._action("&Find Node…", self.find_node, K.Find),
            "refresh_ports": self._action(
                "Refresh &Ports",
                self.refresh_ports,
                "Ctrl+R",
                "",
                "Re-read the selected nodes' notebooks for their parameters and outputs",
            ),
            "zoom_selection": self._action("Zoom to &Selection", self.zoom_to_selection, "Shift+F"),
            "search": self._action("Add Node by &Name…", self.canvas.toggle_node_search, "Tab"),
            "layout": self._action(
                "Auto &Layout",
                self.auto_layout,
                "Ctrl+L",
                "layout",
                "Arrange nodes in layers, left to right",
            ),
            "fit": self._action("Zoom to &Fit", self.zoom_to_fit, "F", "fit"),
            "validate": self._action("&Validate", self.validate_now, "Ctrl+Shift+V", "validate"),
            "run": self._action(
                "&Dry-run", self.start_run, "F5", "run", "Run the pipeline on this machine"
            ),
            "stop": self._action("&Cancel Run", self.runs.cancel, "Shift+F5", "stop"),
            "export": self._action(
                "&Export Preview…",
                self.export_preview,
                "Ctrl+E",
                "export",
                "Preview the generated Airflow DAG",
            ),
            "open_notebook": self._action("Open Executed &Notebook", self.open_executed_notebook),
            "open_folder": self._action("Open &Artifact Folder", self.open_artifact_folder),
            "deploy": self._action(
                "De&ploy…",
                self.open_deploy_dialog,
                "Ctrl+Shift+D",
                "deploy",
                "Deploy to an Airflow cluster and optionally run it",
            ),
            "profiles": self._action(
                "P&rofiles…", self.open_profiles, None, "", "Add, edit and test cluster profiles"
            ),
            "task_log": self._action(
                "Show Task &Log",
                self.show_task_log,
                None,
                "",
                "The log of a task that failed on Airflow",
            ),
            "start_page": self._action("&Start Page", self.show_start_page),
        }
        a["search"].setShortcutContext(QtCore.Qt.WidgetWithChildrenShortcut)
        self.canvas.widget.addAction(a["search"])
        a["stop"].setEnabled(False)
        build_menus(self, a)
        self.rebuild_recent_menu()

    def _connect(self) -> None:
        self.canvas.status_message.connect(self.show_status)
        self.canvas.selection_ids_changed.connect(self._on_selection)
        self.canvas.node_activated.connect(self._on_node_activated)
        self.palette.kind_activated.connect(self.add_node_at_center)
        self.issues.node_requested.connect(
            lambda node_id: self.canvas.select_ids([node_id], center=True)
        )
        self.validator.validated.connect(self._on_validated)
        self.runs.event.connect(self._on_run_event)
        self.runs.failed.connect(self._on_run_failed)
        self.runs.finished.connect(self._on_run_finished)
        self.run_panel.cancel_requested.connect(self.cancel_current)
        self.run_panel.reopen_requested.connect(self.reopen_run)
        self.properties.open_folder_requested.connect(self.open_artifact_folder)
        page = self.start_page
        page.new_requested.connect(self.new_file)
        page.open_requested.connect(self.open_dialog)
        page.example_requested.connect(self.open_example)
        page.example_to_requested.connect(self.copy_example_to)
        page.recent_requested.connect(lambda path: self.open_file(Path(path)))

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
        self.run_session.add_found(found_runs(document.pipeline))
        self.update_title()
        self.show_canvas()
        QtCore.QTimer.singleShot(0, self.zoom_to_fit)

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
        return self.document.autosave()

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- editing ----------------------------------------------------------------------------
    def add_node_at_center(self, kind: str) -> None:
        self.show_canvas()
        viewer = self.canvas.viewer()
        center = viewer.mapToScene(viewer.viewport().rect().center())
        self.canvas.add_blank_node(NodeKind(kind), (center.x() - 80, center.y() - 40))

    def cut(self) -> None:
        if self.canvas.copy_selection():
            self.canvas.delete_selection()

    def select_all(self) -> None:
        self.canvas.select_ids([n.id for n in self.document.pipeline.nodes])

    def auto_layout(self) -> None:
        pipeline = self.document.pipeline
        moves = {
            nid: (pos, pipeline.node(nid).position)
            for nid, pos in layered_positions(pipeline).items()
            if pipeline.node(nid).position != pos
        }
        if moves:
            self.push(MoveNodesCommand(pipeline, moves, text="auto layout"))
        self.zoom_to_fit()

    def zoom_to_fit(self) -> None:
        """Fit every node in view (never above 100 %); linear, unlike NodeGraphQt's item-group fit."""
        self.canvas.fit_all()

    def _on_selection(self, node_ids: list) -> None:
        self.properties.show_selection(self.document.pipeline, list(node_ids))

    def _on_node_activated(self, node_id: str) -> None:
        run = self.run_session.node(node_id)
        if run.task_log and run.state == NodeState.FAILED:
            self.show_task_log(node_id)
        elif run.state == NodeState.FAILED and self.show_failure(node_id):
            pass
        elif run.notebook:
            self.open_executed_notebook(node_id)

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
        if not self.maybe_save():
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
