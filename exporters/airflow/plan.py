"""What each task of the DAG needs, worked out from the pipeline and checked before writing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from exporters.codegen import is_identifier
from graph_editor.errors import ExportError
from graph_editor.nodes import Node, NodeKind, SecretRef, SecretSource
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType

TASK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,250}$")
CONN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,250}$")
CONNECTION_PARTS = {
    "": "uri",
    "uri": "uri",
    "password": "password",
    "login": "login",
    "host": "host",
    "schema": "schema",
    "port": "port",
    "extra": "extra",
}
# Names the generated module itself defines; task variables must not shadow them.
RESERVED = {
    "DAG",
    "Param",
    "Secret",
    "KubernetesPodOperator",
    "PythonOperator",
    "k8s",
    "literal",
    "json",
    "datetime",
    "dag",
    "CONTENT",
    "RUNTIME_KEY",
    "RUNTIME_FILE",
    "POD_BOOTSTRAP",
    "stitchboard_content",
    "run_node",
    "run_cluster_job",
    "job_state",
    "job_containers",
    "connection_value",
    "annotations",
}
JSON_TYPES = {
    PortType.INT: "integer",
    PortType.FLOAT: "number",
    PortType.STR: "string",
    PortType.BOOL: "boolean",
    PortType.LIST: "array",
    PortType.DICT: "object",
}


@dataclass
class TaskPlan:
    """One node, resolved: task id, variable name, where each input comes from."""

    node: Node
    task_id: str
    var: str
    source_name: str
    content_key: str = ""
    wires: dict[str, tuple[str, str]] = field(default_factory=dict)  # input -> (task id, output)
    params: dict[str, str] = field(default_factory=dict)  # input -> pipeline parameter
    values: dict[str, Any] = field(default_factory=dict)  # input -> fixed value
    upstream: list[str] = field(default_factory=list)  # variable names, in node order

    @property
    def inputs(self) -> list[str]:
        return [p.name for p in self.node.inputs]

    @property
    def outputs(self) -> list[str]:
        return [p.name for p in self.node.outputs]

    @property
    def gpus(self) -> int:
        if self.node.resources.gpu > 0:
            return self.node.resources.gpu
        if self.node.kind != NodeKind.NOTEBOOK:
            return max(self.node.distributed.gpus_per_worker, 0)
        return 0

    @property
    def cluster_job(self) -> bool:
        return self.node.kind != NodeKind.NOTEBOOK and self.node.distributed.is_distributed


def _variable(task_id: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", task_id)
    if not is_identifier(base) or base in RESERVED or base.startswith("_"):
        base = "task_" + base.lstrip("_")
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def _check_node(node: Node) -> None:
    where = f"node {node.name!r}"
    if not TASK_ID.match(node.name):
        raise ExportError(f"{where}: name cannot be an Airflow task id")
    for port in (*node.inputs, *node.outputs):
        if not is_identifier(port.name):
            raise ExportError(f"{where}: port {port.name!r} is not a valid Python name")
    for ref in node.secrets:
        if ref.source == SecretSource.AIRFLOW_CONNECTION:
            if not CONN_ID.match(ref.name):
                raise ExportError(
                    f"{where}: connection id {ref.name!r} may use only letters, "
                    "digits, '_', '.', '-'"
                )
            if ref.key not in CONNECTION_PARTS:
                raise ExportError(
                    f"{where}: secret {ref.env!r} asks for connection field "
                    f"{ref.key!r} (use one of {', '.join(sorted(CONNECTION_PARTS)[1:])})"
                )


def connection_part(ref: SecretRef) -> str:
    return CONNECTION_PARTS[ref.key]


def plan_tasks(pipeline: Pipeline) -> list[TaskPlan]:
    """A plan per node, in topological order (ties by node order), with upstreams resolved."""
    taken: set[str] = set()
    plans: dict[str, TaskPlan] = {}
    for node_id in pipeline.topological_order():
        node = pipeline.node(node_id)
        _check_node(node)
        name = node.source.replace("\\", "/").rsplit("/", 1)[-1]
        plans[node_id] = TaskPlan(node, node.name, _variable(node.name, taken), name)
    for node_id, plan in plans.items():
        node = plan.node
        for edge in pipeline.edges_into(node_id):
            if not edge.is_ordering:
                plan.wires[edge.target_port] = (plans[edge.source].task_id, edge.source_port)
        for port in node.inputs:
            if port.name in plan.wires:
                continue
            if port.name in node.bindings:
                plan.params[port.name] = node.bindings[port.name]
            elif port.name in node.values:
                plan.values[port.name] = node.values[port.name]
        plan.upstream = [plans[u].var for u in pipeline.upstream(node_id)]
    return list(plans.values())


def param_schema(ptype: PortType, default: Any) -> Any:
    """JSON-schema type of a DAG param (nullable when the default is None)."""
    json_type = JSON_TYPES.get(ptype)
    if json_type is None:
        return None
    return [json_type, "null"] if default is None else json_type
