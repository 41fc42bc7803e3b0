"""The exported code runs nodes the way the local runtime does (real papermill kernels).

Worker backend: the generated ``run_node`` runs in the Airflow venv's python, with a minimal
context (params + an XCom lookup). Kubernetes backend: no cluster here, so the pod is stood in
for by a local ``python3 -c POD_BOOTSTRAP`` with the env and arguments Airflow rendered.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exporters.airflow import export_pipeline
from tests.exporters.helpers import example, run_module
from tests.helpers import outputs_by_content

pytestmark = pytest.mark.slow
RUNTIME = Path(__file__).resolve().parents[2] / "resources" / "runtime"

DRIVER = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("dagmod", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
calls = json.loads(sys.argv[2])
class TI:
    # A stand-in for Airflow's task instance: the ids a task reads and an XCom lookup.
    dag_id, run_id = "customer_churn", "manual__parity"
    def __init__(self, xcoms, task_id): self.xcoms, self.task_id = xcoms, task_id
    def xcom_pull(self, task_ids=None): return self.xcoms[task_ids]
xcoms = {}
dag = mod.dag
for task_id in calls:
    task = dag.get_task(task_id)
    xcoms[task_id] = task.python_callable(**task.op_kwargs, params={"n_rows": 60, "min_accuracy": 0.6}, ti=TI(xcoms, task_id))
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
        store=str(tmp / "local-store"),
        prefix=("local", name),
    )


def test_worker_run_node_matches_local_runtime(airflow_venv: Path, tmp_path: Path) -> None:
    """The example hands DataFrames and a fitted model on: the worker tasks share a folder
    store (as workers share a volume), and their outputs equal the local runtime's."""
    pipeline = example(tmp_path / "src")
    pipeline.update_settings(artifact_store=str(tmp_path / "store"))
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
    assert outputs_by_content(remote["prepare_data"], tmp_path) == outputs_by_content(
        local_prep, tmp_path
    )
    assert outputs_by_content(remote["train_logreg"], tmp_path) == outputs_by_content(
        local_logreg, tmp_path
    )
    assert outputs_by_content(remote["prepare_data"], tmp_path)["train"]["artifact"] == "dataframe"


