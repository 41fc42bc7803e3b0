"""A distributed node's cluster job: the TFJob or DaskJob manifest and the task that runs it."""

from __future__ import annotations

import re
from typing import Any

from exporters.airflow import inline
from exporters.airflow.plan import TaskPlan, connection_part
from exporters.airflow.tasks import (
    GPU_NODE_SELECTOR,
    GPU_TOLERATION,
    _common,
    _connection_template,
    _exploded,
    _in_pod,
    _outlets,
    _resources,
    node_image,
)
from exporters.airflow.values import Imports, protect
from exporters.codegen import Call, Map, Raw, atom
from graph_editor.nodes import NodeKind, PipelineSettings, SecretSource, TFStrategy
from graph_editor.pipeline import Pipeline
from graph_editor.pod_env import inert_json
from graph_editor.tensorflow import tensorflow_env

POLL_SECONDS = 30


def _slug(task_id: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", task_id.lower()).strip("-")[:40].strip("-")
    return slug or "job"


def _env_from(settings: PipelineSettings) -> dict[str, Any]:
    """The store's Secret as a container's env (every key), if the pipeline names one."""
    if not settings.store_secret:
        return {}
    return {"envFrom": [{"secretRef": {"name": settings.store_secret}}]}


def _container_env(plan: TaskPlan) -> list[dict[str, Any]]:
    node = plan.node
    env: list[dict[str, Any]] = [
        {"name": "STITCHBOARD_NODE", "value": inert_json(_in_pod(plan).to_json())}
    ]
    env += [{"name": k, "value": v} for k, v in tensorflow_env(node).items()]
    env += [{"name": k, "value": v} for k, v in node.env.items()]
    for ref in node.secrets:
        if ref.source == SecretSource.KUBERNETES:
            env.append(
                {"name": ref.env, "valueFrom": {"secretKeyRef": {"name": ref.name, "key": ref.key}}}
            )
        else:
            template = _connection_template(ref.name, connection_part(ref))
            env.append({"name": ref.env, "value": Raw(atom(template))})
    return env


def _pod_spec(containers: list[dict[str, Any]], gpus: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": containers}
    if gpus:
        spec["tolerations"] = [dict(GPU_TOLERATION)]
        spec["nodeSelector"] = dict(GPU_NODE_SELECTOR)
    return spec


def _runtime_container(
    name: str, plan: TaskPlan, image: str, settings: PipelineSettings
) -> dict[str, Any]:
    """A container that runs the node through the runtime's bootstrap (its spec in its env)."""
    return {
        "name": name,
        "image": image,
        "command": ["python3", "-c", Raw(inline.BOOTSTRAP)],
        "args": [],
        "env": _container_env(plan),
        **_env_from(settings),
    }


def _tfjob(
    plan: TaskPlan, image: str, meta: dict[str, Any], settings: PipelineSettings
) -> dict[str, Any]:
    d = plan.node.distributed
    main = {
        **_runtime_container("tensorflow", plan, image, settings),
        "resources": _resources(plan, d.gpus_per_worker),
    }
    replicas: dict[str, Any] = {}
    if d.strategy == TFStrategy.PARAMETER_SERVER:
        replicas["Chief"] = {
            "replicas": 1,
            "restartPolicy": "Never",
            "template": {"spec": _pod_spec([dict(main)], False)},
        }
        ps = dict(main, resources={})
        replicas["PS"] = {
            "replicas": 1,
            "restartPolicy": "Never",
            "template": {"spec": _pod_spec([ps], False)},
        }
    replicas["Worker"] = {
        "replicas": d.workers,
        "restartPolicy": "Never",
        "template": {"spec": _pod_spec([main], d.gpus_per_worker > 0)},
    }
    return {
        "apiVersion": "kubeflow.org/v1",
        "kind": "TFJob",
        "metadata": meta,
        "spec": {
            "runPolicy": {"cleanPodPolicy": "None", "backoffLimit": 0},
            "tfReplicaSpecs": replicas,
        },
    }


def _daskjob(
    plan: TaskPlan, image: str, meta: dict[str, Any], settings: PipelineSettings
) -> dict[str, Any]:
    d = plan.node.distributed
    runner = _runtime_container("job", plan, image, settings)
    worker = {
        "name": "worker",
        "image": image,
        "args": [
            "dask-cuda-worker",
            "--name",
            "$(DASK_WORKER_NAME)",
            "--dashboard",
            "--dashboard-address",
            "8788",
        ],
        "resources": _resources(plan, d.gpus_per_worker),
        "ports": [{"name": "http-dashboard", "containerPort": 8788, "protocol": "TCP"}],
    }
    ports = [("tcp-comm", 8786), ("http-dashboard", 8787)]
    scheduler = {
        "name": "scheduler",
        "image": image,
        "args": ["dask-scheduler"],
        "ports": [{"name": n, "containerPort": p, "protocol": "TCP"} for n, p in ports],
    }
    service = {
        "type": "ClusterIP",
        "selector": {"dask.org/cluster-name": "", "dask.org/component": "scheduler"},
        "ports": [{"name": n, "protocol": "TCP", "port": p, "targetPort": n} for n, p in ports],
    }
    cluster = {
        "worker": {"replicas": d.workers, "spec": _pod_spec([worker], d.gpus_per_worker > 0)},
        "scheduler": {"spec": {"containers": [scheduler]}, "service": service},
    }
    return {
        "apiVersion": "kubernetes.dask.org/v1",
        "kind": "DaskJob",
        "metadata": meta,
        "spec": {
            "job": {"spec": {"restartPolicy": "Never", "containers": [runner]}},
            "cluster": {"spec": cluster},
        },
    }


def cluster_task(plan: TaskPlan, pipeline: Pipeline, imports: Imports) -> Call:
    """A task that creates the node's TFJob or DaskJob, awaits it and returns its outputs."""
    node = plan.node
    image = node_image(node, pipeline.settings)
    meta = {
        "name": "",
        "namespace": pipeline.settings.namespace,
        "labels": {"app.kubernetes.io/managed-by": "stitchboard"},
    }
    if node.kind == NodeKind.TENSORFLOW:
        manifest = _tfjob(plan, image, meta, pipeline.settings)
        chief = "chief" if node.distributed.strategy == TFStrategy.PARAMETER_SERVER else "worker"
        where = {
            "plural": "tfjobs",
            "container": "tensorflow",
            "name_label": "training.kubeflow.org/job-name",
            "chief_labels": {
                "training.kubeflow.org/replica-type": chief,
                "training.kubeflow.org/replica-index": "0",
            },
            "name_paths": [["metadata", "name"]],
        }
    else:
        manifest = _daskjob(plan, image, meta, pipeline.settings)
        where = {
            "plural": "daskjobs",
            "container": "job",
            "name_label": "dask.org/cluster-name",
            "chief_labels": {"dask.org/component": "job-runner"},
            "name_paths": [
                ["metadata", "name"],
                [
                    "spec",
                    "cluster",
                    "spec",
                    "scheduler",
                    "service",
                    "selector",
                    "dask.org/cluster-name",
                ],
            ],
        }
    job = {
        "node": plan.spec.to_json(),
        "prefix": _slug(plan.task_id),
        **where,
        "poll_seconds": POLL_SECONDS,
        "manifest": manifest,
    }
    kwargs: list[tuple[str, Any]] = [
        ("task_id", Raw(atom(plan.task_id))),
        ("python_callable", Raw("run_cluster_job")),
        ("op_kwargs", Map([("job", _exploded(protect(job, imports)))])),
    ]
    kwargs += _common(plan, imports)
    kwargs += _outlets(plan, imports)
    return Call(imports.use("PythonOperator"), [], kwargs, explode=True)
