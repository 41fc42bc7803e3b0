"""Test helpers: sample pipelines, and running a generated DAG module against recording stubs.

The stubs stand in for Airflow only to read back the exact Python values the module builds
(the real Airflow DagBag checks live in test_dagbag.py).
"""

from __future__ import annotations

import json
import shutil
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_editor import fileformat
from graph_editor.nodes import (
    Distributed,
    Node,
    NodeKind,
    PipelineParameter,
    PipelineSettings,
    Port,
    Resources,
    SecretRef,
    SecretSource,
    TFStrategy,
)
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "resources" / "examples" / "churn"


def write_notebook(path: Path, params: str, outputs: str) -> Path:
    """A minimal notebook with a ``parameters`` and an ``outputs`` cell."""
    cells = [
        {
            "cell_type": "code",
            "id": "params",
            "metadata": {"tags": ["parameters"]},
            "source": params,
            "outputs": [],
            "execution_count": None,
        },
        {
            "cell_type": "code",
            "id": "outputs",
            "metadata": {"tags": ["outputs"]},
            "source": outputs,
            "outputs": [],
            "execution_count": 3,
        },
    ]
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


ECHO_PARAMS = 'text: str = "x"\ndata: dict = {}\nn: int = 1\n'
ECHO_OUTPUTS = "out: str = text\nsize: int = len(data) + n\n"
ECHO_INPUTS = (
    Port("text", PortType.STR, "x"),
    Port("data", PortType.DICT, {}),
    Port("n", PortType.INT, 1),
)
ECHO_OUTPUT_PORTS = (Port("out", PortType.STR), Port("size", PortType.INT))


def echo_node(node_id: str, name: str, **changes: Any) -> Node:
    return Node(
        id=node_id,
        name=name,
        source="echo.ipynb",
        inputs=ECHO_INPUTS,
        outputs=ECHO_OUTPUT_PORTS,
        **changes,
    )


def special_pipeline(folder: Path) -> Pipeline:
    """Secrets, env, GPU, pool/retries/timeout, a distributed TFJob and a distributed RAPIDS job."""
    folder.mkdir(parents=True, exist_ok=True)
    write_notebook(folder / "echo.ipynb", ECHO_PARAMS, ECHO_OUTPUTS)
    shutil.copy(EXAMPLE_DIR / "feature_stats.py", folder / "feature_stats.py")
    settings = PipelineSettings(
        name="Special cases",
        description="Secrets, GPUs and distributed jobs.",
        dag_id="special_cases",
        schedule="0 3 * * 1-5",
        tags=("gpu",),
        owner="ml-platform",
        namespace="training",
        default_retries=2,
        retry_delay_seconds=60,
        max_active_runs=3,
        parameters=(
            PipelineParameter("greeting", PortType.STR, "hello", "What to say"),
            PipelineParameter("limit", PortType.INT, None, "Optional cap"),
        ),
    )
    p = Pipeline(settings, folder / "special.stitch")
    p.add_node(
        echo_node(
            "n1",
            "fetch",
            description="Fetch with credentials\nfrom two places",
            bindings={"text": "greeting", "n": "limit"},
            values={"data": {"k": [1, 2]}},
            env={"MODE": "strict", "CONFIG": "conf.json"},
            pool="io_pool",
            retries=5,
            timeout_seconds=600,
            secrets=(
                SecretRef("API_TOKEN", SecretSource.KUBERNETES, "api-secrets", "token"),
                SecretRef("DB_URI", SecretSource.AIRFLOW_CONNECTION, "warehouse_db"),
                SecretRef(
                    "DB_PASSWORD", SecretSource.AIRFLOW_CONNECTION, "warehouse_db", "password"
                ),
            ),
        )
    )
    p.add_node(
        echo_node(
            "n2",
            "train_dist",
            kind=NodeKind.TENSORFLOW,
            image="tensorflow/tensorflow:2.17.0-gpu",
            description="Four workers with two GPUs each",
            distributed=Distributed(4, 2, TFStrategy.MULTI_WORKER_MIRRORED),
            resources=Resources(cpu="4", memory="16Gi"),
            secrets=(SecretRef("WANDB_KEY", SecretSource.KUBERNETES, "wandb", "key"),),
        )
    )
    p.add_node(
        Node(
            id="n3",
            name="stats_dist",
            kind=NodeKind.RAPIDS,
            source="feature_stats.py",
            image="rapidsai/base:24.12-cuda12.5-py3.12",
            description="Dask-CUDA on 3 workers",
            inputs=(Port("train", PortType.DICT),),
            outputs=(Port("feature_stats", PortType.DICT), Port("backend", PortType.STR)),
            distributed=Distributed(3, 1),
            values={"train": {"X": [[0.0]], "y": [0]}},
        )
    )
    p.add_node(
        echo_node(
            "n4",
            "single_gpu",
            kind=NodeKind.TENSORFLOW,
            image="tensorflow/tensorflow:2.17.0-gpu",
            description="One GPU pod",
        )
    )
    from graph_editor.nodes import Edge

    p.add_edge(Edge("n1", "n2", "out", "text"))
    p.add_edge(Edge("n1", "n4", "size", "n"))
    p.add_edge(Edge("n2", "n4"))
    p.add_edge(Edge("n3", "n4"))
    return p


