"""Deploy: export, deliver, make Airflow parse, roll back on import errors, unpause, trigger.

Pure service: it yields ``app.events`` and raises ``DeployError`` subclasses; it never prints.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from app.credentials import Prompt
from app.deploy.airflow import AirflowApi
from app.deploy.errors import DagIdTaken, ImportFailed, ParseTimeout
from app.deploy.monitor import TaskNode, watch_run
from app.deploy.store import effective_pipeline, probe_store
from app.deploy.summary import AirflowRunReport, DeploySummary
from app.deploy.targets import DeliveryTarget, Previous, make_target
from app.events import Event, LogEvent, LogLevel, ProgressEvent, RunFinished, RunState
from app.settings import Profile
from graph_editor.pipeline import Pipeline

STEPS = 5


class BundleLike(Protocol):
    """What deploy needs of an exported bundle (``exporters.airflow.Bundle``)."""

    @property
    def dag_id(self) -> str: ...

    @property
    def dag_file_name(self) -> str: ...

    @property
    def dag_source(self) -> str: ...

    @property
    def files(self) -> dict[str, bytes]: ...

    @property
    def digest(self) -> str: ...


@dataclass
class DeployOptions:
    """How far to go after delivering: trigger a run (with params) and wait for it."""

    trigger: bool = False
    wait: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    parse_timeout: float = 120.0
    run_timeout: float = 6 * 3600
    poll: float = 0.5
    nudge_every: float = 10.0


def task_nodes(pipeline: Pipeline) -> dict[str, TaskNode]:
    """Airflow task id -> pipeline node, as the exporter names tasks."""
    from exporters.airflow.plan import plan_tasks

    return {p.task_id: TaskNode(p.node.id, p.node.name) for p in plan_tasks(pipeline)}


def export(pipeline: Pipeline, profile: Profile) -> BundleLike:
    """Validate and export for the profile's backend (``ValidationFailed`` on errors)."""
    from exporters.airflow import export_pipeline

    return export_pipeline(effective_pipeline(pipeline, profile), backend=profile.backend)


def deploy(
    pipeline: Pipeline,
    profile: Profile,
    options: DeployOptions | None = None,
    *,
    prompt: Prompt | None = None,
    cancel: threading.Event | None = None,
    target: DeliveryTarget | None = None,
) -> Iterator[Event]:
    """Deploy a pipeline to a profile's cluster, yielding events; ends with ``RunFinished``."""
    yield ProgressEvent(0, STEPS, "export")
    bundle = export(pipeline, profile)
    yield LogEvent(
        f"exported {bundle.dag_file_name} ({profile.backend} backend, digest {bundle.digest[:12]})"
    )
    store = effective_pipeline(pipeline, profile).settings.artifact_store
    if store:  # before delivery: a DAG whose store is unusable would fail at its first task
        yield LogEvent(probe_store(store))
    yield from deploy_bundle(
        bundle,
        profile,
        options,
        prompt=prompt,
        cancel=cancel,
        target=target,
        nodes=task_nodes(pipeline),
    )


def _same_file(fileloc: str | None, relative: str) -> bool:
    loc = (fileloc or "").replace("\\", "/")
    return loc == relative or loc.endswith("/" + relative)


def _error_marks(api: AirflowApi, relative: str) -> set[tuple[int, str]]:
    return {(e.import_error_id, str(e.timestamp)) for e in api.import_errors(relative)}


