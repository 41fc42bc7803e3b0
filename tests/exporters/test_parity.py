"""The exported code runs nodes the way the local runtime does (real papermill kernels).

Worker backend: the generated ``run_node`` runs in the Airflow venv's python, with a minimal
context (params + an XCom lookup). Kubernetes backend: no cluster here, so the pod is stood in
for by a local ``python3 -c POD_BOOTSTRAP`` with the env and arguments Airflow rendered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporters.airflow import export_pipeline
from tests.exporters.helpers import example, run_module

pytestmark = pytest.mark.slow
RUNTIME = Path(__file__).resolve().parents[2] / "resources" / "runtime"

DRIVER = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("dagmod", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
calls = json.loads(sys.argv[2])
class TI:
    def __init__(self, xcoms): self.xcoms = xcoms
    def xcom_pull(self, task_ids=None): return self.xcoms[task_ids]
xcoms = {}
dag = mod.dag
for task_id in calls:
    task = dag.get_task(task_id)
    xcoms[task_id] = task.python_callable(**task.op_kwargs, params={"n_rows": 60, "min_accuracy": 0.6}, ti=TI(xcoms))
print("RESULT=" + json.dumps(xcoms))
"""


def _local(pipeline, name: str, inputs: dict, tmp: Path) -> dict:
    sys.path.insert(0, str(RUNTIME))
    import stitchboard_runtime as rt

    node = pipeline.node_by_name(name)
    return rt.run_notebook(
        pipeline.source_path(node),
        inputs,
        [p.name for p in node.outputs],
        tmp / f"{name}.out.ipynb",
    )


def test_worker_run_node_matches_local_runtime(airflow_venv: Path, tmp_path: Path) -> None:
    pipeline = example(tmp_path / "src")
    bundle = export_pipeline(pipeline, "worker")
    dag_file = bundle.write(tmp_path / "dags")[0]
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [
            str(airflow_venv / "bin" / "python"),
            "-c",
            DRIVER,
            str(dag_file),
            json.dumps(["prepare_data", "train_logreg"]),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    remote = json.loads(done.stdout.split("RESULT=", 1)[1])
    local_prep = _local(pipeline, "prepare_data", {"n_rows": 60}, tmp_path)
    local_logreg = _local(
        pipeline,
        "train_logreg",
        {"train": local_prep["train"], "test": local_prep["test"]},
        tmp_path,
    )
    assert remote["prepare_data"] == local_prep
    assert remote["train_logreg"] == local_logreg


def test_pod_bootstrap_matches_local_runtime(tmp_path: Path) -> None:
    pipeline = example(tmp_path / "src")
    namespace, calls = run_module(export_pipeline(pipeline).dag_source)
    pod = next(c for c in calls if c.kwargs.get("task_id") == "prepare_data").kwargs
    node_spec = json.loads(pod["env_vars"]["STITCHBOARD_NODE"])
    result = tmp_path / "return.json"
    node_spec["flags"] = ["--result", str(result)]  # no /airflow/xcom on this machine
    content = namespace["CONTENT"]
    env = dict(
        os.environ,
        STITCHBOARD_NODE=json.dumps(node_spec),
        STITCHBOARD_RUNTIME=content[namespace["RUNTIME_KEY"]],
        STITCHBOARD_SOURCE=content[pod["env_vars"]["STITCHBOARD_SOURCE"].split("'")[1]],
    )
    # what the pod's templated argument renders to when the run's n_rows is 60
    rendered_args = json.dumps({"params": {"n_rows": 60}, "upstream": {}})
    done = subprocess.run(
        [sys.executable, "-c", namespace["POD_BOOTSTRAP"], rendered_args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(result.read_text()) == _local(
        pipeline, "prepare_data", {"n_rows": 60}, tmp_path
    )
