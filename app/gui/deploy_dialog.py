"""The deploy dialog: pick a profile, optionally trigger a run with parameter values, deploy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from app import settings
from app.deploy.summary import DeploySummary
from app.events import LogEvent, ProgressEvent, RunFinished, RunState
from app.gui.deploy_worker import DeployController, one_line
from graph_editor.errors import StitchboardError
from graph_editor.nodes import PipelineParameter
from graph_editor.pipeline import Pipeline
from graph_editor.run_session import RunKind, RunSession
from graph_editor.types import PortType, coerce_text

ERROR_COLOR, OK_COLOR = "#ef5350", "#66bb6a"
INT_LIMIT = 2**31 - 1


class FloatSpin(QtWidgets.QDoubleSpinBox):
    """A float editor that shows 0.6, not 0.600000."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt calls this
        return f"{value:.{self.decimals()}f}".rstrip("0").rstrip(".") or "0"


class ParameterEditors(QtWidgets.QWidget):
    """One typed editor per pipeline parameter, filled with its default."""

    def __init__(
        self,
        parameters: tuple[PipelineParameter, ...] | list[PipelineParameter],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.parameters = list(parameters)
        self.editors: dict[str, QtWidgets.QWidget] = {}
        form = QtWidgets.QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        if not self.parameters:
            form.addRow(QtWidgets.QLabel("This pipeline has no parameters."))
        for param in self.parameters:
            editor = self._editor(param)
            editor.setObjectName(f"param_{param.name}")
            editor.setToolTip(param.description or f"{param.name} ({param.type.value})")
            self.editors[param.name] = editor
            form.addRow(f"{param.name} ({param.type.value})", editor)

    @staticmethod
    def _editor(param: PipelineParameter) -> QtWidgets.QWidget:
        default = param.default
        if param.type == PortType.INT:
            spin = QtWidgets.QSpinBox()
            spin.setRange(-INT_LIMIT, INT_LIMIT)
            spin.setValue(int(default or 0))
            return spin
        if param.type == PortType.FLOAT:
            dspin = FloatSpin()
            dspin.setRange(-1e12, 1e12)
            dspin.setDecimals(6)
            dspin.setValue(float(default or 0.0))
            return dspin
        if param.type == PortType.BOOL:
            return QtWidgets.QCheckBox(checked=bool(default))
        edit = QtWidgets.QLineEdit()
        if default is not None:
            import json

            edit.setText(
                default
                if param.type == PortType.STR and isinstance(default, str)
                else json.dumps(default)
            )
        return edit

    def values(self) -> dict[str, Any]:
        """The typed values; ``ValueError`` names the parameter whose text does not fit."""
        out: dict[str, Any] = {}
        for param in self.parameters:
            editor = self.editors[param.name]
            if isinstance(editor, QtWidgets.QSpinBox | QtWidgets.QDoubleSpinBox):
                out[param.name] = editor.value()
            elif isinstance(editor, QtWidgets.QCheckBox):
                out[param.name] = editor.isChecked()
            elif isinstance(editor, QtWidgets.QLineEdit):
                text = editor.text()
                if not text.strip() and param.type != PortType.STR:
                    continue
                try:
                    out[param.name] = coerce_text(text, param.type)
                except ValueError as exc:
                    raise ValueError(f"parameter {param.name}: {exc}") from exc
        return out


class DeployDialog(QtWidgets.QDialog):
    """Deploy the open pipeline to a cluster profile; events also reach the main window."""

    deploy_started = QtCore.Signal(object)  # DeployOptions

    def __init__(
        self,
        pipeline: Callable[[], Pipeline],
        controller: DeployController,
        parent: QtWidgets.QWidget | None = None,
        session: RunSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Deploy to Airflow")
        self.setObjectName("deployDialog")
        self.pipeline_of = pipeline
        self.controller = controller
        self.profiles: dict[str, settings.Profile] = {}
        self.profile = QtWidgets.QComboBox(objectName="deployProfile")
        self.profile.currentTextChanged.connect(self._show_profile)
        manage = QtWidgets.QPushButton("Profiles…")
        manage.clicked.connect(self.open_profiles)
        self.where = QtWidgets.QLabel(objectName="deployWhere", wordWrap=True)
        self.where.setStyleSheet("color: #8e97a4;")
        self.trigger = QtWidgets.QCheckBox("Trigger a run after deploying and show its task states")
        self.trigger.setChecked(True)
        self.params = ParameterEditors(pipeline().settings.parameters)
        self.params_box = QtWidgets.QGroupBox("Run parameters")
        QtWidgets.QVBoxLayout(self.params_box).addWidget(self.params)
        self.trigger.toggled.connect(self.params_box.setEnabled)
        self.progress = QtWidgets.QProgressBar(objectName="deployProgress")
        self.progress.setRange(0, 5)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.status = QtWidgets.QLabel("Ready.", objectName="deployStatus", wordWrap=True)
        self.status.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.deploy_button = QtWidgets.QPushButton(
            "Deploy", default=True, objectName="deployButton"
        )
        self.stop_button = QtWidgets.QPushButton("Stop Watching")
        self.stop_button.setEnabled(False)
        close = QtWidgets.QPushButton("Close")
        self.deploy_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(controller.cancel)
        close.clicked.connect(self.close)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Profile"))
        top.addWidget(self.profile, 1)
        top.addWidget(manage)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.stop_button, self.deploy_button, close):
            buttons.addWidget(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.where)
        layout.addWidget(self.trigger)
        layout.addWidget(self.params_box)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.tasks = QtWidgets.QLabel(objectName="deployTasks", wordWrap=True)
        layout.addWidget(self.tasks)
        layout.addLayout(buttons)
        controller.event.connect(self._on_event)
        controller.failed.connect(self._on_failed)
        controller.finished.connect(self._on_finished)
        self.resize(580, 360)
        self.session = session
        if session is not None:  # the triggered run's task states, as the canvas shows them
            session.node_changed.connect(self._on_task_changed)
            session.reset.connect(self._on_task_changed)
            self.destroyed.connect(lambda *_: self._forget_session())
        self.load_profiles()

    def _forget_session(self) -> None:
        if self.session is not None:
            self.session.node_changed.disconnect(self._on_task_changed)
            self.session.reset.disconnect(self._on_task_changed)

    def _on_task_changed(self, _what: object = None) -> None:
        """One line of task counts from the run session (only while a deployed run is shown)."""
        try:
            self._show_task_counts()
        except RuntimeError:  # the dialog's widgets are gone (deleted before it heard)
            self._forget_session()

    def _show_task_counts(self) -> None:
        shown = self.session.shown if self.session is not None else None
        if self.session is None or shown is None or shown.kind != RunKind.DEPLOYED:
            self.tasks.setText("")
            return
        counts: dict[str, int] = {}
        for node_id in self.session.node_ids():
            state = self.session.state(node_id)
            if state is not None:
                counts[state.value] = counts.get(state.value, 0) + 1
        text = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        self.tasks.setText(f"Tasks: {text}" if text else "")

    # -- profiles ---------------------------------------------------------------------------
    def load_profiles(self, select: str = "") -> None:
        try:
            loaded = settings.load()
        except StitchboardError as exc:
            self.say(one_line(exc), error=True)
            return
        self.profiles = dict(loaded.profiles)
        current = select or self.profile.currentText() or loaded.default_profile
        self.profile.blockSignals(True)
        self.profile.clear()
        self.profile.addItems(sorted(self.profiles))
        self.profile.blockSignals(False)
        if current in self.profiles:
            self.profile.setCurrentText(current)
        self._show_profile(self.profile.currentText())
        self.deploy_button.setEnabled(bool(self.profiles) and not self.controller.running)

    def _show_profile(self, name: str) -> None:
        p = self.profiles.get(name)
        if p is None:
            self.where.setText(
                "No profile yet: add one with Profiles… (or run "
                "'stitchboard airflow-local start' for a local Airflow)."
            )
            return
        target = p.target.describe().replace(str(Path.home()), "~")
        self.where.setText(f"{p.api_base} · {p.backend} backend · {target}")

    def open_profiles(self) -> QtWidgets.QDialog:
        from app.gui.profiles_dialog import ProfilesDialog

        dialog = ProfilesDialog(self)
        dialog.profiles_changed.connect(lambda: self.load_profiles())
        dialog.finished.connect(lambda _r: self.load_profiles())
        dialog.open()
        return dialog

    # -- deploying --------------------------------------------------------------------------
    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(
            f"color: {ERROR_COLOR};" if error else f"color: {OK_COLOR};" if ok else ""
        )

    def options(self) -> Any:
        from app.deploy import DeployOptions

        triggered = self.trigger.isChecked()
        params = self.params.values() if triggered else {}
        return DeployOptions(trigger=triggered, wait=triggered, params=params)

    def start(self) -> bool:
        """Deploy the pipeline as it is now (a snapshot) to the chosen profile."""
        profile = self.profiles.get(self.profile.currentText())
        if profile is None:
            self.say("Pick a profile first (Profiles… adds one).", error=True)
            return False
        try:
            options = self.options()
        except ValueError as exc:
            self.say(str(exc), error=True)
            return False
        if self.controller.running:
            self.say("A deploy is already running.", error=True)
            return False
        self.deploy_started.emit(options)
        self.controller.start(self.pipeline_of(), profile, options)
        self.deploy_button.setEnabled(False)
        self.stop_button.setEnabled(options.wait)
        self.progress.setRange(0, 5)
        self.progress.setValue(0)
        self.say(f"Deploying to {profile.name} …")
        return True

    def _on_event(self, event: object) -> None:
        if isinstance(event, ProgressEvent):
            self.progress.setRange(0, max(1, event.total))
            self.progress.setValue(event.done)
            if event.phase == "running":
                self.say(f"Run: {event.done} of {event.total} tasks finished")
            elif event.phase:
                self.say(f"Deploying: {event.phase} ({event.done}/{event.total})")
        elif isinstance(event, LogEvent) and event.text.startswith("triggered run"):
            self.say(event.text.capitalize())
        elif isinstance(event, RunFinished):
            summary = event.report if isinstance(event.report, DeploySummary) else None
            dag = summary.dag_id if summary else "the DAG"
            if summary is not None and summary.run is not None:
                failed = ", ".join(summary.run.failed)
                text = f"Run {event.state.value}" + (f" (failed: {failed})" if failed else "")
                self.say(
                    f"Deployed {dag}. {text}.",
                    error=event.state == RunState.FAILED,
                    ok=event.state == RunState.SUCCEEDED,
                )
            elif event.state == RunState.CANCELLED:
                self.say(f"Deployed {dag}; stopped watching the run.")
            else:
                self.say(
                    f"Deployed {dag} to {summary.profile if summary else ''}: live and unpaused.",
                    ok=True,
                )

    def _on_failed(self, message: str, _details: str) -> None:
        self.say(message, error=True)

    def _on_finished(self) -> None:
        self.deploy_button.setEnabled(bool(self.profiles))
        self.stop_button.setEnabled(False)