def test_pod_bootstrap_matches_local_runtime(tmp_path: Path) -> None:
    pipeline = example(tmp_path / "src")
    namespace, calls = run_module(export_pipeline(pipeline).dag_source)
    pod = next(c for c in calls if c.kwargs.get("task_id") == "prepare_data").kwargs
    node_spec = json.loads(pod["env_vars"]["STITCHBOARD_NODE"])
    result = tmp_path / "return.json"
    node_spec["flags"] = ["--result", str(result)]  # no /airflow/xcom on this machine
    content = namespace["CONTENT"]
    ship = json.loads(pod["env_vars"]["STITCHBOARD_SHIP"])
    env = dict(
        os.environ,
        STITCHBOARD_NODE=json.dumps(node_spec),
        STITCHBOARD_SHIP=json.dumps(ship),
        **{f"STITCHBOARD_FILE_{key}": content[key] for key in ship.values()},
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
    # DataFrames leave as artifact refs: compare what they hold, not where they were stored.
    pod_outputs = outputs_by_content(json.loads(result.read_text()), tmp_path)
    local_outputs = outputs_by_content(
        _local(pipeline, "prepare_data", {"n_rows": 60}, tmp_path), tmp_path
    )
    assert pod_outputs == local_outputs
    assert pod_outputs["train"]["artifact"] == "dataframe"


# -- through an artifact store, on a real Airflow (worker backend) ----------------------------

FRAME_PARAMS = "n: int = 10\n"
FRAME_OUTPUTS = (
    "import pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "table = pd.DataFrame({'x': [float(i) for i in range(n)], 'y': [i % 2 for i in range(n)]})\n"
    "model = LogisticRegression().fit(table[['x']], table['y'])\n"
    "values = [i * 0.5 for i in range(n)]\n"
)
FRAME_USE_PARAMS = "table: object = None\nmodel: object = None\nvalues: list = []\n"
FRAME_USE_OUTPUTS = (
    "rows: int = len(table)\n"
    "score: float = float(model.score(table[['x']], table['y']))\n"
    "total: float = sum(values)\n"
)


def _runtime_stores_artifacts() -> bool:
    import inspect

    from resources.runtime import stitchboard_runtime

    return "store" in inspect.signature(stitchboard_runtime.run_spec).parameters


def _store_pipeline(folder: Path, store: str, frames: bool) -> Any:
    from graph_editor.nodes import Edge, Node, PipelineSettings, Port
    from graph_editor.pipeline import Pipeline
    from graph_editor.types import PortType
    from tests.exporters.helpers import write_notebook

    folder.mkdir(parents=True, exist_ok=True)
    make_out = FRAME_OUTPUTS if frames else FRAME_OUTPUTS.splitlines(True)[-1]
    use_out = FRAME_USE_OUTPUTS if frames else FRAME_USE_OUTPUTS.splitlines(True)[-1]
    write_notebook(folder / "make.ipynb", FRAME_PARAMS, make_out)
    write_notebook(folder / "use.ipynb", FRAME_USE_PARAMS, use_out)
    dag_id = "store_frames" if frames else "store_values"
    settings = PipelineSettings(
        name=dag_id, dag_id=dag_id, artifact_store=store, store_connection="sb_store"
    )
    pipeline = Pipeline(settings=settings, path=folder / "p.stitch")
    names = ("table", "model", "values") if frames else ("values",)
    kinds = {"table": PortType.ANY, "model": PortType.ANY, "values": PortType.LIST}
    pipeline.add_node(
        Node(
            id="a",
            name="make",
            source="make.ipynb",
            inputs=(Port("n", PortType.INT, 10),),
            outputs=tuple(Port(n, kinds[n]) for n in names),
            values={"n": 20_000},
        )
    )
    results = ("rows", "score", "total") if frames else ("total",)
    pipeline.add_node(
        Node(
            id="b",
            name="use",
            source="use.ipynb",
            inputs=tuple(Port(n, kinds[n], None) for n in names),
            outputs=tuple(Port(n, PortType.FLOAT) for n in results),
        )
    )
    for name in names:
        pipeline.add_edge(Edge("a", "b", name, name))
    return pipeline


def _create_connection(profile: Any, s3: str) -> None:
    """The workers' way to the store: an Airflow ``aws`` connection, made through Airflow's API."""
    import airflow_client.client as af

    from app.deploy import AirflowApi
    from app.deploy.errors import Conflict

    api = AirflowApi(profile)
    body = af.ConnectionBody(
        connection_id="sb_store",
        conn_type="aws",
        login="testing",
        password="testing",
        extra=json.dumps({"endpoint_url": s3, "region_name": "us-east-1"}),
    )
    try:
        api.call(af.ConnectionApi(api.client()).post_connection, body)
    except Conflict:
        pass  # made by an earlier test of this session


@pytest.mark.airflow
@pytest.mark.parametrize("frames", [False, True], ids=["big-list", "dataframe-and-model"])
def test_worker_dag_hands_data_through_the_s3_store_like_the_dry_run(
    local_profile: Any, s3_endpoint: str, tmp_path: Path, frames: bool
) -> None:
    if frames and not _runtime_stores_artifacts():
        pytest.skip("needs run_spec(..., store=, prefix=): the runtime stores artifacts itself")
    from app.deploy import AirflowApi
    from app.events import RunFinished, RunState
    from tests.runtime.conftest import make_bucket

    bucket = make_bucket(s3_endpoint)
    pipeline = _store_pipeline(tmp_path / "src", f"s3://{bucket}/art", frames)
    local_profile, finished = _deploy_through_s3(pipeline, local_profile, s3_endpoint)
    api = AirflowApi(local_profile)
    assert isinstance(finished, RunFinished)
    run_id = finished.summary["run"]["run_id"]
    if finished.state != RunState.SUCCEEDED:  # show the failed task's own log
        failed = next(t for t, s in finished.summary["run"]["tasks"].items() if s == "failed")
        pytest.fail(api.log(pipeline.settings.dag_id, run_id, failed, 1)[-3000:])
    handed = api.xcom(pipeline.settings.dag_id, run_id, "make")
    for ref in handed.values():  # only references went through XCom, into this run's folder
        assert ref["uri"].startswith(f"s3://{bucket}/art/{pipeline.settings.dag_id}/")
        assert "/make/" in ref["uri"]
    remote = api.xcom(pipeline.settings.dag_id, run_id, "use")
    assert remote == pytest.approx(_dry_run_outputs(pipeline, tmp_path, frames))


def _deploy_through_s3(pipeline: Any, profile: Any, s3_endpoint: str) -> tuple[Any, Any]:
    """Deploy, trigger and wait with the pipeline's S3 store (moto); (profile used, last event).

    The local profile's own folder store would win at deploy, so it is cleared; workers reach
    the store through an Airflow connection, the laptop (deploy's probe) through AWS_* vars.
    """
    from app.deploy import DeployOptions, deploy

    profile = dataclasses.replace(profile, artifact_store="")
    _create_connection(profile, s3_endpoint)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_ENDPOINT_URL=s3_endpoint
    )
    try:
        events = list(deploy(pipeline, profile, DeployOptions(trigger=True, wait=True)))
    finally:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
            os.environ.pop(key, None)
    return profile, events[-1]