def example(folder: Path) -> Pipeline:
    target = folder / "churn"
    shutil.copytree(
        EXAMPLE_DIR,
        target,
        ignore=shutil.ignore_patterns("*.runs", "__pycache__"),
        dirs_exist_ok=True,
    )
    return fileformat.load(target / "churn.stitch")


# -- running a generated module against recording stubs ---------------------------------------
@dataclass
class Recorded:
    """A constructor call seen while executing the module."""

    kind: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    upstream: list[Any] = field(default_factory=list)

    def __rshift__(self, other: Any) -> Any:
        for target in other if isinstance(other, list) else [other]:
            target.upstream.append(self.kwargs["task_id"])
        return other


@dataclass(frozen=True)
class Literal:
    value: Any


def _recorder(kind: str, sink: list[Recorded]) -> Any:
    def make(*args: Any, **kwargs: Any) -> Recorded:
        rec = Recorded(kind, args, kwargs)
        sink.append(rec)
        return rec

    return make


class _Dag(Recorded):
    def __enter__(self) -> _Dag:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


def run_module(source: str) -> tuple[dict[str, Any], list[Recorded]]:
    """Execute a generated DAG module with stub Airflow modules; returns (namespace, calls)."""
    calls: list[Recorded] = []
    mods = {
        "airflow": types.ModuleType("airflow"),
        "airflow.sdk": types.SimpleNamespace(
            DAG=lambda **kw: calls.append(_Dag("DAG", (), kw)) or calls[-1],
            Param=_recorder("Param", calls),
            Asset=_recorder("Asset", calls),
            literal=Literal,
        ),
        "airflow.providers.cncf.kubernetes.operators.pod": types.SimpleNamespace(
            KubernetesPodOperator=_recorder("KubernetesPodOperator", calls)
        ),
        "airflow.providers.cncf.kubernetes.secret": types.SimpleNamespace(
            Secret=_recorder("Secret", calls)
        ),
        "airflow.providers.standard.operators.python": types.SimpleNamespace(
            PythonOperator=_recorder("PythonOperator", calls)
        ),
        "kubernetes": types.ModuleType("kubernetes"),
        "kubernetes.client": types.SimpleNamespace(
            models=types.SimpleNamespace(
                V1ResourceRequirements=_recorder("V1ResourceRequirements", calls),
                V1Toleration=_recorder("V1Toleration", calls),
                V1Volume=_recorder("V1Volume", calls),
                V1VolumeMount=_recorder("V1VolumeMount", calls),
                V1PersistentVolumeClaimVolumeSource=_recorder("V1PVCSource", calls),
                V1EnvVar=_recorder("V1EnvVar", calls),
                V1EnvVarSource=_recorder("V1EnvVarSource", calls),
                V1ObjectFieldSelector=_recorder("V1ObjectFieldSelector", calls),
            )
        ),
    }
    saved = {k: sys.modules.get(k) for k in mods}
    sys.modules.update(mods)  # type: ignore[arg-type]
    try:
        namespace: dict[str, Any] = {"__name__": "generated_dag"}
        exec(compile(source, "generated_dag.py", "exec"), namespace)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return namespace, calls


def unwrap(value: Any) -> Any:
    """Replace literal() markers by their values (what Airflow hands the task after rendering)."""
    if isinstance(value, Literal):
        return unwrap(value.value)
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [unwrap(v) for v in value]
    return value


def has_jinja(value: Any) -> bool:
    """Whether a value left unwrapped would be rendered by Airflow (user text only)."""
    if isinstance(value, Literal):
        return False
    if isinstance(value, str):
        return any(d in value for d in ("{{", "{%", "{#"))
    if isinstance(value, dict):
        return any(has_jinja(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_jinja(v) for v in value)
    return False
