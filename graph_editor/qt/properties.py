"""The properties panel: the selected node's settings, or the pipeline's when none is selected.

Every edit becomes an undo command (pushed through ``push``); the panel refreshes from model
events, so undo/redo and canvas edits show here too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from Qt import QtCore, QtWidgets

from graph_editor.build import relative_source, task_name
from graph_editor.changes import NodeRemoved, PipelineChange, SettingsChanged, touches_node
from graph_editor.nodes import NodeKind, SecretRef, SecretSource, TFStrategy
from graph_editor.pipeline import Pipeline
from graph_editor.placement import has_default_name
from graph_editor.port_edits import declares_ports
from graph_editor.qt.commands import UpdateNodeCommand
from graph_editor.qt.forms import Form, section
from graph_editor.qt.inputs_editor import InputsEditor
from graph_editor.qt.last_run import LastRunBox
from graph_editor.qt.pipeline_panel import PipelinePanel
from graph_editor.qt.script_ports import ScriptPortsEditor
from graph_editor.qt.style import KIND_LABELS
from graph_editor.qt.tables import RowTable
from graph_editor.run_session import RunSession


def _res(field: str) -> tuple[Callable, Callable]:
    return (
        lambda n: getattr(n.resources, field),
        lambda n, v: {"resources": dataclasses.replace(n.resources, **{field: v})},
    )


def _dist(field: str) -> tuple[Callable, Callable]:
    return (
        lambda n: getattr(n.distributed, field),
        lambda n, v: {"distributed": dataclasses.replace(n.distributed, **{field: v})},
    )


def _spark(field: str) -> tuple[Callable, Callable]:
    return (
        lambda n: getattr(n.spark, field),
        lambda n, v: {"spark": dataclasses.replace(n.spark, **{field: v})},
    )


def _attr(field: str) -> tuple[Callable, Callable]:
    return (lambda n: getattr(n, field), lambda n, v: {field: v})


class NodePanel(QtWidgets.QScrollArea):
    """Every setting of one node, grouped; edits go through ``UpdateNodeCommand``."""

    def __init__(
        self,
        push: Callable[[QtWidgets.QUndoCommand], None],
        on_status: Callable[[str], None],
        parent: QtWidgets.QWidget | None = None,
        session: RunSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("nodePanel")
        self.setWidgetResizable(True)
        self.push, self.on_status = push, on_status
        self.pipeline: Pipeline | None = None
        self.node_id = ""
        body = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(body)
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("panelTitle")
        layout.addWidget(self.title)
        self.last_run = LastRunBox(session or RunSession())
        layout.addWidget(self.last_run)

        box, form = section("Task")
        self.form = Form(form, self._change)
        self.name_edit = self.form.line("Name", *_attr("name"), tooltip="the Airflow task id")
        self.form.combo("Kind", *_attr("kind"), items=[(KIND_LABELS[k], k) for k in NodeKind])
        self.source_edit = self.form.line(
            "Source",
            lambda n: n.source,
            lambda n, v: self._source_changes(v),
            placeholder="notebook.ipynb or job.py",
            tooltip="relative to the pipeline file",
        )
        browse = QtWidgets.QPushButton("Choose…")
        browse.clicked.connect(self._choose_source)
        form.addRow("", browse)
        self.form.line("Description", *_attr("description"))
        self.form.line("Kernel", *_attr("kernel"), placeholder="the notebook's own kernel")
        self.form.line("Image", *_attr("image"), placeholder="the pipeline's default image")
        self.form.line("Pool", *_attr("pool"), placeholder="default pool")
        self.form.spin("Retries", *_attr("retries"), special="pipeline default", maximum=100)
        self.form.spin(
            "Timeout",
            lambda n: n.timeout_seconds,
            lambda n, v: {"timeout_seconds": v or None},
            special="none",
            minimum=1,
            tooltip="seconds; 'none' means no timeout",
        )
        layout.addWidget(box)

        box, form = section("Resources")
        self.res_form = Form(form, self._change)
        self.res_form.line("CPU", *_res("cpu"), placeholder="e.g. 500m or 2")
        self.res_form.line("Memory", *_res("memory"), placeholder="e.g. 2Gi")
        self.res_form.spin("GPUs", *_res("gpu"), maximum=64)
        self.res_form.line("CPU limit", *_res("cpu_limit"))
        self.res_form.line("Memory limit", *_res("memory_limit"))
        layout.addWidget(box)

        self.dist_box, form = section("Distributed")
        self.dist_form = Form(form, self._change)
        self.dist_form.spin("Workers", *_dist("workers"), minimum=1, maximum=512)
        self.dist_form.spin("GPUs per worker", *_dist("gpus_per_worker"), maximum=16)
        self.strategy = self.dist_form.combo(
            "Strategy",
            *_dist("strategy"),
            items=[(s.value.replace("_", " "), s) for s in TFStrategy],
        )
        layout.addWidget(self.dist_box)

        self.spark_box, form = section("Spark")
        self.spark_form = Form(form, self._change)
        self.spark_form.spin(
            "Executors",
            *_spark("executors"),
            minimum=1,
            maximum=1000,
            tooltip="executor pods on Kubernetes; locally executors x cores threads",
        )
        self.spark_form.spin("Executor cores", *_spark("executor_cores"), minimum=1, maximum=64)
        self.spark_form.line("Executor memory", *_spark("executor_memory"), placeholder="e.g. 2g")
        self.spark_form.line("Driver memory", *_spark("driver_memory"), placeholder="e.g. 1g")
        self.spark_form.line(
            "Service account",
            *_spark("service_account"),
            placeholder="the namespace's default",
            tooltip="Kubernetes service account of the driver pod: it creates the executor pods",
        )
        self.spark_form.line(
            "Executor image", *_spark("executor_image"), placeholder="the node's image"
        )
        layout.addWidget(self.spark_box)

        self.ports_box, form = section("Ports")
        self.script_ports = ScriptPortsEditor(self._change, on_status)
        form.addRow(self.script_ports)
        layout.addWidget(self.ports_box)

        box, form = section("Inputs")
        self.inputs = InputsEditor(self._change, on_status)
        form.addRow(self.inputs)
        layout.addWidget(box)

        box, form = section("Environment")
        self.env = RowTable(["Variable", "Value"], self._commit_env)
        form.addRow(self.env)
        layout.addWidget(box)

        box, form = section("Secrets (references only)")
        self.secrets = RowTable(
            ["Variable", "Source", "Name", "Key"],
            self._commit_secrets,
            [
                "environment variable in the task",
                "kubernetes or airflow_connection",
                "Kubernetes Secret name or Airflow connection id",
                "key inside the Kubernetes Secret",
            ],
        )
        form.addRow(self.secrets)
        layout.addWidget(box)
        layout.addStretch(1)
        self.setWidget(body)

    def commit_pending(self) -> None:
        """Commit a half-typed field to the node it was typed for (before selection changes)."""
        commit_focused(self)

    def show_node(self, pipeline: Pipeline, node_id: str) -> None:
        if node_id != self.node_id:
            self.commit_pending()
        if self.pipeline is not pipeline:
            if self.pipeline is not None:
                self.pipeline.changed.disconnect(self._on_change)
            pipeline.changed.connect(self._on_change)
            self.pipeline = pipeline
        self.node_id = node_id
        self.last_run.show_node(node_id)
        self.refresh()

    def _on_change(self, change: PipelineChange) -> None:
        if not self.node_id:
            return
        if touches_node(change, self.node_id) or isinstance(change, SettingsChanged):
            if self.pipeline is not None and self.pipeline.has_node(self.node_id):
                self.refresh()

    def refresh(self) -> None:
        if self.pipeline is None or not self.pipeline.has_node(self.node_id):
            return
        node = self.pipeline.node(self.node_id)
        self.title.setText(
            f"{node.name}  <span style='color:#8e97a4'>{KIND_LABELS[node.kind]}</span>"
        )
        for form in (self.form, self.res_form, self.dist_form, self.spark_form):
            form.show(node)
        self.dist_box.setVisible(node.kind in (NodeKind.TENSORFLOW, NodeKind.RAPIDS))
        self.spark_box.setVisible(node.kind == NodeKind.SPARK)
        self.strategy.setEnabled(node.kind == NodeKind.TENSORFLOW)
        scripted = declares_ports(self.pipeline, node)
        self.ports_box.setVisible(scripted)
        if scripted:
            self.script_ports.show_node(self.pipeline, node)
        self.inputs.show_node(self.pipeline, node)
        self.env.set_rows([[k, v] for k, v in node.env.items()])
        self.secrets.set_rows([[s.env, s.source.value, s.name, s.key] for s in node.secrets])

    def _change(self, changes: dict[str, Any], text: str) -> None:
        if self.pipeline is not None and self.node_id:
            name = self.pipeline.node(self.node_id).name
            self.push(
                UpdateNodeCommand(self.pipeline, self.node_id, changes, text=f"{name}: {text}")
            )

    def _commit_env(self, rows: list[list[str]]) -> None:
        env = {row[0]: row[1] for row in rows}
        if self.pipeline is not None and env != self.pipeline.node(self.node_id).env:
            self._change({"env": env}, "set environment")

    def _commit_secrets(self, rows: list[list[str]]) -> None:
        refs = []
        for env, source, name, key in rows:
            try:
                kind = SecretSource(source or SecretSource.KUBERNETES.value)
            except ValueError:
                self.on_status(f"secret {env}: source must be 'kubernetes' or 'airflow_connection'")
                return
            refs.append(SecretRef(env, kind, name, key))
        if self.pipeline is not None and tuple(refs) != self.pipeline.node(self.node_id).secrets:
            self._change({"secrets": tuple(refs)}, "set secrets")

    def _choose_source(self) -> None:
        if self.pipeline is None:
            return
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self,
            "Choose a notebook or script",
            str(self.pipeline.base_dir),
            "Notebooks and scripts (*.ipynb *.py *.R)",
        )
        if path:
            self.set_source(Path(path))

    def set_source(self, path: Path) -> None:
        """Point the node at another notebook/script and take its ports (one undo step)."""
        assert self.pipeline is not None
        self._change(self._source_changes(str(path)), "choose source")

    def _source_changes(self, text: str) -> dict[str, Any]:
        """The node's new source and, when it can be read, the ports it declares."""
        assert self.pipeline is not None
        if not text:
            return {"source": ""}
        path = Path(text)
        if not path.is_absolute():
            path = self.pipeline.base_dir / path
        changes: dict[str, Any] = {"source": relative_source(path, self.pipeline.base_dir)}
        changes.update(source_ports(path, self.on_status))
        node = self.pipeline.node(self.node_id)
        wanted = task_name(path.stem)
        if has_default_name(node) and wanted != node.name:  # "notebook_2" -> the file's name
            changes["name"] = self.pipeline.unique_name(wanted)
        return changes


