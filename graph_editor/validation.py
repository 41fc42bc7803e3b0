"""Validation: every problem of a pipeline, each with severity, code, node and a plain message.

Never raises. Fast enough to run on every edit of a 1000-node pipeline: notebooks are
inspected once per (path, mtime, size) and the checks are linear in nodes and edges.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from graph_editor.backends import Backend
from graph_editor.errors import NotebookError
from graph_editor.nodes import Edge, Node, NodeKind
from graph_editor.notebook import NotebookInfo, inspect_notebook
from graph_editor.notebook_checks import node_findings
from graph_editor.pipeline import Pipeline
from graph_editor.types import can_feed, type_of_value, value_fits


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found by validation."""

    severity: Severity
    code: str
    message: str
    node_id: str = ""
    node_name: str = ""
    edge: Edge | None = None
    field: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def __str__(self) -> str:
        where = f"node {self.node_name!r}: " if self.node_name else ""
        return f"{self.severity.value}: {where}{self.message} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "node_id": self.node_id,
            "node": self.node_name,
            "edge": None if self.edge is None else self.edge.describe(),
            "field": self.field,
        }


TASK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,250}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CPU = re.compile(r"^(\d+(\.\d+)?|\d+m)$")
MEMORY = re.compile(r"^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
K8S_SECRET = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
PRESETS = {
    "@once",
    "@continuous",
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
    "@quarterly",
    "@yearly",
    "@annually",
}
_CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
_CRON_NAMES = [
    {},
    {},
    {},
    {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())},
]


def cron_problem(expr: str) -> str:
    """Why a schedule is not a valid cron expression or preset ('' when it is)."""
    if not expr or expr in PRESETS:
        return ""
    if expr.startswith("@"):
        return f"unknown preset {expr!r} (use one of {', '.join(sorted(PRESETS))})"
    fields = expr.split()
    if len(fields) != 5:
        return f"cron needs 5 fields (minute hour day month weekday), got {len(fields)}"
    labels = ["minute", "hour", "day of month", "month", "day of week"]
    for text, (low, high), names, label in zip(
        fields, _CRON_RANGES, [{}, {}] + _CRON_NAMES[2:], labels, strict=True
    ):
        for part in text.split(","):
            base, _, step = part.partition("/")
            if step and not step.isdigit():
                return f"bad step {step!r} in the {label} field"
            if base == "*":
                continue
            for bound in base.split("-", 1):
                value = names.get(bound.lower()) if not bound.isdigit() else int(bound)
                if value is None or not low <= value <= high:
                    return f"{bound!r} is out of range for the {label} field ({low}-{high})"
    return ""


