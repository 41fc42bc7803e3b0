"""Deploy: deliver exported bundles to a cluster, make Airflow parse them, run and watch them.

The API the CLI and the GUI use (all pure: they yield ``app.events`` or return values and raise
``DeployError`` subclasses; none prints):

- ``deploy(pipeline, profile, DeployOptions(...), prompt=, cancel=)`` -> event iterator
- ``deploy_bundle(bundle, profile, ...)`` -> the same for an already exported bundle
- ``connect(profile)`` -> ``AirflowApi``; ``latest_runs(api, dag_id)``, ``watch_run(...)``,
  ``follow_runs(...)`` -> monitoring
- ``check_profile(profile)`` -> verdicts of ``profile test``
- ``LocalAirflow`` -> ``airflow-local start|stop|status``
"""

from __future__ import annotations

from app.deploy.airflow import AirflowApi
from app.deploy.errors import (
    AuthFailed,
    DagIdTaken,
    DeployError,
    ImportFailed,
    NotFound,
    ParseTimeout,
    TargetNotWritable,
    TlsFailed,
    Unreachable,
)
from app.deploy.monitor import TaskNode, follow_runs, latest_runs, watch_run
from app.deploy.service import DeployOptions, deploy, deploy_bundle, task_nodes
from app.deploy.summary import AirflowRunReport, DeploySummary

__all__ = [
    "AirflowApi",
    "AirflowRunReport",
    "AuthFailed",
    "DagIdTaken",
    "DeployError",
    "DeployOptions",
    "DeploySummary",
    "ImportFailed",
    "NotFound",
    "ParseTimeout",
    "TargetNotWritable",
    "TaskNode",
    "TlsFailed",
    "Unreachable",
    "connect",
    "deploy",
    "deploy_bundle",
    "follow_runs",
    "latest_runs",
    "task_nodes",
    "watch_run",
]


def connect(profile, prompt=None) -> AirflowApi:  # noqa: ANN001 - thin convenience
    """A client for the profile's Airflow (logs in lazily)."""
    return AirflowApi(profile, prompt=prompt)
