"""The dry-run in the main window: start, progress, cancel, and the panel of a failed node."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.events import LogEvent, NodeEvent, NodeState, ProgressEvent, RunFinished
from app.gui.deploy_worker import DeployController
from app.gui.dryrun import RunController
from app.gui.failure_panel import FailurePanel
from app.gui.guard import report
from app.gui.node_actions import NodeSlot
from app.gui.run_panel import RunPanel
from app.gui.run_results import (
    changes_from_event,
    dry_run_record,
    read_report,
    results_from_report,
)
from app.gui.shell import Shell
from app.runner.failure import failure_of
from graph_editor.qt.canvas import PipelineCanvas
from graph_editor.run_session import RunKind, RunRecord, RunSession

NO_DOCUMENT = "Open or create a pipeline first"
_FAILED_CHUNK = "QProgressBar::chunk { background: #c94f4f; }"


def show_progress_failed(bar: QtWidgets.QProgressBar, failed: bool) -> None:
    """Paint a progress bar red with 'failed' in it (or back to normal)."""
    bar.setProperty("failed", failed)
    bar.setStyleSheet(_FAILED_CHUNK if failed else "")
    if failed:
        bar.setFormat("failed — %v / %m nodes")


@dataclass(frozen=True)
class RunViews:
    """Where a run shows in the window: the Run panel and its dock, the status-bar bar, the
    Failure panel and its dock."""

    panel: RunPanel
    dock: QtWidgets.QDockWidget
    progress: QtWidgets.QProgressBar
    failure_panel: FailurePanel
    failure_dock: QtWidgets.QDockWidget


class RunService:
    """F5, Shift+F5, run events on the canvas and in the Run panel; the window's ``running``."""

    def __init__(
        self,
        shell: Shell,
        session: RunSession,
        runs: RunController,
        deploys: DeployController,
        views: RunViews,
        canvas: PipelineCanvas,
        on_start_page: Callable[[], bool],
        enable: Callable[[str, bool], None],
    ) -> None:
        self.shell = shell
        self.run_session = session  # the canvas, Properties and the Run panel show it
        self.runs = runs
        self.deploys = deploys  # a dry-run waits while a deploy runs
        self.views = views
        self.canvas = canvas
        self.on_start_page = on_start_page
        self.enable = enable  # enable(action name, on): the window's Run/Cancel actions
        self._run_failed = False
        self._runs_started = 0
        runs.event.connect(self._on_run_event)
        runs.failed.connect(self._on_run_failed)
        runs.finished.connect(self._on_run_finished)
        views.panel.cancel_requested.connect(self.cancel_current)
        views.panel.reopen_requested.connect(self.reopen_run)

    def start_run(self, only: tuple[str, ...] = (), from_node: str | None = None) -> bool:
        """Dry-run the open pipeline (or part of it); False, with the reason shown, if it cannot."""
        if self.runs.running:
            return False
        if self.deploys.running:
            self.shell.show_status(
                "A deploy is running: wait for it (or stop watching its run) first"
            )
            return False
        pipeline = self.shell.document.pipeline
        if self.on_start_page() or (self.shell.document.path is None and not len(pipeline)):
            self.shell.show_status(NO_DOCUMENT)
            return False
        self._runs_started += 1
        self.run_session.begin(
            RunRecord(
                key=f"session-run-{self._runs_started}",
                kind=RunKind.DRY_RUN,
                label=f"dry-run {time.strftime('%H:%M:%S')} (running)",
            )
        )
        self._run_failed = False
        self.views.dock.show()
        self.views.dock.raise_()
        self.views.panel.started(len(pipeline))
        for bar in (self.views.progress, self.views.panel.progress):
            show_progress_failed(bar, False)
        self.views.progress.setRange(0, max(1, len(pipeline)))
        self.views.progress.setValue(0)
        self.views.progress.setVisible(True)
        self.enable("run", False)
        self.enable("stop", True)
        try:
            self.runs.start(pipeline, only=only, from_node=from_node)
        except Exception as exc:  # a run that cannot start must not leave "Running…"
            self._on_run_failed(report(self.shell, "Dry-run", exc))
            self._on_run_finished()
            return False
        self.shell.show_status("Dry-run started")
        return True

    def forget_views(self) -> None:
        """After New or Open: the previous pipeline's log, progress, red "failed" bar and
        failure leave the Run panel, the status bar and the Failure panel."""
        if self.runs.running or self.deploys.running:
            return  # still running for the pipeline it started from: its panels stay
        self._run_failed = False
        views = self.views
        views.panel.clear()
        for bar in (views.progress, views.panel.progress):
            show_progress_failed(bar, False)
        views.progress.setVisible(False)
        views.failure_panel.clear()
        views.failure_dock.hide()

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, NodeEvent):
            self._on_node_event(event)
        elif isinstance(event, LogEvent):
            self.views.panel.append(_log_line(event))
        elif isinstance(event, ProgressEvent):
            self.views.panel.set_progress(event.done, event.total)
            self.views.progress.setRange(0, max(1, event.total))
            self.views.progress.setValue(event.done)
        elif isinstance(event, RunFinished):
            summary = event.summary
            folder = str(summary.get("run_dir") or "")
            label = dry_run_record(folder, summary).label if folder else ""
            self.run_session.finish(event.state, summary, folder, label)
            self.views.panel.finished(f"Run {event.state.value}")
            self.shell.show_status(f"Dry-run {event.state.value}")
            if event.state == NodeState.FAILED:
                self._run_failed = True

    def _on_node_event(self, event: NodeEvent) -> None:
        data = event.data or {}
        self.run_session.update(event.node_id, **changes_from_event(event))
        detail = f" — {event.detail}" if event.detail else ""
        self.views.panel.append(f"[{event.node_name}] {event.state.value}{detail}")
        if event.state == NodeState.FAILED:
            self._run_failed = True
            failure = failure_of(event.detail, data, event.failure)
            self.run_session.update(event.node_id, failure=failure)
            for bar in (self.views.progress, self.views.panel.progress):
                show_progress_failed(bar, True)
            self.shell.show_status(
                f"{event.node_name} failed{detail} (double-click it for details)"
            )

    def _on_run_failed(self, message: str) -> None:
        self.views.panel.append(message)
        self.views.panel.finished("Run could not start")
        self.shell.show_status(message)

    def cancel_current(self) -> None:
        """The run panel's Cancel: stops the dry-run, or stops watching a deployed run."""
        if self.runs.running:
            self.runs.cancel()
        elif self.deploys.running:
            self.deploys.cancel()

    def _on_run_finished(self) -> None:
        # A failed run keeps its red bar in view; a good one hides the status-bar bar.
        self.views.progress.setVisible(self._run_failed)
        self.enable("run", not self.deploys.running)
        self.enable("stop", False)
        self.views.panel.cancel.setEnabled(False)
        if self.views.panel.state.text().startswith("Running"):
            self.views.panel.finished("Run stopped")

    def show_failure(self, node_id: str) -> bool:
        """Show why a dry-run node failed, in the window's Failure panel."""
        run = self.run_session.node(node_id)
        if run.failure is None:
            return False
        name = self.shell.document.pipeline.node(node_id).name
        self.views.failure_panel.show_failure(name, run.failure, run.log)
        dock = self.views.failure_dock
        dock.show()
        dock.raise_()
        return True

    def _reported_error(self, node_id: str) -> dict | None:
        """The runner's typed failure of a node in the run on show, as its report keeps it."""
        record = self.run_session.shown
        nodes = record.report.get("nodes") if record is not None else None
        for entry in nodes if isinstance(nodes, list) else []:
            if isinstance(entry, dict) and entry.get("id") == node_id:
                error = entry.get("error")
                return error if isinstance(error, dict) else None
        return None

    def node_menu(self) -> list[tuple[str, NodeSlot]]:
        """A node's right-click entries for its last run's results."""
        return [
            ("Open Artifact Folder", self.open_artifact_folder),
            ("Open Executed Notebook", self.open_executed_notebook),
        ]

    def open_executed_notebook(self, node_id: str = "") -> bool:
        ids = [node_id] if node_id else self.canvas.selected_ids()
        notebooks = (self.run_session.node(i).notebook for i in ids)
        path = next((p for p in notebooks if p), "")
        if not path:
            self.shell.show_status("Run the pipeline first: no executed notebook for this node")
            return False
        return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(path))

    def open_artifact_folder(self, node_id: str = "") -> bool:
        """Open the folder holding a node's outputs from the run on show, in the file manager."""
        ids = [node_id] if node_id else self.canvas.selected_ids()
        folders = (self.run_session.node(i).folder for i in ids)
        folder = next((f for f in folders if f and Path(f).is_dir()), "")
        if not folder:
            self.shell.show_status("Run the pipeline first: no artifact folder for this node")
            return False
        return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(folder))

    def reopen_run(self, key: str) -> bool:
        """Show an earlier run again: its node states and outputs on the canvas and in Properties."""
        if self.runs.running or self.deploys.running:
            self.shell.show_status("Wait for the current run to finish first")
            return False
        record = next((r for r in self.run_session.runs if r.key == key), None)
        if record is None:
            return False
        results = self.run_session.results_of(key)
        if results is None:
            report = dict(record.report) or (read_report(Path(record.folder)) or {})
            results = results_from_report(report)
        self.run_session.show(key, results)
        self.shell.show_status(f"Showing {record.label}")
        return True


def _log_line(event: LogEvent) -> str:
    return f"[{event.node_name}] {event.text}" if event.node_name else event.text