class _InspectionCache:
    """Inspection results keyed by (path, mtime, size): re-read only what changed on disk."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], NotebookInfo | NotebookError]] = {}

    def get(self, path: Path) -> NotebookInfo | NotebookError:
        try:
            st = path.stat()
        except OSError:
            return NotebookError(path, "file not found")
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._entries.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            result: NotebookInfo | NotebookError = inspect_notebook(path)
        except NotebookError as exc:
            result = exc
        self._entries[path] = (stamp, result)
        return result


_CACHE = _InspectionCache()


def inspect_cached(path: Path) -> NotebookInfo | NotebookError:
    """Inspection through the shared cache (used by validation and port refresh)."""
    return _CACHE.get(path)


class _Checker:
    def __init__(self, pipeline: Pipeline, check_files: bool) -> None:
        self.p = pipeline
        self.check_files = check_files
        self.issues: list[Issue] = []
        self.infos: dict[str, NotebookInfo] = {}
        self._by_source: dict[str, NotebookInfo | NotebookError] = {}  # one stat per file per run
        self._names = pipeline.names()

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        node: Node | None = None,
        edge: Edge | None = None,
        field: str = "",
    ) -> None:
        self.issues.append(
            Issue(
                severity,
                code,
                message,
                node.id if node else "",
                node.name if node else "",
                edge,
                field,
            )
        )

    def error(self, code: str, message: str, node: Node | None = None, **kw: object) -> None:
        self.add(Severity.ERROR, code, message, node, **kw)  # type: ignore[arg-type]

    def warn(self, code: str, message: str, node: Node | None = None, **kw: object) -> None:
        self.add(Severity.WARNING, code, message, node, **kw)  # type: ignore[arg-type]

    # -- pipeline -------------------------------------------------------------------------
    def settings(self) -> None:
        s = self.p.settings
        if not TASK_ID.match(s.dag_id):
            self.error(
                "bad-dag-id",
                f"DAG id {s.dag_id!r} may use only letters, digits, "
                "'_', '.', '-' (1-250 characters)",
                field="dag_id",
            )
        problem = cron_problem(s.schedule.strip())
        if problem:
            self.error("bad-schedule", f"schedule {s.schedule!r}: {problem}", field="schedule")
        try:
            dt.date.fromisoformat(s.start_date)
        except ValueError:
            self.error(
                "bad-start-date",
                f"start date {s.start_date!r} is not a date like 2024-01-31",
                field="start_date",
            )
        if s.max_active_runs < 1:
            self.error(
                "bad-max-active-runs", "max active runs must be at least 1", field="max_active_runs"
            )
        if s.default_retries < 0:
            self.error("bad-retries", "default retries cannot be negative", field="default_retries")
        if not DNS_LABEL.match(s.namespace):
            self.error(
                "bad-namespace",
                f"namespace {s.namespace!r} is not a Kubernetes name "
                "(lowercase letters, digits, '-')",
                field="namespace",
            )
        if not s.default_image.strip():
            self.error(
                "no-image", "the pipeline has no default container image", field="default_image"
            )
        seen: set[str] = set()
        for param in s.parameters:
            if not IDENTIFIER.match(param.name):
                self.error(
                    "bad-parameter-name",
                    f"pipeline parameter {param.name!r} is not a valid name",
                    field=f"parameters.{param.name}",
                )
            if param.name in seen:
                self.error(
                    "duplicate-parameter",
                    f"pipeline parameter {param.name!r} is defined twice",
                    field=f"parameters.{param.name}",
                )
            seen.add(param.name)
            if not value_fits(param.default, param.type):
                self.error(
                    "parameter-type",
                    f"pipeline parameter {param.name!r} is {param.type.value} "
                    f"but its default is a {type_of_value(param.default).value}",
                    field=f"parameters.{param.name}",
                )
        used = {b for n in self.p.nodes for b in n.bindings.values()}
        for param in s.parameters:
            if param.name not in used:
                self.warn(
                    "unused-parameter",
                    f"pipeline parameter {param.name!r} feeds no node",
                    field=f"parameters.{param.name}",
                )

    def cycles(self) -> None:
        names = self._names
        for cycle in self.p.cycles():
            listed = " -> ".join(names[n] for n in cycle)
            for node_id in cycle[:1]:
                self.error(
                    "cycle", f"cycle through {listed} -> {names[cycle[0]]}", self.p.node(node_id)
                )

    # -- nodes ----------------------------------------------------------------------------
    def names(self) -> None:
        by_name: dict[str, list[Node]] = {}
        for node in self.p.nodes:
            by_name.setdefault(node.name, []).append(node)
            if not node.name:
                self.error("no-name", "a node has no name", node, field="name")
            elif not TASK_ID.match(node.name):
                self.error(
                    "bad-name",
                    f"name {node.name!r} cannot be an Airflow task id (use letters, "
                    "digits, '_', '.', '-'; at most 250 characters)",
                    node,
                    field="name",
                )
        for name, nodes in by_name.items():
            if name and len(nodes) > 1:
                for node in nodes:
                    self.error(
                        "duplicate-name",
                        f"{len(nodes)} nodes are named {name!r}",
                        node,
                        field="name",
                    )

    def source(self, node: Node) -> None:
        if not node.source:
            self.error("no-source", "no notebook or script chosen", node, field="source")
            return
        if not node.is_script and not node.source.endswith(".ipynb"):
            self.error(
                "bad-source",
                f"{node.source} is neither a notebook (.ipynb) nor a script (.py)",
                node,
                field="source",
            )
            return
        if not self.check_files:
            return
        result = self._by_source.get(node.source)
        if result is None:
            result = self._by_source[node.source] = _CACHE.get(self.p.source_path(node))
        if isinstance(result, NotebookError):
            self.error(
                "unreadable-source", f"{node.source}: {result.problem}", node, field="source"
            )
            return
        self.infos[node.id] = result
        for warning in result.warnings:
            self.warn("notebook-warning", f"{node.source}: {warning}", node, field="source")

    def ports_against_notebook(self, node: Node) -> None:
        info = self.infos.get(node.id)
        if info is None or info.is_script:
            return
        nb_inputs = {p.name: p for p in info.inputs}
        nb_outputs = {p.name for p in info.outputs}
        for port in node.inputs:
            if port.name not in nb_inputs:
                self.error(
                    "missing-parameter",
                    f"{node.source} has no parameter {port.name!r} "
                    "(re-inspect the notebook or remove the wire)",
                    node,
                    field=f"inputs.{port.name}",
                )
        if info.outputs_supported:
            for port in node.outputs:
                if port.name not in nb_outputs:
                    self.error(
                        "missing-output",
                        f"{node.source} no longer assigns output {port.name!r} in its outputs cell",
                        node,
                        field=f"outputs.{port.name}",
                    )

    def notebook_findings(self, node: Node) -> None:
        """Kernel not installed, GPU library on a plain node, wired ports the notebook retyped."""
        info = self.infos.get(node.id)
        if info is not None:
            wired = {e.target_port for e in self.p.edges_into(node.id)}
            wired |= {e.source_port for e in self.p.edges_out_of(node.id)}
            for found in node_findings(node, info, wired):
                self.warn(found.code, found.message, node, field=found.field)

    def values(self, node: Node) -> None:
        wired = {e.target_port for e in self.p.edges_into(node.id) if not e.is_ordering}
        for name, value in node.values.items():
            port = node.input(name)
            if port is None:
                self.error(
                    "unknown-input",
                    f"a value is set for {name!r}, which is not a parameter of "
                    f"{node.source or 'this node'}",
                    node,
                    field=f"values.{name}",
                )
            elif not value_fits(value, port.type):
                self.error(
                    "value-type",
                    f"{name!r} needs a {port.type.value}, the value set is a "
                    f"{type_of_value(value).value}",
                    node,
                    field=f"values.{name}",
                )
            elif name in wired:
                self.warn(
                    "value-overridden",
                    f"the value set for {name!r} is unused: the input is wired",
                    node,
                    field=f"values.{name}",
                )
            elif name in node.bindings:
                self.warn(
                    "value-overridden",
                    f"the value set for {name!r} is unused: pipeline "
                    f"parameter {node.bindings[name]!r} feeds it",
                    node,
                    field=f"values.{name}",
                )
        for name, param_name in node.bindings.items():
            port = node.input(name)
            param = self.p.settings.parameter(param_name)
            if port is None:
                self.error(
                    "unknown-input",
                    f"pipeline parameter {param_name!r} feeds {name!r}, which is "
                    f"not a parameter of {node.source or 'this node'}",
                    node,
                    field=f"bindings.{name}",
                )
            elif param is None:
                self.error(
                    "unknown-parameter",
                    f"{name!r} is bound to pipeline parameter {param_name!r}, which does not exist",
                    node,
                    field=f"bindings.{name}",
                )
            elif not can_feed(param.type, port.type):
                self.error(
                    "type-mismatch",
                    f"pipeline parameter {param_name!r} is {param.type.value}, "
                    f"{name!r} needs {port.type.value}",
                    node,
                    field=f"bindings.{name}",
                )
            if name in wired:
                self.error(
                    "double-input",
                    f"{name!r} is both wired and bound to a pipeline parameter",
                    node,
                    field=f"bindings.{name}",
                )

    def resources(self, node: Node) -> None:
        r = node.resources
        for label, value, pattern in (
            ("CPU", r.cpu, CPU),
            ("CPU limit", r.cpu_limit, CPU),
            ("memory", r.memory, MEMORY),
            ("memory limit", r.memory_limit, MEMORY),
        ):
            if value and not pattern.match(value):
                example = "'500m' or '2'" if pattern is CPU else "'512Mi' or '4Gi'"
                self.error(
                    "bad-resources",
                    f"{label} {value!r} is not a Kubernetes quantity (e.g. {example})",
                    node,
                    field="resources",
                )
        if r.gpu < 0:
            self.error("bad-resources", "GPUs cannot be negative", node, field="resources")
        if node.retries is not None and node.retries < 0:
            self.error("bad-retries", "retries cannot be negative", node, field="retries")
        if node.timeout_seconds is not None and node.timeout_seconds <= 0:
            self.error(
                "bad-timeout",
                "timeout must be a positive number of seconds",
                node,
                field="timeout_seconds",
            )
        if node.pool and not TASK_ID.match(node.pool):
            self.error(
                "bad-pool", f"pool {node.pool!r} is not a valid pool name", node, field="pool"
            )
        if node.image and (
            node.image != node.image.strip() or any(c.isspace() for c in node.image)
        ):
            self.error("bad-image", f"image {node.image!r} contains spaces", node, field="image")

    def environment(self, node: Node) -> None:
        for name in node.env:
            if not ENV_NAME.match(name):
                self.error(
                    "bad-env", f"environment variable name {name!r} is invalid", node, field="env"
                )
        seen: set[str] = set()
        for ref in node.secrets:
            if not ENV_NAME.match(ref.env):
                self.error(
                    "bad-secret",
                    f"secret variable name {ref.env!r} is invalid",
                    node,
                    field="secrets",
                )
            if ref.env in seen or ref.env in node.env:
                self.error(
                    "bad-secret",
                    f"{ref.env!r} is set twice (env and secrets)",
                    node,
                    field="secrets",
                )
            seen.add(ref.env)
            if ref.source.value == "kubernetes":
                if not K8S_SECRET.match(ref.name) or not ref.key:
                    self.error(
                        "bad-secret",
                        f"secret {ref.env!r} needs a Kubernetes Secret name and key",
                        node,
                        field="secrets",
                    )
            elif not ref.name:
                self.error(
                    "bad-secret",
                    f"secret {ref.env!r} needs an Airflow connection id",
                    node,
                    field="secrets",
                )

    def distributed(self, node: Node) -> None:
        d = node.distributed
        if node.kind == NodeKind.NOTEBOOK:
            return
        if d.workers < 1 or d.gpus_per_worker < 0:
            self.error(
                "bad-distributed",
                "workers must be at least 1 and GPUs per worker not negative",
                node,
                field="distributed",
            )
            return
        if d.is_distributed:
            what = "TensorFlow" if node.kind == NodeKind.TENSORFLOW else "RAPIDS"
            if not node.image:
                self.error(
                    "distributed-no-image",
                    f"a distributed {what} job needs its own image (with the GPU libraries)",
                    node,
                    field="image",
                )
            if d.gpus_per_worker < 1:
                self.error(
                    "distributed-no-gpu",
                    f"a distributed {what} job needs at least one GPU per worker",
                    node,
                    field="distributed",
                )
        for name in node.sample_outputs:
            if node.output(name) is None:
                self.warn(
                    "unknown-sample-output",
                    f"sample output {name!r} is not an output of this node",
                    node,
                    field="sample_outputs",
                )

    # -- edges ----------------------------------------------------------------------------
    def edges(self) -> None:
        fed: dict[tuple[str, str], int] = {}
        for edge in self.p.edges:
            src, dst = self.p.node(edge.source), self.p.node(edge.target)
            if edge.is_ordering:
                continue
            out, inp = src.output(edge.source_port), dst.input(edge.target_port)
            label = edge.describe(self._names)
            if out is None:
                self.error(
                    "missing-output",
                    f"wire {label}: {src.name} has no output {edge.source_port!r}",
                    dst,
                    edge=edge,
                )
            if inp is None:
                self.error(
                    "missing-parameter",
                    f"wire {label}: {dst.source or dst.name} has no parameter {edge.target_port!r}",
                    dst,
                    edge=edge,
                )
            if out is not None and inp is not None and not can_feed(out.type, inp.type):
                self.error(
                    "type-mismatch",
                    f"wire {label}: {out.type.value} cannot feed {inp.type.value}",
                    dst,
                    edge=edge,
                )
            key = (edge.target, edge.target_port)
            fed[key] = fed.get(key, 0) + 1
            if fed[key] == 2:
                self.error(
                    "double-input",
                    f"{dst.name}.{edge.target_port} is fed by more than one wire",
                    dst,
                    edge=edge,
                )

    def run(self) -> list[Issue]:
        self.settings()
        self.names()
        self.cycles()
        for node in self.p.nodes:
            self.source(node)
            self.ports_against_notebook(node)
            self.notebook_findings(node)
            self.values(node)
            self.resources(node)
            self.environment(node)
            self.distributed(node)
        self.edges()
        return self.issues


def validate(
    pipeline: Pipeline, *, check_files: bool = True, backend: Backend | None = None
) -> list[Issue]:
    """Every issue of the pipeline (errors and warnings); never raises.

    With ``backend``, also every problem that backend's export would refuse.
    """
    return _Checker(pipeline, check_files).run()


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)
