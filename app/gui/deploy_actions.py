"""Deploy in the main window: the dialogs, live task states on nodes, failed tasks' logs."""

from __future__ import annotations

import time
from typing import Any

from PySide6 import QtWidgets

from app.deploy.summary import DeploySummary
from app.events import LogEvent, LogLevel, NodeEvent, NodeState, ProgressEvent, RunFinished
from app.gui.deploy_worker import DeployController
from app.gui.run_panel import LogViewer
from graph_editor.run_session import RunKind, RunRecord


class DeployActions:
    """Mixin for ``MainWindow``: Deploy…, Profiles…, and what a deploy shows on the canvas."""

    # provided by MainWindow
    document: Any
    run_session: Any
    canvas: Any
    run_panel: Any
    run_dock: Any
    runs: Any
    validator: Any
    progress: Any
    actions_by_name: dict

    def show_status(self, text: str) -> None: ...

    def _init_deploy(self) -> None:
        self.deploys = DeployController(self)  # type: ignore[arg-type]
        self._deploys_started = 0
        self.deploy_dialog: Any = None
        self.deploys.event.connect(self._on_deploy_event)
        self.deploys.failed.connect(self._on_deploy_failed)
        self.deploys.finished.connect(self._on_deploy_finished)

    def _install_node_menu(self) -> None:
        """Right-click on a node: its task log (after a deploy) and executed notebook (dry-run)."""
        from graph_editor.qt.node_items import NODE_CLASSES

        menu = self.canvas.get_context_menu("nodes")
        for cls in NODE_CLASSES.values():
            menu.add_command(
                "Show Task Log", lambda _g, n: self.show_task_log(n.sid), node_type=cls.type_
            )
            menu.add_command(
                "Open Artifact Folder",
                lambda _g, n: self.open_artifact_folder(n.sid),  # type: ignore[attr-defined]
                node_type=cls.type_,
            )
            menu.add_command(
                "Open Executed Notebook",
                lambda _g, n: self.open_executed_notebook(n.sid),
                node_type=cls.type_,
            )

    # -- dialogs ----------------------------------------------------------------------------
    def open_deploy_dialog(self) -> QtWidgets.QDialog:
        from app.gui.deploy_dialog import DeployDialog

        if self.deploy_dialog is not None:
            self.deploy_dialog.close()
            self.deploy_dialog.deleteLater()
        dialog = DeployDialog(
            lambda: self.document.pipeline,
            self.deploys,
            self,  # type: ignore[arg-type]
            session=self.run_session,
        )
        dialog.deploy_started.connect(self._on_deploy_started)
        self.deploy_dialog = dialog
        dialog.show()
        return dialog

    def open_profiles(self) -> QtWidgets.QDialog:
        from app.gui.profiles_dialog import ProfilesDialog

        dialog = ProfilesDialog(self)  # type: ignore[arg-type]
        if self.deploy_dialog is not None:
            dialog.profiles_changed.connect(lambda: self.deploy_dialog.load_profiles())
        dialog.open()
        return dialog

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
        self.run_dock.show()
        self.run_dock.raise_()
        self.run_panel.started(5, "Deploying…", "steps")
        self.run_panel.cancel.setEnabled(bool(options.wait))
        self.actions_by_name["deploy"].setEnabled(False)
        self.actions_by_name["run"].setEnabled(False)
        self.show_status("Deploy started")

    def _on_deploy_event(self, event: object) -> None:
        if isinstance(event, NodeEvent):
            self.run_session.update(event.node_id, state=event.state, detail=event.detail)
            self.run_panel.append(f"[{event.node_name}] {event.detail or event.state.value}")
            if event.state == NodeState.FAILED:
                self.show_status(f"{event.node_name} failed on Airflow")
        elif isinstance(event, LogEvent):
            if event.level == LogLevel.ERROR and event.node_id:
                self.run_session.update(event.node_id, task_log=event.text)
                self.run_panel.append(
                    f"[{event.node_name}] task log (double-click the node to open it):"
                )
            prefix = f"[{event.node_name}] " if event.node_name else ""
            self.run_panel.append(prefix + event.text)
        elif isinstance(event, ProgressEvent):
            unit = "tasks" if event.phase == "running" else "steps"
            self.run_panel.set_progress(event.done, event.total, unit)
            if event.phase and event.phase != "running":
                self.run_panel.state.setText(f"Deploying: {event.phase}")
            elif event.phase == "running":
                self.run_panel.state.setText("Airflow run…")
        elif isinstance(event, RunFinished):
            run = event.report.run if isinstance(event.report, DeploySummary) else None
            text = f"Airflow run {event.state.value}" if run else f"Deploy {event.state.value}"
            if run:
                label = f"Airflow run {time.strftime('%H:%M:%S')} — {event.state.value}"
                self.run_session.finish(event.state, event.summary, label=label)
            self.run_panel.finished(text)
            self.show_status(text)

    def _on_deploy_failed(self, message: str, details: str) -> None:
        if details:
            self.run_panel.append(details)
        self.run_panel.append(message)
        self.run_panel.finished("Deploy failed")
        self.show_status(message)

    def _on_deploy_finished(self) -> None:
        self.actions_by_name["deploy"].setEnabled(True)
        self.actions_by_name["run"].setEnabled(not self.runs.running)
        self.run_panel.cancel.setEnabled(False)

    # -- failed task logs -------------------------------------------------------------------
    def show_task_log(self, node_id: str = "") -> QtWidgets.QDialog | None:
        """Open a failed task's log (from the last deploy's run) in a viewer."""
        ids = [node_id] if node_id else self.canvas.selected_ids()
        session = self.run_session
        found = next((i for i in ids if session.node(i).task_log), "")
        if not found:
            self.show_status(
                "No task log for this node: only failed tasks of a deployed run have one"
            )
            return None
        try:
            name = self.document.pipeline.node(found).name
        except Exception:  # the node was deleted since the run: its log is still worth showing
            name = found
        viewer = LogViewer(f"Airflow log of {name}", session.node(found).task_log, self)  # type: ignore[arg-type]
        viewer.show()
        return viewer
