"""Watching Airflow runs: task states as ``app.events`` (the CLI shows progress, the GUI colours)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.deploy.airflow import AirflowApi
from app.deploy.errors import DeployError
from app.deploy.summary import AirflowRunReport
from app.events import (
    Event,
    LogEvent,
    LogLevel,
    NodeEvent,
    NodeState,
    ProgressEvent,
    RunFinished,
    RunState,
)

TASK_STATES: dict[str, NodeState] = {
    "scheduled": NodeState.QUEUED,
    "queued": NodeState.QUEUED,
    "running": NodeState.RUNNING,
    "restarting": NodeState.RUNNING,
    "up_for_retry": NodeState.QUEUED,
    "up_for_reschedule": NodeState.QUEUED,
    "deferred": NodeState.RUNNING,
    "awaiting_input": NodeState.RUNNING,
    "success": NodeState.SUCCEEDED,
    "failed": NodeState.FAILED,
    "upstream_failed": NodeState.SKIPPED,
    "skipped": NodeState.SKIPPED,
    "removed": NodeState.CANCELLED,
}
RUN_STATES = {"success": RunState.SUCCEEDED, "failed": RunState.FAILED}


@dataclass(frozen=True)
class TaskNode:
    """Which pipeline node an Airflow task stands for."""

    node_id: str
    node_name: str


def _value(state: Any) -> str:
    return str(getattr(state, "value", state) or "")


def node_state(task_state: Any) -> NodeState:
    """An Airflow task-instance state as a node state (no state yet: pending)."""
    return TASK_STATES.get(_value(task_state), NodeState.PENDING)


def task_states(api: AirflowApi, dag_id: str, run_id: str) -> dict[str, dict[str, Any]]:
    """``task_id -> {state, try_number, airflow_state}`` for one run."""
    return {
        ti.task_id: {
            "state": node_state(ti.state).value,
            "airflow_state": _value(ti.state),
            "try_number": ti.try_number,
        }
        for ti in api.task_instances(dag_id, run_id)
    }


def run_summary(api: AirflowApi, dag_id: str, run: Any) -> dict[str, Any]:
    """A JSON-able line about a run with its task states."""
    return {
        "dag_id": dag_id,
        "run_id": run.dag_run_id,
        "state": _value(run.state),
        "run_after": run.run_after.isoformat() if run.run_after else None,
        "conf": run.conf or {},
        "tasks": task_states(api, dag_id, run.dag_run_id),
    }


def latest_runs(api: AirflowApi, dag_id: str, limit: int = 5) -> list[dict[str, Any]]:
    """The DAG's latest runs, newest first, with task states."""
    return [run_summary(api, dag_id, run) for run in api.runs(dag_id, limit)]


def watch_run(
    api: AirflowApi,
    dag_id: str,
    run_id: str,
    nodes: dict[str, TaskNode] | None = None,
    *,
    poll: float = 1.0,
    timeout: float = 6 * 3600,
    cancel: threading.Event | None = None,
) -> Iterator[Event]:
    """Yield task state changes until the run ends; failed tasks' logs; then ``RunFinished``."""
    nodes = nodes or {}
    seen: dict[str, tuple[str, int]] = {}
    last_progress = (-1, -1)
    deadline = time.monotonic() + timeout
    while True:
        run = api.run(dag_id, run_id)
        tis = api.task_instances(dag_id, run_id)
        for ti in sorted(tis, key=lambda t: t.task_id):
            key = (_value(ti.state), ti.try_number)
            if seen.get(ti.task_id) == key:
                continue
            seen[ti.task_id] = key
            node = nodes.get(ti.task_id, TaskNode(ti.task_id, ti.task_id))
            detail = "retrying" if key[0] == "up_for_retry" else key[0]
            yield NodeEvent(
                node.node_id,
                node.node_name,
                node_state(ti.state),
                detail,
                {"task_id": ti.task_id, "try_number": ti.try_number},
            )
        done = sum(1 for ti in tis if node_state(ti.state).is_final)
        if (done, len(tis)) != last_progress:
            last_progress = (done, len(tis))
            yield ProgressEvent(done, len(tis), "running")
        state = _value(run.state)
        if state in RUN_STATES:
            break
        if cancel is not None and cancel.is_set():
            yield RunFinished(
                RunState.CANCELLED, AirflowRunReport(dag_id, run_id, state, watch_stopped=True)
            )
            return
        if time.monotonic() > deadline:
            raise DeployError(f"run {run_id} of {dag_id} still {state} after {timeout:.0f} s")
        time.sleep(poll)
    for ti in tis:
        if node_state(ti.state) == NodeState.FAILED:
            node = nodes.get(ti.task_id, TaskNode(ti.task_id, ti.task_id))
            try:
                text = api.log(dag_id, run_id, ti.task_id, max(ti.try_number, 1))
            except DeployError as exc:
                text = f"(log unavailable: {exc})"
            yield LogEvent(text, node.node_id, node.node_name, level=LogLevel.ERROR)
    report = AirflowRunReport(
        dag_id,
        run_id,
        state,
        tasks={ti.task_id: node_state(ti.state) for ti in tis},
        failed=tuple(sorted(ti.task_id for ti in tis if node_state(ti.state) == NodeState.FAILED)),
    )
    yield RunFinished(RUN_STATES[state], report)


def follow_runs(
    api: AirflowApi,
    dag_id: str,
    nodes: dict[str, TaskNode] | None = None,
    *,
    poll: float = 2.0,
    cancel: threading.Event | None = None,
) -> Iterator[Event]:
    """Watch the newest run, then each new one, until ``cancel`` is set (``runs --follow``)."""
    watched: set[str] = set()
    while cancel is None or not cancel.is_set():
        runs = api.runs(dag_id, 1)
        if runs and runs[0].dag_run_id not in watched:
            watched.add(runs[0].dag_run_id)
            yield LogEvent(f"run {runs[0].dag_run_id}")
            yield from watch_run(api, dag_id, runs[0].dag_run_id, nodes, poll=poll, cancel=cancel)
        time.sleep(poll)
