"""Airflow 3 export: one readable, deterministic DAG module per pipeline, with its content.

``export_pipeline(pipeline, backend=Backend.KUBERNETES | Backend.WORKER) -> Bundle``.
"""

from __future__ import annotations

from exporters.airflow.backends import backend_for
from exporters.airflow.bundle import Bundle
from exporters.airflow.dagfile import render
from exporters.airflow.plan import plan_tasks
from exporters.content import (
    BUNDLE_FOLDER,
    INLINE_FILE_MAX,
    Content,
    declared_files,
    source_content,
    support_contents,
)
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
    bundled: dict[str, Content] = {}  # big declared files: beside the DAG file, not inside it
    keys: dict[str, str] = {}
    names: dict[str, str] = {}
    file_keys: dict[str, dict[str, str]] = {}
    for node in pipeline.nodes:
        path = pipeline.source_path(node)
        content = source_content(path)
        keys[node.id] = content.key
        names[node.id] = content.name  # a jupytext .py ships as STEM.ipynb
        contents.setdefault(content.key, content)
        file_keys[node.id] = {}
        for rel, found in declared_files(path.parent, tuple(node.files)):
            file_keys[node.id][rel] = found.key
            small = len(found.packed) <= INLINE_FILE_MAX
            (contents if small else bundled).setdefault(found.key, found)
    plans = plan_tasks(pipeline, keys, names, file_keys)
    target.check(plans)
    target.check_sizes(plans, {**contents, **bundled}, pipeline)
    support = [c for c in support_contents() if c.name in target.support_files]
    shipped = sorted(contents.values(), key=lambda c: c.key) + support
    # One folder per DAG: a deploy (or its rollback) of one DAG never touches a file another
    # DAG in the same folder still reads, even when the bytes are the same.
    places = {key: f"{BUNDLE_FOLDER}/{pipeline.settings.dag_id}/{key}" for key in sorted(bundled)}
    source = render(pipeline, plans, target, shipped, support, places)
    name = f"{pipeline.settings.dag_id}.py"
    files = {name: source.encode("utf-8")}
    files.update({places[k]: c.packed.encode("ascii") for k, c in bundled.items()})
    return Bundle(pipeline.settings.dag_id, name, source, files)
