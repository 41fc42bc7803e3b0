"""What ``deploy --json`` prints, from the typed deploy report: keys appear once they apply."""

from __future__ import annotations

from dataclasses import replace

from app.deploy import AirflowRunReport, DeploySummary
from app.events import NodeState, RunFinished, RunState

BASE = DeploySummary("churn", "ab12", True, "folder /dags", "local", "http://127.0.0.1:8080")


def test_a_plain_deploy_reports_where_the_dag_went() -> None:
    assert RunFinished(RunState.SUCCEEDED, BASE).summary == {
        "dag_id": "churn",
        "digest": "ab12",
        "delivered": True,
        "target": "folder /dags",
        "profile": "local",
        "base_url": "http://127.0.0.1:8080",
    }


def test_a_watched_run_adds_its_id_task_states_and_failures() -> None:
    run = AirflowRunReport(
        "churn",
        "manual__1",
        "failed",
        tasks={"prepare": NodeState.SUCCEEDED, "train": NodeState.FAILED},
        failed=("train",),
    )
    data = replace(BASE, run_id="manual__1", run=run).to_json()
    assert list(data)[-2:] == ["run_id", "run"]
    assert data["run"] == {
        "dag_id": "churn",
        "run_id": "manual__1",
        "state": "failed",
        "tasks": {"prepare": "succeeded", "train": "failed"},
        "failed": ["train"],
    }


def test_a_watch_stopped_early_says_so_without_task_states() -> None:
    run = AirflowRunReport("churn", "manual__1", "running", watch_stopped=True)
    assert run.to_json() == {
        "dag_id": "churn",
        "run_id": "manual__1",
        "state": "running",
        "watch": "stopped",
    }
