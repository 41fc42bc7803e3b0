"""The pipeline's own settings: name, DAG id, schedule, defaults and pipeline parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from Qt import QtWidgets

from graph_editor.changes import PipelineChange, SettingsChanged
from graph_editor.nodes import PipelineParameter
from graph_editor.pipeline import Pipeline
from graph_editor.qt.commands import UpdateSettingsCommand
from graph_editor.qt.forms import Form, section
from graph_editor.qt.inputs_editor import value_text
from graph_editor.qt.tables import RowTable
from graph_editor.types import PortType, coerce_text


def _attr(field: str) -> tuple[Callable, Callable]:
    return (lambda s: getattr(s, field), lambda s, v: {field: v})


class PipelinePanel(QtWidgets.QScrollArea):
    """Settings that become the Airflow DAG's arguments, and the typed pipeline parameters."""

    def __init__(
        self,
        push: Callable[[QtWidgets.QUndoCommand], None],
        on_status: Callable[[str], None],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pipelinePanel")
        self.setWidgetResizable(True)
        self.push, self.on_status = push, on_status
        self.pipeline: Pipeline | None = None
        body = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(body)
        title = QtWidgets.QLabel("Pipeline")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        box, form = section("DAG")
        self.form = Form(form, self._change)
        self.form.line("Name", *_attr("name"))
        self.form.line("Description", *_attr("description"))
        self.form.line("DAG id", *_attr("dag_id"))
        self.form.line(
            "Schedule",
            *_attr("schedule"),
            placeholder="cron, @daily… or empty",
            tooltip="a cron expression (5 fields) or a preset such as @daily; empty: manual only",
        )
        self.form.line("Start date", *_attr("start_date"), placeholder="YYYY-MM-DD")
        self.form.check("Catch up", *_attr("catchup"))
        self.form.line(
            "Tags",
            lambda s: ", ".join(s.tags),
            lambda s, v: {"tags": tuple(t.strip() for t in v.split(",") if t.strip())},
            placeholder="comma separated",
        )
        self.form.line("Owner", *_attr("owner"))
        layout.addWidget(box)
        box, form = section("Defaults")
        self.defaults = Form(form, self._change)
        self.defaults.line("Image", *_attr("default_image"))
        self.defaults.line("Namespace", *_attr("namespace"))
        self.defaults.spin("Retries", *_attr("default_retries"), maximum=100)
        self.defaults.spin(
            "Retry delay", *_attr("retry_delay_seconds"), maximum=86400, tooltip="seconds"
        )
        self.defaults.spin("Max active runs", *_attr("max_active_runs"), minimum=1, maximum=1000)
        layout.addWidget(box)
        box, form = section("Parameters")
        self.params = RowTable(
            ["Name", "Type", "Default", "Description"],
            self._commit_params,
            [
                "a Python identifier",
                " / ".join(t.value for t in PortType),
                "JSON for lists and dicts",
                "",
            ],
        )
        form.addRow(self.params)
        layout.addWidget(box)
        layout.addStretch(1)
        self.setWidget(body)

    def show_pipeline(self, pipeline: Pipeline) -> None:
        if self.pipeline is not pipeline:
            if self.pipeline is not None:
                self.pipeline.changed.disconnect(self._on_change)
            pipeline.changed.connect(self._on_change)
            self.pipeline = pipeline
        self.refresh()

    def _on_change(self, change: PipelineChange) -> None:
        if isinstance(change, SettingsChanged):
            self.refresh()

    def refresh(self) -> None:
        if self.pipeline is None:
            return
        settings = self.pipeline.settings
        self.form.show(settings)
        self.defaults.show(settings)
        self.params.set_rows(
            [
                [p.name, p.type.value, value_text(p.default, p.type), p.description]
                for p in settings.parameters
            ]
        )

    def _change(self, changes: dict[str, Any], text: str) -> None:
        if self.pipeline is not None:
            self.push(UpdateSettingsCommand(self.pipeline, changes, text=f"pipeline: {text}"))

    def _commit_params(self, rows: list[list[str]]) -> None:
        params = []
        for name, type_text, default_text, description in rows:
            try:
                ptype = PortType(type_text or PortType.STR.value)
            except ValueError:
                self.on_status(
                    f"parameter {name}: type must be one of {', '.join(t.value for t in PortType)}"
                )
                return
            try:
                default = coerce_text(default_text, ptype) if default_text else None
            except ValueError as exc:
                self.on_status(f"parameter {name}: {exc}")
                return
            params.append(PipelineParameter(name, ptype, default, description))
        if self.pipeline is not None and tuple(params) != self.pipeline.settings.parameters:
            self._change({"parameters": tuple(params)}, "set parameters")
