"""Edits of a node's job settings by name: distributed (workers, GPUs, strategy) and Spark.

The terminal's ``stitchboard job distributed|spark`` (and the editor) call these. Only the
settings given change; a value the node's rules refuse (``bad-distributed``, ``bad-spark``) is
an ``EditRefused`` in one line, and nothing is saved. Settings that only make sense on another
kind of job are refused too (a Spark setting on a notebook node, a strategy on RAPIDS).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from graph_editor import spark
from graph_editor.edits import EditRefused, find_node
from graph_editor.nodes import NodeKind, TFStrategy
from graph_editor.pipeline import Pipeline

DISTRIBUTED_KINDS = (NodeKind.TENSORFLOW, NodeKind.RAPIDS)


def _changed(old: Any, new: Any) -> str:
    fields = [
        f.name for f in dataclasses.fields(new) if getattr(old, f.name) != getattr(new, f.name)
    ]
    return ", ".join(f"{f.replace('_', ' ')} {getattr(new, f)!r}" for f in fields) or "nothing"


def set_distributed(
    pipeline: Pipeline,
    ref: str,
    workers: int | None = None,
    gpus: int | None = None,
    strategy: str | None = None,
) -> str:
    """Set a TensorFlow or RAPIDS node's workers, GPUs per worker and (TensorFlow) strategy."""
    node = find_node(pipeline, ref)
    if node.kind not in DISTRIBUTED_KINDS:
        raise EditRefused(
            f"{node.name} is a {node.kind.value} node: workers and GPUs are for tensorflow and "
            "rapids nodes (stitchboard node add --kind)"
        )
    changes: dict[str, Any] = {}
    if workers is not None:
        if workers < 1:
            raise EditRefused(f"{node.name}: workers must be at least 1 (got {workers})")
        changes["workers"] = workers
    if gpus is not None:
        if gpus < 0:
            raise EditRefused(f"{node.name}: GPUs per worker must not be negative (got {gpus})")
        changes["gpus_per_worker"] = gpus
    if strategy is not None:
        if node.kind != NodeKind.TENSORFLOW:
            raise EditRefused(f"{node.name}: a strategy is for TensorFlow nodes only")
        try:
            changes["strategy"] = TFStrategy(strategy)
        except ValueError as exc:
            known = ", ".join(s.value for s in TFStrategy)
            raise EditRefused(f"{node.name}: unknown strategy {strategy!r} (use {known})") from exc
    if not changes:
        raise EditRefused("name at least one of --workers, --gpus, --strategy")
    new = dataclasses.replace(node.distributed, **changes)
    pipeline.update_node(node.id, distributed=new)
    return f"{node.name}: {_changed(node.distributed, new)}"


SPARK_FIELDS = (
    "executors",
    "executor_cores",
    "executor_memory",
    "driver_memory",
    "service_account",
    "executor_image",
)


def set_spark(pipeline: Pipeline, ref: str, **given: Any) -> str:
    """Set a Spark node's driver and executor settings (``SPARK_FIELDS``; None: unchanged)."""
    node = find_node(pipeline, ref)
    if node.kind != NodeKind.SPARK:
        raise EditRefused(
            f"{node.name} is a {node.kind.value} node: Spark settings are for spark nodes"
        )
    unknown = set(given) - set(SPARK_FIELDS)
    assert not unknown, unknown
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        flags = ", ".join("--" + f.replace("_", "-") for f in SPARK_FIELDS)
        raise EditRefused(f"name at least one of {flags}")
    new = dataclasses.replace(node.spark, **changes)
    problems = [
        i for i in spark.settings_issues(dataclasses.replace(node, spark=new)) if i.is_error
    ]
    if problems:
        raise EditRefused(f"{node.name}: {problems[0].message}")
    pipeline.update_node(node.id, spark=new)
    return f"{node.name}: {_changed(node.spark, new)}"