def _dry_run_outputs(pipeline: Any, tmp: Path, frames: bool) -> dict[str, Any]:
    """``use``'s outputs on the laptop: the dry-run (frames), or the runtime node by node."""
    if frames:
        from app.runner import DryRun, RunOptions

        summary = list(DryRun(pipeline, RunOptions(use_cache=False)).events())[-1].summary
        return next(n for n in summary["nodes"] if n["name"] == "use")["outputs"]
    made = _local(pipeline, "make", {"n": 20_000}, tmp)
    return _local(pipeline, "use", made, tmp)


# -- files beside notebooks, on a real Airflow (worker backend) -------------------------------


@pytest.mark.airflow
@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_worker_dag_hands_files_on_like_the_dry_run(
    local_profile: Any, s3_endpoint: str, tmp_path: Path, declared: bool
) -> None:
    """``make`` writes data/out.csv, ``use`` (two ordering-only hops later) reads it and its own
    shipped data/input.csv. Declared: the same outputs as the dry-run; undeclared: the task
    fails with the dry-run's line."""
    from app.deploy import AirflowApi
    from app.events import RunFinished, RunState
    from tests.exporters.file_handoff import EXPECTED, handoff_pipeline
    from tests.exporters.test_file_handoff import dry_run
    from tests.runtime.conftest import make_bucket

    bucket = make_bucket(s3_endpoint)
    store = f"s3://{bucket}/art"
    pipeline = handoff_pipeline(
        tmp_path / "src", declared=declared, store=store, connection="sb_store"
    )
    pipeline.update_settings(store_secret="")  # workers reach the store by the connection
    local_profile, finished = _deploy_through_s3(pipeline, local_profile, s3_endpoint)
    assert isinstance(finished, RunFinished)
    api = AirflowApi(local_profile)
    dag_id, run_id = pipeline.settings.dag_id, finished.summary["run"]["run_id"]
    tasks = finished.summary["run"]["tasks"]
    local = dry_run(pipeline)["use"]
    if declared:
        if finished.state != RunState.SUCCEEDED:
            failed = next(t for t, s in tasks.items() if s == "failed")
            pytest.fail(api.log(dag_id, run_id, failed, 1)[-3000:])
        assert api.xcom(dag_id, run_id, "use") == local["outputs"] == EXPECTED
        made = api.xcom(dag_id, run_id, "make")["__files__"]["data/out.csv"]
        assert made["uri"].startswith(f"{store}/{dag_id}/")  # through the store, by reference
    else:
        assert finished.state == RunState.FAILED
        assert tasks["use"] == "failed" and tasks["make"] != "failed"
        assert f"MissingFileError: {local['detail']}" in api.log(dag_id, run_id, "use", 1)


# -- an R node on a real Airflow (worker backend) ---------------------------------------------


@pytest.mark.airflow
def test_worker_dag_with_r_and_spark_nodes_runs_on_airflow_with_the_dry_runs_values(
    local_profile: Any, tmp_path: Path
) -> None:
    """The mixed example (Python -> R notebook -> Python, a DataFrame each way, and a PySpark
    notebook on a local Spark in the worker) deployed to the test Airflow: every task's XCom
    holds what the dry-run's node produced."""
    from app.deploy import AirflowApi, DeployOptions, deploy
    from app.events import RunFinished, RunState
    from app.runner import DryRun, RunOptions
    from tests.exporters.test_rlang_export import mixed

    pipeline = mixed(tmp_path / "src")
    pipeline.update_settings(dag_id="mixed_r_parity")
    events = list(deploy(pipeline, local_profile, DeployOptions(trigger=True, wait=True)))
    finished = events[-1]
    api = AirflowApi(local_profile)
    assert isinstance(finished, RunFinished)
    run_id = finished.summary["run"]["run_id"]
    if finished.state != RunState.SUCCEEDED:  # show the failed task's own log
        failed = next(t for t, s in finished.summary["run"]["tasks"].items() if s == "failed")
        pytest.fail(api.log(pipeline.settings.dag_id, run_id, failed, 1)[-3000:])
    summary = list(DryRun(pipeline, RunOptions(use_cache=False)).events())[-1].summary
    dry = {n["name"]: n["outputs"] for n in summary["nodes"]}
    assert set(dry) == {"prepare", "r_stats", "report", "spark_totals"}
    for task in sorted(dry):
        remote = api.xcom(pipeline.settings.dag_id, run_id, task)
        assert outputs_by_content(remote, tmp_path) == outputs_by_content(dry[task], tmp_path)
        if task == "report":
            assert remote["groups"] == 3
