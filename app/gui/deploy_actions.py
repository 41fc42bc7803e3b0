"""Deploy in the main window: the dialogs, live task states on nodes, failed tasks' logs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets

from app.deploy.summary import DeploySummary
from app.events import LogEvent, LogLevel, NodeEvent, NodeState, ProgressEvent, RunFinished
from app.gui.deploy_worker import DeployController
from app.gui.dryrun import RunController
from app.gui.issues import Validator
from app.gui.node_actions import NodeSlot
from app.gui.run_actions import RunViews
from app.gui.run_panel import LogViewer
from app.gui.shell import Shell
from graph_editor.qt.canvas import PipelineCanvas
from graph_editor.run_session import RunKind, RunRecord, RunSession

if TYPE_CHECKING:  # the dialog module loads on first use
    from app.gui.deploy_dialog import DeployDialog


class DeployService:
    """Deploy…, Profiles…, and what a deploy shows on the canvas; the window's ``deploying``."""

    def __init__(
        self,
        shell: Shell,
        session: RunSession,
        deploys: DeployController,
        runs: RunController,
        views: RunViews,
        canvas: PipelineCanvas,
        validator: Validator,
        enable: Callable[[str, bool], None],
    ) -> None:
        self.shell = shell
        self.run_session = session
        self.deploys = deploys
        self.runs = runs  # Run stays off while a dry-run goes on
        self.views = views
        self.canvas = canvas
        self.validator = validator  # follows the backend last deployed with
        self.enable = enable  # enable(action name, on): the window's Deploy/Run actions
        self._deploys_started = 0
        self.deploy_dialog: DeployDialog | None = None
        deploys.event.connect(self._on_deploy_event)
        deploys.failed.connect(self._on_deploy_failed)
        deploys.finished.connect(self._on_deploy_finished)

    def node_menu(self) -> list[tuple[str, NodeSlot]]:
        """A node's right-click entry for its task log (after a deploy)."""
        return [("Show Task Log", self.show_task_log)]

    # -- dialogs ----------------------------------------------------------------------------
    def open_deploy_dialog(self) -> QtWidgets.QDialog:
        from app.gui.deploy_dialog import DeployDialog

        if self.deploy_dialog is not None:
            self.deploy_dialog.close()
            self.deploy_dialog.deleteLater()
        dialog = DeployDialog(
            lambda: self.shell.document.pipeline,
            self.deploys,
            self.shell.widget,
            session=self.run_session,
        )
        dialog.deploy_started.connect(self._on_deploy_started)
        self.deploy_dialog = dialog
        dialog.show()
        return dialog

    def open_profiles(self) -> QtWidgets.QDialog:
        from app.gui.profiles_dialog import ProfilesDialog

        dialog = ProfilesDialog(self.shell.widget)
        if self.deploy_dialog is not None:
            dialog.profiles_changed.connect(self._reload_profiles)
        dialog.open()
        return dialog

    def _reload_profiles(self) -> None:
        """The open deploy dialog lists the profiles anew (one was added, edited or removed)."""
        if self.deploy_dialog is not None:
            self.deploy_dialog.load_profiles()

    # -- events -----------------------------------------------------------------------------
    def _on_deploy_started(self, options: Any) -> None:
        dialog = self.deploy_dialog
        profile = dialog.profiles.get(dialog.profile.currentText()) if dialog else None
        if profile is not None:  # the Problems panel checks the backend last deployed with
            self.validator.set_backend(profile.backend)
        if options.trigger:
            self._deploys_started += 1
            self.run_session.begin(
                RunRecord(
                    key=f"session-deploy-{self._deploys_started}",
                    kind=RunKind.DEPLOYED,
                    label=f"Airflow run {time.strftime('%H:%M:%S')} (running)",
                )
            )
        self.views.dock.show()
        self.views.dock.raise_()
        self.views.panel.started(5, "Deploying…", "steps")
        self.views.panel.cancel.setEnabled(bool(options.wait))
        self.enable("deploy", False)
        self.enable("run", False)
        self.shell.show_status("Deploy started")

    def _on_deploy_event(self, event: object) -> None:
        if isinstance(event, NodeEvent):
            self.run_session.update(event.node_id, state=event.state, detail=event.detail)
            self.views.panel.append(f"[{event.node_name}] {event.detail or event.state.value}")
            if event.state == NodeState.FAILED:
                self.shell.show_status(f"{event.node_name} failed on Airflow")
        elif isinstance(event, LogEvent):
            if event.level == LogLevel.ERROR and event.node_id:
                self.run_session.update(event.node_id, task_log=event.text)
                self.views.panel.append(
                    f"[{event.node_name}] task log (double-click the node to open it):"
                )
            prefix = f"[{event.node_name}] " if event.node_name else ""
            self.views.panel.append(prefix + event.text)
        elif isinstance(event, ProgressEvent):
            unit = "tasks" if event.phase == "running" else "steps"
            self.views.panel.set_progress(event.done, event.total, unit)
            if event.phase and event.phase != "running":
                self.views.panel.state.setText(f"Deploying: {event.phase}")
            elif event.phase == "running":
                self.views.panel.state.setText("Airflow run…")
        elif isinstance(event, RunFinished):
            run = event.report.run if isinstance(event.report, DeploySummary) else None
            text = f"Airflow run {event.state.value}" if run else f"Deploy {event.state.value}"
            if run:
                label = f"Airflow run {time.strftime('%H:%M:%S')} — {event.state.value}"
                self.run_session.finish(event.state, event.summary, label=label)
            self.views.panel.finished(text)
            self.shell.show_status(text)

    def _on_deploy_failed(self, message: str, details: str) -> None:
        if details:
            self.views.panel.append(details)
        self.views.panel.append(message)
        self.views.panel.finished("Deploy failed")
        self.shell.show_status(message)

    def _on_deploy_finished(self) -> None:
        self.enable("deploy", True)
        self.enable("run", not self.runs.running)
        self.views.panel.cancel.setEnabled(False)

    # -- failed task logs -------------------------------------------------------------------
    def show_task_log(self, node_id: str = "") -> QtWidgets.QDialog | None:
        """Open a failed task's log (from the last deploy's run) in a viewer."""
        ids = [node_id] if node_id else self.canvas.selected_ids()
        session = self.run_session
        found = next((i for i in ids if session.node(i).task_log), "")
        if not found:
            self.shell.show_status(
                "No task log for this node: only failed tasks of a deployed run have one"
            )
            return None
        try:
            name = self.shell.document.pipeline.node(found).name
        except Exception:  # the node was deleted since the run: its log is still worth showing
            name = found
        viewer = LogViewer(
            f"Airflow log of {name}", session.node(found).task_log, self.shell.widget
        )
        viewer.show()
        return viewer
