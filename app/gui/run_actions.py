"""The dry-run in the main window: start, progress, cancel, and the panel of a failed node."""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from app.events import LogEvent, NodeEvent, NodeState, ProgressEvent, RunFinished
from app.gui.failure_panel import FailurePanel, NodeFailure, read_failure
from app.gui.guard import report

NO_DOCUMENT = "Open or create a pipeline first"
_FAILED_CHUNK = "QProgressBar::chunk { background: #c94f4f; }"


def show_progress_failed(bar: QtWidgets.QProgressBar, failed: bool) -> None:
    """Paint a progress bar red with 'failed' in it (or back to normal)."""
    bar.setProperty("failed", failed)
    bar.setStyleSheet(_FAILED_CHUNK if failed else "")
    if failed:
        bar.setFormat("failed — %v / %m nodes")


class RunActions:
    """Mixin for ``MainWindow``: F5, Shift+F5, run events on the canvas and in the Run panel."""

    # provided by MainWindow
    document: Any
    canvas: Any
    runs: Any
    deploys: Any
    run_panel: Any
    run_dock: Any
    progress: QtWidgets.QProgressBar
    actions_by_name: dict

    on_start_page: bool

    def show_status(self, text: str) -> None: ...

    def _init_runs(self) -> None:
        self.node_notebooks: dict[str, str] = {}
        self.node_failures: dict[str, NodeFailure] = {}
        self.node_run_logs: dict[str, str] = {}  # node id -> its log file in the run folder
        self.failure_panel = FailurePanel()
        self._run_failed = False

    def start_run(self, only: tuple[str, ...] = (), from_node: str | None = None) -> bool:
        """Dry-run the open pipeline (or part of it); False, with the reason shown, if it cannot."""
        if self.runs.running:
            return False
        if self.deploys.running:
            self.show_status("A deploy is running: wait for it (or stop watching its run) first")
            return False
        pipeline = self.document.pipeline
        if self.on_start_page or (self.document.path is None and not len(pipeline)):
            self.show_status(NO_DOCUMENT)
            return False
        self.canvas.clear_run_states()
        self.node_notebooks.clear()
        self.node_failures.clear()
        self.node_run_logs.clear()
        self._run_failed = False
        self.run_dock.show()
        self.run_dock.raise_()
        self.run_panel.started(len(pipeline))
        for bar in (self.progress, self.run_panel.progress):
            show_progress_failed(bar, False)
        self.progress.setRange(0, max(1, len(pipeline)))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.actions_by_name["run"].setEnabled(False)
        self.actions_by_name["stop"].setEnabled(True)
        try:
            self.runs.start(pipeline, only=only, from_node=from_node)
        except Exception as exc:  # a run that cannot start must not leave "Running…"
            self._on_run_failed(report(self, "Dry-run", exc))  # type: ignore[arg-type]
            self._on_run_finished()
            return False
        self.show_status("Dry-run started")
        return True

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, NodeEvent):
            self._on_node_event(event)
        elif isinstance(event, LogEvent):
            self.run_panel.append(_log_line(event))
        elif isinstance(event, ProgressEvent):
            self.run_panel.set_progress(event.done, event.total)
            self.progress.setRange(0, max(1, event.total))
            self.progress.setValue(event.done)
        elif isinstance(event, RunFinished):
            self.run_panel.finished(f"Run {event.state.value}")
            self.show_status(f"Dry-run {event.state.value}")
            if event.state == NodeState.FAILED:
                self._run_failed = True

    def _on_node_event(self, event: NodeEvent) -> None:
        self.canvas.set_run_state(event.node_id, event.state)
        data = event.data or {}
        if data.get("notebook"):
            self.node_notebooks[event.node_id] = str(data["notebook"])
        if data.get("log"):
            self.node_run_logs[event.node_id] = str(data["log"])
        detail = f" — {event.detail}" if event.detail else ""
        self.run_panel.append(f"[{event.node_name}] {event.state.value}{detail}")
        if event.state == NodeState.FAILED:
            self._run_failed = True
            self.node_failures[event.node_id] = read_failure(
                event.node_name,
                event.detail,
                str(data.get("notebook") or ""),
                str(data.get("log") or ""),
            )
            for bar in (self.progress, self.run_panel.progress):
                show_progress_failed(bar, True)
            self.show_status(f"{event.node_name} failed{detail} (double-click it for details)")

    def _on_run_failed(self, message: str) -> None:
        self.run_panel.append(message)
        self.run_panel.finished("Run could not start")
        self.show_status(message)

    def cancel_current(self) -> None:
        """The run panel's Cancel: stops the dry-run, or stops watching a deployed run."""
        if self.runs.running:
            self.runs.cancel()
        elif self.deploys.running:
            self.deploys.cancel()

    def _on_run_finished(self) -> None:
        # A failed run keeps its red bar in view; a good one hides the status-bar bar.
        self.progress.setVisible(self._run_failed)
        self.actions_by_name["run"].setEnabled(not self.deploys.running)
        self.actions_by_name["stop"].setEnabled(False)
        self.run_panel.cancel.setEnabled(False)
        if self.run_panel.state.text().startswith("Running"):
            self.run_panel.finished("Run stopped")

    def show_failure(self, node_id: str) -> bool:
        """Show why a dry-run node failed, in the window's Failure panel."""
        failure = self.node_failures.get(node_id)
        if failure is None:
            return False
        self.failure_panel.show_failure(failure)
        dock = self.failure_dock  # type: ignore[attr-defined]
        dock.show()
        dock.raise_()
        return True

    def open_executed_notebook(self, node_id: str = "") -> bool:
        from PySide6 import QtGui

        ids = [node_id] if node_id else self.canvas.selected_ids()
        path = next((self.node_notebooks[i] for i in ids if i in self.node_notebooks), "")
        if not path:
            self.show_status("Run the pipeline first: no executed notebook for this node")
            return False
        return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(path))


def _log_line(event: LogEvent) -> str:
    return f"[{event.node_name}] {event.text}" if event.node_name else event.text
