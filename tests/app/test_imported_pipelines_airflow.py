"""Pipelines imported from Elyra and Kale run on the test Airflow (worker backend) with the
values their dry-run gives: Airflow parses the DAG (its DagBag) and every task succeeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.deploy import AirflowApi, DeployOptions, deploy
from app.events import RunFinished, RunState
from app.runner import DryRun, RunOptions
from graph_editor import fileformat
from graph_editor.importers.elyra import import_elyra
from graph_editor.importers.kale import import_kale
from tests.graph_editor.test_import_elyra import hello_world_v8, kale_notebook  # noqa: F401

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


def _runs_like_the_dry_run(pipeline: Any, profile: Any, dag_id: str, **params: Any) -> None:
    # One retry 5 s later: a kernel start can time out on a loaded 2-core CI machine.
    pipeline.update_settings(dag_id=dag_id, schedule="", default_retries=1, retry_delay_seconds=5)
    fileformat.save(pipeline, pipeline.path)
    options = DeployOptions(trigger=True, wait=True, params=params)
    events = list(deploy(pipeline, profile, options))
    finished = next(e for e in reversed(events) if isinstance(e, RunFinished))
    assert finished.state == RunState.SUCCEEDED, finished.summary
    run = finished.summary["run"]
    assert set(run["tasks"].values()) == {"succeeded"}, run
    local = list(DryRun(pipeline, RunOptions(use_cache=False, overrides=params)).events())[-1]
    assert local.state == RunState.SUCCEEDED, local.summary
    api = AirflowApi(profile)
    for node in local.summary["nodes"]:
        remote = dict(api.xcom(dag_id, run["run_id"], node["name"]))
        # Produced files travel beside the outputs on Airflow; the dry-run keeps them in its folder.
        made = remote.pop("__files__", {})
        assert sorted(made) == sorted(pipeline.node_by_name(node["name"]).produces)
        assert remote == node["outputs"], node["name"]


def test_an_imported_elyra_pipeline_runs_on_airflow(
    local_profile: Any,
    hello_world_v8: Path,  # noqa: F811
) -> None:
    pipeline, _report = import_elyra(hello_world_v8)
    pipeline.path = hello_world_v8.with_suffix(".stitch")
    # Its Kubernetes Secret is for the kubernetes backend; a worker cannot read one (validation
    # says so), so this worker-backend run goes without it.
    for node in pipeline.nodes:
        pipeline.update_node(node.id, secrets=())
    _runs_like_the_dry_run(pipeline, local_profile, "imported_elyra")


def test_an_imported_kale_notebook_runs_on_airflow(local_profile: Any, tmp_path: Path) -> None:
    source = kale_notebook(tmp_path / "demo.ipynb")
    pipeline, _report = import_kale(source, tmp_path / "demo.stitch")
    pipeline.path = tmp_path / "demo.stitch"
    _runs_like_the_dry_run(pipeline, local_profile, "imported_kale", scale=10)
