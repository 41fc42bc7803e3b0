"""Airflow 3 export: one readable, deterministic DAG module per pipeline, with its content.

``export_pipeline(pipeline, backend="kubernetes" | "worker") -> Bundle``.
"""

from __future__ import annotations

from exporters.airflow.bundle import Bundle
from exporters.airflow.dagfile import render
from exporters.airflow.plan import plan_tasks
from exporters.content import Content, runtime_content, source_content
from graph_editor.errors import ExportError, ModelError, ValidationFailed
from graph_editor.pipeline import Pipeline
from graph_editor.validation import has_errors, validate

BACKENDS = ("kubernetes", "worker")

__all__ = ["BACKENDS", "Bundle", "ExportError", "ValidationFailed", "export_pipeline"]


def export_pipeline(
    pipeline: Pipeline, backend: str = "kubernetes", *, check: bool = True
) -> Bundle:
    """Validate ``pipeline`` and build its bundle; raises ``ValidationFailed`` or ``ExportError``."""
    if backend not in BACKENDS:
        raise ExportError(f"unknown backend {backend!r} (use {' or '.join(BACKENDS)})")
    if check:
        issues = validate(pipeline)
        if has_errors(issues):
            raise ValidationFailed(issues)
    try:
        plans = plan_tasks(pipeline)
    except ModelError as exc:
        raise ExportError(str(exc)) from exc
    if backend == "worker":
        for plan in plans:
            for ref in plan.node.secrets:
                if ref.source.value == "kubernetes":
                    raise ExportError(
                        f"node {plan.task_id!r}: Kubernetes Secret {ref.name!r} cannot be "
                        "read on an Airflow worker; use an Airflow connection or the "
                        "kubernetes backend"
                    )
    contents: dict[str, Content] = {}
    for plan in plans:
        content = source_content(pipeline.source_path(plan.node))
        plan.content_key = content.key
        plan.source_name = content.name  # a jupytext .py ships as STEM.ipynb
        contents.setdefault(content.key, content)
    runtime = runtime_content()
    shipped = sorted(contents.values(), key=lambda c: c.key) + [runtime]
    source = render(pipeline, plans, backend, shipped, runtime)
    name = f"{pipeline.settings.dag_id}.py"
    return Bundle(pipeline.settings.dag_id, name, source, {name: source.encode("utf-8")})
