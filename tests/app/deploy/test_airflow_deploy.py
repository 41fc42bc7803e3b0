"""Deploy against a real Airflow 3.3 started by airflow-local's code (loopback, own venv)."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main
from app.deploy import AirflowApi, DeployOptions, deploy, deploy_bundle
from app.deploy.errors import AuthFailed, DagIdTaken, ImportFailed
from app.deploy.local import LocalAirflow
from app.events import NodeEvent, NodeState, RunFinished, RunState
from app.runner import DryRun, RunOptions
from app.settings import Profile
from exporters.airflow import Bundle
from graph_editor import fileformat
from tests.helpers import outputs_by_content

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

TINY = '''"""A tiny hand-written Airflow 3 DAG (a real bundle)."""
from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG(dag_id="{dag_id}", schedule=None, description="{note}"):
    EmptyOperator(task_id="only")
'''


def tiny_bundle(dag_id: str, note: str = "v1", file_name: str = "", source: str = "") -> Bundle:
    name = file_name or f"{dag_id}.py"
    text = source or TINY.format(dag_id=dag_id, note=note)
    return Bundle(dag_id, name, text, {name: text.encode()})


def finish(events: Any) -> tuple[RunFinished, list[Any]]:
    seen = list(events)
    assert isinstance(seen[-1], RunFinished)
    return seen[-1], seen


def close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative (numpy builds may differ in the last bits)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.fixture
def quick_example(example_copy: Path) -> Path:
    """The example, unscheduled and retrying after 5 s instead of 300 s (tests wait less)."""
    pipeline = fileformat.load(example_copy)
    # "@daily" would start a scheduled run on unpause, ahead of ours (max_active_runs=1).
    pipeline.update_settings(schedule="", retry_delay_seconds=5)
    fileformat.save(pipeline, example_copy)
    return example_copy


def test_example_runs_on_airflow_with_the_values_of_the_dry_run(
    local_profile: Profile, quick_example: Path, tmp_path: Path
) -> None:
    pipeline = fileformat.load(quick_example)
    params = {"n_rows": 240, "min_accuracy": 0.5}
    finished, events = finish(
        deploy(pipeline, local_profile, DeployOptions(trigger=True, wait=True, params=params))
    )
    assert finished.state == RunState.SUCCEEDED, finished.summary
    run = finished.summary["run"]
    assert set(run["tasks"].values()) == {"succeeded"}
    assert {
        e.node_name for e in events if isinstance(e, NodeEvent) and e.state == NodeState.SUCCEEDED
    } == {n.name for n in pipeline.nodes}

    local = list(DryRun(pipeline, RunOptions(overrides=params, use_cache=False)).events())[-1]
    assert local.state == RunState.SUCCEEDED
    api = AirflowApi(local_profile)
    compared = []
    for node in local.summary["nodes"]:
        if node["state"] != "succeeded":  # sampled nodes did not run here: nothing to compare
            continue
        remote = api.xcom("customer_churn", run["run_id"], node["name"])
        # DataFrames and the model travel as artifact refs: compare what they hold.
        assert close(
            outputs_by_content(remote, tmp_path / "remote"),
            outputs_by_content(node["outputs"], tmp_path / "local"),
        ), node["name"]
        compared.append(node["name"])
    assert {"prepare_data", "train_logreg", "compare_models"} <= set(compared)


def test_same_pipeline_twice_is_one_dag_and_not_delivered_again(
    local_profile: Profile, quick_example: Path
) -> None:
    pipeline = fileformat.load(quick_example)
    first, _ = finish(deploy(pipeline, local_profile))
    second, _ = finish(deploy(pipeline, local_profile))
    assert second.summary["delivered"] is False
    assert first.summary["dag_id"] == second.summary["dag_id"] == "customer_churn"
    api = AirflowApi(local_profile)
    from airflow_client import client as af

    dags = api.call(af.DAGApi(api.client()).get_dags, dag_id_pattern="customer_churn").dags
    assert [d.dag_id for d in dags] == ["customer_churn"]
    assert api.dag("customer_churn").is_paused is False


def test_a_bundle_airflow_rejects_is_rolled_back(
    local_profile: Profile, local_airflow: LocalAirflow
) -> None:
    good = tiny_bundle("sb_rollback", "good")
    finish(deploy_bundle(good, local_profile))
    broken = tiny_bundle("sb_rollback", source=good.dag_source + "raise RuntimeError('kaputt')\n")
    with pytest.raises(ImportFailed) as info:
        list(deploy_bundle(broken, local_profile))
    assert "RuntimeError: kaputt" in str(info.value)
    assert "previous version is back" in str(info.value)
    assert "Traceback" in info.value.traceback
    path = local_airflow.dags_folder / "sb_rollback.py"
    assert path.read_text() == good.dag_source
    api = AirflowApi(local_profile)
    deadline = time.monotonic() + 60
    while api.import_errors("sb_rollback.py") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert api.import_errors("sb_rollback.py") == []  # the previous version is live again
    assert api.dag_source("sb_rollback") == good.dag_source


def test_a_dag_id_defined_by_another_file_is_refused(
    local_profile: Profile, local_airflow: LocalAirflow
) -> None:
    finish(deploy_bundle(tiny_bundle("sb_taken"), local_profile))
    intruder = tiny_bundle("sb_taken", file_name="someone_else.py")
    with pytest.raises(DagIdTaken, match="already defined by sb_taken.py"):
        list(deploy_bundle(intruder, local_profile))
    assert not (local_airflow.dags_folder / "someone_else.py").exists()


def test_bad_credentials_are_one_line(
    local_profile: Profile,
    monkeypatch: pytest.MonkeyPatch,
    example_copy: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    from app import settings

    wrong = Profile(
        **{
            **local_profile.to_json(),
            "name": "wrong",
            "password_file": "",
            "target": local_profile.target,
        }
    )
    monkeypatch.setenv("STITCHBOARD_SECRET_WRONG_PASSWORD", "not-the-password")
    with pytest.raises(AuthFailed, match="refused the credentials of user 'admin'"):
        list(deploy(fileformat.load(example_copy), wrong))
    config = settings.load()
    config.put(wrong)
    config.save()
    with pytest.raises(SystemExit) as exit_info:
        main(["deploy", str(example_copy), "--profile", "wrong"])
    assert exit_info.value.code == 1
    out = capsys.readouterr()
    err = out.err.strip().splitlines()
    assert err[-1].startswith("stitchboard: error: Airflow at http://127.0.0.1:")
    assert "refused the credentials" in err[-1]
    assert "not-the-password" not in out.out + out.err


def test_cli_deploy_trigger_wait_then_runs(
    local_profile: Profile, quick_example: Path, capsys: pytest.CaptureFixture
) -> None:
    example_copy = quick_example
    from app import settings

    config = settings.load()
    config.put(local_profile)
    config.save()
    code = main(
        [
            "deploy",
            str(example_copy),
            "--profile",
            "local",
            "--trigger",
            "--wait",
            "-p",
            "n_rows=120",
            "-p",
            "min_accuracy=0.99",
        ]
    )
    out = capsys.readouterr()
    assert code == 1  # the accuracy bar is not met: compare_models fails on Airflow too
    assert "failed: compare_models" in out.out
    assert "--- log of compare_models ---" in out.err
    assert "0.99" in out.err or "accuracy" in out.err
    assert main(["runs", str(example_copy), "--profile", "local", "--limit", "1"]) == 0
    listing = capsys.readouterr().out
    assert "failed" in listing and "compare_models" in listing