def source_ports(path: Path, on_status: Callable[[str], None]) -> dict[str, Any]:
    """``inputs``/``outputs`` read from a notebook (nothing for scripts or unreadable files)."""
    from graph_editor.errors import NotebookError
    from graph_editor.notebook import inspect_notebook

    if path.suffix == ".py" or path.suffix.lower() == ".r":
        return {}
    try:
        info = inspect_notebook(path)
    except NotebookError as exc:
        on_status(str(exc).splitlines()[0])
        return {}
    return {"inputs": info.inputs, "outputs": info.outputs}


def commit_focused(panel: QtWidgets.QWidget) -> None:
    """Finish the edit in ``panel``'s focused field, if the user typed something there."""
    widget = QtWidgets.QApplication.focusWidget()
    if widget is None or not panel.isAncestorOf(widget):
        return
    if isinstance(widget, QtWidgets.QLineEdit) and widget.isModified():
        widget.editingFinished.emit()
        widget.setModified(False)
    elif isinstance(widget, QtWidgets.QAbstractSpinBox):
        widget.interpretText()
        widget.editingFinished.emit()


class PropertiesPanel(QtWidgets.QStackedWidget):
    """Shows the node panel for one selected node, the pipeline panel otherwise."""

    def __init__(
        self,
        push: Callable[[QtWidgets.QUndoCommand], None],
        on_status: Callable[[str], None],
        session: RunSession | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.node_panel = NodePanel(push, on_status, session=session)
        self.open_folder_requested = self.node_panel.last_run.open_folder_requested
        self.pipeline_panel = PipelinePanel(push, on_status)
        self.addWidget(self.pipeline_panel)
        self.addWidget(self.node_panel)
        self.pipeline: Pipeline | None = None

    def commit_pending(self) -> None:
        """Commit a half-typed field to the node (or pipeline) it was typed for."""
        commit_focused(self.currentWidget())

    def show_selection(self, pipeline: Pipeline, node_ids: list[str]) -> None:
        if self.pipeline is not pipeline:
            if self.pipeline is not None:
                self.pipeline.changed.disconnect(self._on_change)
            pipeline.changed.connect(self._on_change)
        self.commit_pending()
        self.pipeline = pipeline
        if len(node_ids) == 1 and pipeline.has_node(node_ids[0]):
            self.node_panel.show_node(pipeline, node_ids[0])
            self.setCurrentWidget(self.node_panel)
        else:
            self.node_panel.node_id = ""
            self.pipeline_panel.show_pipeline(pipeline)
            self.setCurrentWidget(self.pipeline_panel)

    def _on_change(self, change: PipelineChange) -> None:
        """A node that Undo (or anything else) removed is no longer shown."""
        if isinstance(change, NodeRemoved) and change.node_id == self.node_panel.node_id:
            focused = QtWidgets.QApplication.focusWidget()
            if isinstance(focused, QtWidgets.QLineEdit) and self.isAncestorOf(focused):
                focused.setModified(False)  # typed for a node that is gone: nowhere to go
            assert self.pipeline is not None
            self.show_selection(self.pipeline, [])

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt calls this
        return QtCore.QSize(360, 600)
