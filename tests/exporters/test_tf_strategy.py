"""A TensorFlow node's strategy reaches its code wherever it runs, distributed or not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.runner.local import node_env
from exporters.airflow import export_pipeline
from graph_editor.nodes import Distributed, NodeKind, TFStrategy
from graph_editor.tensorflow import TF_STRATEGY_ENV
from tests.exporters.helpers import echo_node, run_module, special_pipeline, unwrap


def _pipeline(folder: Path) -> Any:
    """The special cases, with the single-GPU TensorFlow node on two GPUs, mirrored."""
    p = special_pipeline(folder)
    p.update_node("n4", distributed=Distributed(1, 2, TFStrategy.MIRRORED))
    return p


def _tasks(source: str, kind: str) -> dict[str, Any]:
    _, calls = run_module(source)
    return {c.kwargs["task_id"]: c.kwargs for c in calls if c.kind == kind}


def test_a_single_pod_tensorflow_job_gets_its_strategy(tmp_path: Path) -> None:
    pods = _tasks(export_pipeline(_pipeline(tmp_path)).dag_source, "KubernetesPodOperator")
    assert unwrap(pods["single_gpu"]["env_vars"])[TF_STRATEGY_ENV] == "mirrored"
    assert TF_STRATEGY_ENV not in unwrap(pods["fetch"]["env_vars"])  # a notebook node: none


def test_a_tensorflow_job_on_the_worker_gets_its_strategy(tmp_path: Path) -> None:
    p = _pipeline(tmp_path)
    for node_id in ("n1", "n2", "n3"):  # Kubernetes Secrets and cluster jobs: not on a worker
        p.remove_node(node_id)
    tasks = _tasks(export_pipeline(p, "worker").dag_source, "PythonOperator")
    assert unwrap(tasks["single_gpu"]["op_kwargs"]["node"])["env"][TF_STRATEGY_ENV] == "mirrored"


def test_a_tensorflow_job_in_the_dry_run_gets_its_strategy_and_its_own_env_wins() -> None:
    node = echo_node("t", "train", kind=NodeKind.TENSORFLOW)
    assert node_env(node) == {TF_STRATEGY_ENV: "multi_worker_mirrored"}
    chosen = echo_node("t", "train", kind=NodeKind.TENSORFLOW, env={TF_STRATEGY_ENV: "mirrored"})
    assert node_env(chosen)[TF_STRATEGY_ENV] == "mirrored"
    assert TF_STRATEGY_ENV not in node_env(echo_node("n", "plain"))
