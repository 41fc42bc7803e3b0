"""What each task of the DAG needs, worked out from a validated pipeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from exporters.airflow import inline
from exporters.airflow.values import IMPORTS
from graph_editor import names, spark
from graph_editor.node_spec import node_spec as shared_node_spec
from graph_editor.nodes import Node, NodeKind, SecretRef, SecretSource
from graph_editor.pipeline import Pipeline
from graph_editor.tensorflow import tensorflow_env
from graph_editor.types import PortType
from resources.runtime.stitchboard_runtime import NodeSpec

# Names the generated module itself binds; task variables must not shadow them.
RESERVED = frozenset({*inline.defined_names(), *IMPORTS, "dag", "annotations"})
GPU_KINDS = (NodeKind.TENSORFLOW, NodeKind.RAPIDS)  # kinds with ``distributed`` settings
JSON_TYPES = {
    PortType.INT: "integer",
    PortType.FLOAT: "number",
    PortType.STR: "string",
    PortType.BOOL: "boolean",
    PortType.LIST: "array",
    PortType.DICT: "object",
}


@dataclass(frozen=True)
class TaskPlan:
    """One node, planned: its task id, its variable in the DAG module, the spec it runs."""

    node: Node
    var: str
    spec: NodeSpec
    upstream: tuple[str, ...] = ()  # variable names, in node order

    @property
    def task_id(self) -> str:
        return self.spec.task_id

    @property
    def gpus(self) -> int:
        if self.node.resources.gpu > 0:
            return self.node.resources.gpu
        if self.node.kind in GPU_KINDS:
            return max(self.node.distributed.gpus_per_worker, 0)
        return 0

    @property
    def cluster_job(self) -> bool:
        return self.node.kind in GPU_KINDS and self.node.distributed.is_distributed


def _variable(task_id: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", task_id)
    if not names.is_identifier(base) or base in RESERVED or base.startswith("_"):
        base = "task_" + base.lstrip("_")
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def connection_part(ref: SecretRef) -> str:
    """The connection field a secret reads (validation guarantees a known one)."""
    return names.CONNECTION_PARTS.get(ref.key, ref.key)


def assert_valid(node: Node) -> None:
    """Guard what validation reports as errors (export stops before planning on those)."""
    assert names.is_task_id(node.name), node.name
    assert all(names.is_identifier(p.name) for p in (*node.inputs, *node.outputs)), node.name
    for ref in node.secrets:
        if ref.source == SecretSource.AIRFLOW_CONNECTION:
            assert names.is_conn_id(ref.name) and ref.key in names.CONNECTION_PARTS, ref


def node_spec(
    pipeline: Pipeline,
    node: Node,
    content_key: str,
    shipped_name: str = "",
    file_keys: dict[str, str] | None = None,
) -> NodeSpec:
    """The runtime's spec of ``node`` in the exported DAG (task ids are node names).

    ``shipped_name`` is the file name the node's source travels under (a jupytext ``.py``
    ships converted, as ``STEM.ipynb``, and then runs as a notebook); ``file_keys`` maps each
    file of its declared ``files`` (folders walked) to its content key.
    """
    connections = {
        ref.env: (ref.name, connection_part(ref))
        for ref in node.secrets
        if ref.source == SecretSource.AIRFLOW_CONNECTION
    }
    return shared_node_spec(  # the dry-run's builder too: the node's fields cannot drift
        pipeline,
        node,
        source=shipped_name,
        content=content_key,
        env=_env(node),
        connections=connections,
        file_keys=dict(file_keys or {}),
    )


def _env(node: Node) -> dict[str, str]:
    """The node's env; a Spark node's on a worker adds a local Spark (pods replace it), a
    TensorFlow node's its strategy."""
    if node.kind != NodeKind.SPARK:
        return {**tensorflow_env(node), **node.env}
    return {**spark.local_env(node.spark), **node.env}


def plan_tasks(
    pipeline: Pipeline,
    content_keys: dict[str, str] | None = None,
    shipped_names: dict[str, str] | None = None,
    file_keys: dict[str, dict[str, str]] | None = None,
) -> list[TaskPlan]:
    """A plan per node, in topological order (ties by node order), with upstreams resolved.

    ``content_keys`` maps node ids to the key of their shipped notebook or script, and
    ``shipped_names`` to the file name it ships under (deploy asks only for the task ids and
    leaves both out); ``file_keys`` maps node ids to their declared files' content keys.
    """
    files = file_keys or {}
    keys = content_keys or {}
    names = shipped_names or {}
    taken: set[str] = set()
    variables: dict[str, str] = {}
    for node_id in pipeline.topological_order():
        variables[node_id] = _variable(pipeline.node(node_id).name, taken)
    return [
        TaskPlan(
            node=pipeline.node(node_id),
            var=var,
            spec=node_spec(
                pipeline,
                pipeline.node(node_id),
                keys.get(node_id, ""),
                names.get(node_id, ""),
                files.get(node_id),
            ),
            upstream=tuple(variables[u] for u in pipeline.upstream(node_id)),
        )
        for node_id, var in variables.items()
    ]


def param_schema(ptype: PortType, default: Any) -> Any:
    """JSON-schema type of a DAG param (nullable when the default is None)."""
    json_type = JSON_TYPES.get(ptype)
    if json_type is None:
        return None
    return [json_type, "null"] if default is None else json_type
