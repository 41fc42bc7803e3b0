"""Airflow 3 export: one readable, deterministic DAG module per pipeline, with its content.

``export_pipeline(pipeline, backend=Backend.KUBERNETES | Backend.WORKER) -> Bundle``.
"""

from __future__ import annotations

from exporters.airflow.backends import backend_for
from exporters.airflow.bundle import Bundle
from exporters.airflow.dagfile import render
from exporters.airflow.plan import plan_tasks
from exporters.content import Content, source_content, support_contents
from exporters.errors import ExportError
from graph_editor.backends import Backend
from graph_editor.errors import ValidationFailed
from graph_editor.pipeline import Pipeline
from graph_editor.validation import has_errors

__all__ = ["Bundle", "ExportError", "ValidationFailed", "export_pipeline"]


def export_pipeline(pipeline: Pipeline, backend: Backend | str = Backend.KUBERNETES) -> Bundle:
    """Validate ``pipeline`` for ``backend`` and build its bundle.

    Raises ``ValidationFailed`` carrying every issue when validation finds an error, and
    ``ExportError`` for an unknown backend or a file that cannot be read.
    """
    target = backend_for(backend)
    issues = target.validate(pipeline)
    if has_errors(issues):
        raise ValidationFailed(issues)
    contents: dict[str, Content] = {}
    keys: dict[str, str] = {}
    names: dict[str, str] = {}
    for node in pipeline.nodes:
        content = source_content(pipeline.source_path(node))
        keys[node.id] = content.key
        names[node.id] = content.name  # a jupytext .py ships as STEM.ipynb
        contents.setdefault(content.key, content)
    plans = plan_tasks(pipeline, keys, names)
    target.check(plans)
    target.check_sizes(plans, contents, pipeline)
    support = [c for c in support_contents() if c.name in target.support_files]
    shipped = sorted(contents.values(), key=lambda c: c.key) + support
    source = render(pipeline, plans, target, shipped, support)
    name = f"{pipeline.settings.dag_id}.py"
    return Bundle(pipeline.settings.dag_id, name, source, {name: source.encode("utf-8")})
