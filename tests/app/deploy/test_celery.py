"""A worker-backend DAG on a real CeleryExecutor: the Redis broker (Debian's ``redis-server``)
and a Celery worker started by ``airflow-local start --celery``'s own code on loopback, the
artifacts and produced files through an S3 store (moto's server, reached through an Airflow
connection). Every task's values and files are those of the dry-run."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.deploy import AirflowApi, DeployOptions, deploy
from app.deploy.local import LocalAirflow
from app.events import RunFinished, RunState
from app.runner import DryRun, RunOptions
from graph_editor import fileformat
from graph_editor.nodes import Edge, Node, Port
from graph_editor.types import PortType
from tests.exporters.file_handoff import handoff_pipeline
from tests.helpers import outputs_by_content, write_notebook
from tests.runtime.conftest import CREDENTIALS, make_bucket, s3_endpoint  # noqa: F401

pytestmark = [pytest.mark.airflow, pytest.mark.slow]
CONNECTION = "stitchboard_store"

if shutil.which("redis-server") is None:
    pytest.skip("no redis-server here (apt-get install redis-server)", allow_module_level=True)


@pytest.fixture(scope="module")
def celery_airflow(
    airflow_venv: Path,
    tmp_path_factory: pytest.TempPathFactory,
    s3_endpoint: str,  # noqa: F811
) -> Iterator[LocalAirflow]:
    """A real Airflow with the CeleryExecutor; its workers reach moto through a connection."""
    local = LocalAirflow(home=tmp_path_factory.mktemp("celery-home"), venv=airflow_venv)
    extra = {"endpoint_url": s3_endpoint, "region_name": "us-east-1"}
    conn = {
        "conn_type": "aws",
        "login": CREDENTIALS["key"],
        "password": CREDENTIALS["secret"],
        "extra": json.dumps(extra),
    }
    local.extra_env = {f"AIRFLOW_CONN_{CONNECTION.upper()}": json.dumps(conn)}
    try:
        local.start(timeout=300, celery=True)
        yield local
    finally:
        local.stop()


def _pipeline(folder: Path, store: str):
    """make -> middle -> use (a file made two hops upstream, a shipped file), and a DataFrame
    handed from ``table`` to ``count``: artifacts and files through the S3 store."""
    p = handoff_pipeline(
        folder, declared=True, store=store, dag_id="celery_handoff", connection=CONNECTION
    )
    p.update_settings(store_secret="")  # the kubernetes side's Secret: not used by workers
    write_notebook(
        folder / "table.ipynb",
        parameters="n = 4",
        body="import pandas as pd",
        outputs="frame = pd.DataFrame({'x': list(range(n))})",
    )
    write_notebook(
        folder / "count.ipynb",
        parameters="frame = None",
        outputs="total = int(frame['x'].sum())\nrows = len(frame)",
    )
    p.add_node(
        Node(
            id="t",
            name="table",
            source="table.ipynb",
            inputs=(Port("n", PortType.INT, 4),),
            outputs=(Port("frame", PortType.DATAFRAME),),
        )
    )
    p.add_node(
        Node(
            id="c",
            name="count",
            source="count.ipynb",
            inputs=(Port("frame", PortType.DATAFRAME),),
            outputs=(Port("total", PortType.INT), Port("rows", PortType.INT)),
        )
    )
    p.add_edge(Edge("t", "c", "frame", "frame"))
    fileformat.save(p, folder / "handoff.stitch")
    return fileformat.load(folder / "handoff.stitch")


def test_a_worker_dag_on_a_real_celery_worker_gives_the_dry_runs_values_and_files(
    celery_airflow: LocalAirflow,
    s3_endpoint: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = make_bucket(s3_endpoint)
    # this machine's access to the store: deploy probes it, the test reads the refs back
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    pipeline = _pipeline(tmp_path / "src", f"s3://{bucket}/art")
    profile = dataclasses.replace(celery_airflow.profile(), artifact_store="")
    events = list(deploy(pipeline, profile, DeployOptions(trigger=True, wait=True)))
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    assert finished.state == RunState.SUCCEEDED, finished.summary
    run_id = finished.summary["run"]["run_id"]
    state = json.loads((celery_airflow.home / "stitchboard-local.json").read_text())
    assert state["executor"] == "CeleryExecutor"

    # the same pipeline dry-run here (its own run folder as the store)
    local = list(DryRun(pipeline, RunOptions(use_cache=False)).events())[-1]
    assert local.state == RunState.SUCCEEDED
    api = AirflowApi(profile)
    for node in local.summary["nodes"]:
        remote = api.xcom("celery_handoff", run_id, node["name"])
        declared = {k: remote[k] for k in node["outputs"]}  # the files travel beside them
        assert outputs_by_content(declared, tmp_path / "remote" / node["name"]) == (
            outputs_by_content(node["outputs"], tmp_path / "local" / node["name"])
        ), node["name"]
    counted = api.xcom("celery_handoff", run_id, "count")
    assert counted["total"] == 6 and counted["rows"] == 4
    used = api.xcom("celery_handoff", run_id, "use")
    assert used["rows"] == 5 and used["inputs"] == 6  # the file made two hops up, the shipped one


def test_celery_workers_refuse_the_default_folder_store_in_one_line(
    celery_airflow: LocalAirflow, tmp_path: Path
) -> None:
    """Workers on other machines share no folder: with no store named anywhere, the first task
    that hands an artifact on fails saying which setting to set (not MissingArtifactError
    downstream)."""
    from tests.app.deploy.test_worker_default_store import handoff

    pipeline = handoff(tmp_path / "src")
    pipeline.update_settings(dag_id="celery_no_store", name="No store")
    profile = dataclasses.replace(celery_airflow.profile(), artifact_store="")
    finished = list(deploy(pipeline, profile, DeployOptions(trigger=True, wait=True)))[-1]
    assert isinstance(finished, RunFinished) and finished.state == RunState.FAILED
    run = finished.summary["run"]
    assert run["tasks"]["make"] == "failed", run["tasks"]
    log = AirflowApi(profile).log("celery_no_store", run["run_id"], "make", 1)
    assert "Celery workers do not share a folder: set the pipeline's artifact_store" in log
