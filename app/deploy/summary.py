"""The typed reports deploy ends with: the deploy itself, and the Airflow run it may watch.

``to_json()`` gives what ``deploy --json`` prints (keys appear only once they apply: ``run_id``
after a trigger, ``run`` after a watched run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_editor.run_state import NodeState


@dataclass(frozen=True)
class AirflowRunReport:
    """How a watched Airflow run ended (or that watching it stopped)."""

    dag_id: str
    run_id: str
    state: str  # Airflow's own word for the run state
    tasks: Mapping[str, NodeState] = field(default_factory=dict)
    failed: tuple[str, ...] = ()  # task ids that failed
    watch_stopped: bool = False  # the user stopped watching before the run ended

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"dag_id": self.dag_id, "run_id": self.run_id, "state": self.state}
        if self.watch_stopped:
            data["watch"] = "stopped"
            return data
        data["tasks"] = {task: state.value for task, state in self.tasks.items()}
        data["failed"] = list(self.failed)
        return data


@dataclass(frozen=True)
class DeploySummary:
    """What a deploy did: which DAG went where, whether it changed, and the run it started."""

    dag_id: str
    digest: str
    delivered: bool  # False: the target already held this bundle
    target: str
    profile: str
    base_url: str
    paused: bool = False  # deploy --paused: verified, left paused
    run_id: str = ""  # set when the deploy triggered a run
    run: AirflowRunReport | None = None  # set when it also watched that run

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "dag_id": self.dag_id,
            "digest": self.digest,
            "delivered": self.delivered,
            "target": self.target,
            "profile": self.profile,
            "base_url": self.base_url,
        }
        if self.paused:
            data["paused"] = True
        if self.run_id:
            data["run_id"] = self.run_id
        if self.run is not None:
            data["run"] = self.run.to_json()
        return data