def deploy_bundle(
    bundle: BundleLike,
    profile: Profile,
    options: DeployOptions | None = None,
    *,
    prompt: Prompt | None = None,
    cancel: threading.Event | None = None,
    target: DeliveryTarget | None = None,
    nodes: dict[str, TaskNode] | None = None,
) -> Iterator[Event]:
    """Deliver an exported bundle, make it live and optionally run it (see ``deploy``)."""
    options = options or DeployOptions()
    api = AirflowApi(profile, prompt=prompt)
    target = target or make_target(profile)
    relative = target.relative_path(bundle.dag_file_name)

    yield ProgressEvent(1, STEPS, "connect")
    existing = api.dag(bundle.dag_id)  # also proves the API answers and the login works
    if existing is not None and not _same_file(existing.relative_fileloc, relative):
        raise DagIdTaken(
            f"DAG id {bundle.dag_id!r} is already defined by "
            f"{existing.relative_fileloc or existing.fileloc}, not by {relative}; "
            "rename the pipeline's dag_id"
        )
    before = _error_marks(api, relative)

    yield ProgressEvent(2, STEPS, "deliver")
    message = f"Deploy {bundle.dag_id} ({bundle.digest[:12]}) from Stitchboard"
    previous = target.deliver(bundle.files, message)
    if previous is None:
        yield LogEvent(f"{target.describe()}: bundle unchanged, not delivered again")
    else:
        yield LogEvent(f"delivered {len(bundle.files)} file(s) to {target.describe()}")

    yield ProgressEvent(3, STEPS, "parse")
    try:
        dag = yield from _wait_parsed(api, bundle, relative, existing, before, options)
    except ImportFailed as failure:
        if previous is not None:
            yield from _roll_back(api, target, bundle, previous, existing)
            failure.args = (
                f"{failure}; the previous version is back in place"
                if any(v is not None for v in previous.values())
                else f"{failure}; the file was removed again",
            )
        raise

    yield ProgressEvent(4, STEPS, "unpause")
    if dag.is_paused:
        api.set_paused(bundle.dag_id, False)
    yield LogEvent(f"DAG {bundle.dag_id} is live and unpaused on {api.base}")
    summary = DeploySummary(
        dag_id=bundle.dag_id,
        digest=bundle.digest,
        delivered=previous is not None,
        target=target.describe(),
        profile=profile.name,
        base_url=api.base,
    )
    yield ProgressEvent(5, STEPS, "done")
    if not options.trigger:
        yield RunFinished(RunState.SUCCEEDED, summary)
        return
    run_id = api.trigger(bundle.dag_id, dict(options.params))
    summary = replace(summary, run_id=run_id)
    yield LogEvent(f"triggered run {run_id}")
    if not options.wait:
        yield RunFinished(RunState.SUCCEEDED, summary)
        return
    for event in watch_run(
        api,
        bundle.dag_id,
        run_id,
        nodes,
        poll=max(options.poll, 1.0),
        timeout=options.run_timeout,
        cancel=cancel,
    ):
        if isinstance(event, RunFinished):
            run = event.report if isinstance(event.report, AirflowRunReport) else None
            yield RunFinished(event.state, replace(summary, run=run))
            return
        yield event


def _wait_parsed(
    api: AirflowApi,
    bundle: BundleLike,
    relative: str,
    existing: Any,
    before: set[tuple[int, str]],
    options: DeployOptions,
) -> Generator[Event, None, Any]:
    """Nudge the parser, then wait for our source to be served or an import error to appear."""
    start = time.monotonic()
    deadline = start + options.parse_timeout
    last_nudge = -1e9
    while True:
        now = time.monotonic()
        errors = [
            e
            for e in api.import_errors(relative)
            if (e.import_error_id, str(e.timestamp)) not in before
        ]
        if errors:
            trace = errors[0].stack_trace or ""
            yield LogEvent(trace, level=LogLevel.ERROR)
            last = [line for line in trace.strip().splitlines() if line.strip()]
            raise ImportFailed(
                f"Airflow could not import {relative}: "
                f"{last[-1].strip() if last else 'import error'}",
                trace,
            )
        dag = api.dag(bundle.dag_id)
        if dag is not None:
            if not _same_file(dag.relative_fileloc, relative):
                raise DagIdTaken(
                    f"DAG id {bundle.dag_id!r} is defined by "
                    f"{dag.relative_fileloc}, not by {relative}"
                )
            existing = dag
            if api.dag_source(bundle.dag_id) == bundle.dag_source:
                yield LogEvent(f"Airflow serves this version of {relative} ({now - start:.1f} s)")
                return dag
        if now - last_nudge >= options.nudge_every:
            token = existing.file_token if existing is not None else api.any_file_token()
            if token:
                api.reparse(token)
            elif last_nudge < 0:
                yield LogEvent(
                    "no DAG on this Airflow to ask for a re-parse: waiting for its "
                    "regular folder scan",
                    level=LogLevel.WARNING,
                )
            last_nudge = now
        if now > deadline:
            raise ParseTimeout(
                f"Airflow did not show the new version of {bundle.dag_id} within "
                f"{options.parse_timeout:.0f} s (is the DAG processor running?)"
            )
        time.sleep(options.poll)


def _roll_back(
    api: AirflowApi, target: DeliveryTarget, bundle: BundleLike, previous: Previous, existing: Any
) -> Iterator[Event]:
    """Put the previous files back and ask Airflow to parse them again."""
    target.write(
        previous, f"Roll back {bundle.dag_id}: Airflow could not import {bundle.digest[:12]}"
    )
    yield LogEvent(
        f"rolled back {bundle.dag_file_name} on {target.describe()}", level=LogLevel.WARNING
    )
    token = existing.file_token if existing is not None else None
    if token:
        api.reparse(token)
