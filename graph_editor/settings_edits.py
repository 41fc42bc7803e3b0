"""Edits of a node's task settings and of the pipeline-wide settings, by name.

The terminal's ``stitchboard job task`` and ``stitchboard settings`` call these (the editor's
panels edit the same fields). Only the settings given change; a value the rules refuse (a bad
schedule, a Kubernetes quantity that is none, an artifact store URL nobody can open) is an
``EditRefused`` in one line naming the field, and nothing is saved.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from graph_editor.edits import EditRefused, find_node
from graph_editor.node_rules import node_issues
from graph_editor.pipeline import Pipeline
from graph_editor.settings_rules import settings_issues

# node field -> the Resources field it sets (the rest are the node's own fields)
RESOURCE_FIELDS = {"cpu": "cpu", "memory": "memory", "gpus": "gpu"}
TASK_FIELDS = ("kernel", "image", "retries", "timeout_seconds", "pool", *RESOURCE_FIELDS)

PIPELINE_FIELDS = (
    "dag_id",
    "description",
    "schedule",
    "start_date",
    "owner",
    "default_image",
    "r_image",
    "namespace",
    "default_retries",
    "retry_delay_seconds",
    "max_active_runs",
    "artifact_store",
    "store_secret",
    "store_connection",
    "store_volume",
    "tags",
)


def _said(changes: dict[str, Any]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value!r}" for name, value in changes.items())


def set_task(pipeline: Pipeline, ref: str, **given: Any) -> str:
    """Set a node's kernel, image, resources, retries, timeout or pool (``None``: unchanged)."""
    node = find_node(pipeline, ref)
    assert not set(given) - set(TASK_FIELDS), given
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise EditRefused("nothing to change: name a setting (stitchboard job task --help)")
    if "kernel" in changes and node.is_script:
        raise EditRefused(f"{node.name}: a script job has no kernel (it runs as a program)")
    resources = {RESOURCE_FIELDS[k]: changes.pop(k) for k in list(changes) if k in RESOURCE_FIELDS}
    fields = dict(changes)
    if resources:
        fields["resources"] = dataclasses.replace(node.resources, **resources)
    for name in ("retries", "timeout_seconds"):
        if name in fields and fields[name] < 0:
            raise EditRefused(f"{node.name}: {name.replace('_', ' ')} must not be negative")
    new = dataclasses.replace(node, **fields)
    before = {str(i) for i in node_issues(node) if i.is_error}
    problems = [i for i in node_issues(new) if i.is_error and str(i) not in before]
    if problems:
        raise EditRefused(f"{node.name}: {problems[0].message}")
    pipeline.update_node(node.id, **fields)
    return f"{node.name}: {_said({**changes, **resources})}"


def set_pipeline(pipeline: Pipeline, **given: Any) -> str:
    """Set pipeline-wide settings by name (``PIPELINE_FIELDS``; ``None``: unchanged)."""
    assert not set(given) - set(PIPELINE_FIELDS), given
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise EditRefused("nothing to change: name a setting (stitchboard settings --help)")
    for name in ("default_retries", "retry_delay_seconds"):
        if name in changes and changes[name] < 0:
            raise EditRefused(f"{name.replace('_', ' ')} must not be negative")
    if "max_active_runs" in changes and changes["max_active_runs"] < 1:
        raise EditRefused("max active runs must be at least 1")
    if "tags" in changes:
        changes["tags"] = tuple(t.strip() for t in changes["tags"] if t.strip())
    before = {str(i) for i in settings_issues(pipeline) if i.is_error}
    old = pipeline.update_settings(**changes)
    problems = [i for i in settings_issues(pipeline) if i.is_error and str(i) not in before]
    if problems:
        pipeline.update_settings(**{k: getattr(old, k) for k in changes})
        raise EditRefused(problems[0].message)
    return f"{pipeline.settings.name}: {_said(changes)}"
