"""Validation: every problem of a pipeline, each with severity, code, node and a plain message.

Never raises. Fast enough to run on every edit of a 1000-node pipeline: notebooks are
inspected once per (path, mtime, size) and the checks are linear in nodes and edges.
The pipeline-wide and wiring rules live here; one node's own settings in ``node_rules``; the
rules of one export backend in ``export_rules``; the measured limits in ``limits``.
"""

from __future__ import annotations

from graph_editor import names
from graph_editor.backends import Backend
from graph_editor.cron import PRESETS, cron_problem
from graph_editor.errors import NotebookError
from graph_editor.export_rules import backend_issues
from graph_editor.file_checks import file_issues
from graph_editor.issues import Issue, Severity
from graph_editor.limits import value_problem
from graph_editor.node_rules import node_issues
from graph_editor.nodes import Edge, Node
from graph_editor.notebook import NotebookInfo, inspect_cached
from graph_editor.notebook_checks import node_findings
from graph_editor.pipeline import Pipeline
from graph_editor.settings_rules import settings_issues
from graph_editor.types import can_feed, type_of_value, value_fits

__all__ = [
    "PRESETS",
    "Issue",
    "Severity",
    "cron_problem",
    "has_errors",
    "inspect_cached",
    "validate",
]


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
            elif not names.is_task_id(node.name):
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
                f"{node.source} is neither a notebook (.ipynb) nor a script (.py, .R)",
                node,
                field="source",
            )
            return
        if not self.check_files:
            return
        result = self._by_source.get(node.source)
        if result is None:
            result = self._by_source[node.source] = inspect_cached(self.p.source_path(node))
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
            elif (problem := value_problem(value))[0]:
                self.error(
                    problem[0],
                    f"the value set for {name!r} {problem[1]}",
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

    # -- edges ----------------------------------------------------------------------------
    def edges(self) -> None:
        fed: dict[tuple[str, str], int] = {}
        for edge in self.p.edges:
            src, dst = self.p.node(edge.source), self.p.node(edge.target)
            if edge.source == edge.target:
                self.error(
                    "self-loop",
                    f"{edge.describe(self._names)}: a node cannot feed or follow itself",
                    dst,
                    edge=edge,
                )
                continue
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
        if not self.p.nodes:
            self.error("empty-pipeline", "the pipeline has no nodes: add a notebook or script")
        self.issues += settings_issues(self.p)
        self.names()
        self.cycles()
        for node in self.p.nodes:
            self.source(node)
            self.ports_against_notebook(node)
            self.notebook_findings(node)
            self.values(node)
            self.issues += node_issues(node)
            if self.check_files:
                self.issues += file_issues(self.p, node)
        self.edges()
        return self.issues


def validate(
    pipeline: Pipeline, *, check_files: bool = True, backend: Backend | None = None
) -> list[Issue]:
    """Every issue of the pipeline (errors and warnings); never raises.

    With ``backend``, also every problem that backend's export would refuse.
    """
    issues = _Checker(pipeline, check_files).run()
    if backend is not None:
        issues += backend_issues(pipeline, backend)
    return issues


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)
