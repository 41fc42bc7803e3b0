"""Deploy: export, deliver, make Airflow parse, roll back on import errors, unpause, trigger.

Pure service: it yields ``app.events`` and raises ``DeployError`` subclasses; it never prints.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from app.credentials import Prompt
from app.deploy import journal
from app.deploy.airflow import AirflowApi
from app.deploy.errors import DagIdTaken, DeployError, ImportFailed, ParseTimeout
from app.deploy.identity import (
    UNSAVED,
    Sidecar,
    check_dag_id,
    check_replace,
    pipeline_id_of,
    pipeline_of,
    sha256,
    sidecar_name,
)
from app.deploy.journal import DeployLock
from app.deploy.monitor import TaskNode, watch_run
from app.deploy.store import effective_pipeline, probe_store
from app.deploy.summary import AirflowRunReport, DeploySummary
from app.deploy.targets import DeliveryTarget, check_name, make_target
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
    """How far to go after delivering: leave paused, or unpause and trigger a run (and wait).

    ``replace`` lets deploy overwrite a DAG file another pipeline or a person wrote.
    """

    trigger: bool = False
    wait: bool = False
    paused: bool = False
    replace: bool = False
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
) -> Generator[Event, None, None]:
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
        pipeline_file=pipeline.path.name if pipeline.path is not None else UNSAVED,
    )


def _same_file(fileloc: str | None, relative: str) -> bool:
    loc = (fileloc or "").replace("\\", "/")
    return loc == relative or loc.endswith("/" + relative)


def _new_errors(api: AirflowApi, relative: str, before: set[tuple[int, str]]) -> list[Any]:
    """Import errors of ``relative`` that were not there before this deploy delivered."""
    found = api.import_errors(relative)
    return [e for e in found if (e.import_error_id, str(e.timestamp)) not in before]


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
    pipeline_file: str | None = None,
) -> Generator[Event, None, None]:
    """Deliver an exported bundle, make it live and optionally run it (see ``deploy``).

    Transactional: whatever stops it (an import error, a parse timeout, Airflow dying, Ctrl-C,
    the event iterator being closed), the target ends with the verified new version or the
    previous one; a deploy process that dies outright leaves a journal that the next deploy (or
    ``runs``) restores from. Deploys of one DAG to one target take turns (``journal.DeployLock``).
    """
    options = options or DeployOptions()
    if options.trigger and options.paused:
        raise DeployError(
            "--trigger with --paused: Airflow 3.3 keeps a run of a paused DAG queued and never "
            "starts it; deploy without --paused to run it"
        )
    check_dag_id(bundle.dag_id)
    api = AirflowApi(profile, prompt=prompt)
    target = target or make_target(profile)
    relative = target.relative_path(bundle.dag_file_name)
    if pipeline_file is None:
        pipeline_file = pipeline_of(bundle.dag_source) or ""
    pipeline_id = pipeline_id_of(bundle.dag_source)  # the DAG carries its pipeline's identity

    yield ProgressEvent(1, STEPS, "connect")
    existing = api.dag(bundle.dag_id)  # also proves the API answers and the login works
    _check_file(bundle, existing, relative)

    lock = DeployLock(target, bundle.dag_id)
    if not lock.acquire(wait=False):
        yield LogEvent(f"waiting for another deploy of {bundle.dag_id} to {target.describe()}")
        lock.acquire()
    try:
        note = journal.recover(target, bundle.dag_id)
        if note:
            yield LogEvent(note, level=LogLevel.WARNING)
            existing = api.dag(bundle.dag_id)
        before = _error_marks(api, relative)

        yield ProgressEvent(2, STEPS, "deliver")
        files = dict(bundle.files)
        side_name = sidecar_name(bundle.dag_file_name)
        files[side_name] = Sidecar(
            bundle.dag_id, pipeline_file, sha256(bundle.files[bundle.dag_file_name]), pipeline_id
        ).to_bytes()
        names = [check_name(n) for n in files]
        current = target.read(names)
        check_replace(
            f"{relative} on {target.describe()}",
            bundle.dag_id,
            pipeline_file,
            current.get(bundle.dag_file_name),
            current.get(side_name),
            replace=options.replace,
            pipeline_id=pipeline_id,
        )
        pending: journal.Journal | None = None
        try:  # from here to the verdict, anything that stops us puts the previous files back
            if all(current.get(n) == files[n] for n in names):
                yield LogEvent(f"{target.describe()}: bundle unchanged, not delivered again")
            else:
                pending = journal.begin(target, bundle.dag_id, bundle.digest, current, dict(files))
                message = f"Deploy {bundle.dag_id} ({bundle.digest[:12]}) from Stitchboard"
                target.write(dict(files), message)
                yield LogEvent(f"delivered {len(bundle.files)} file(s) to {target.describe()}")
            yield ProgressEvent(3, STEPS, "parse")
            dag = yield from _wait_parsed(api, bundle, relative, existing, before, options)
        except BaseException as exc:
            if pending is None:
                raise
            restored = _settle(target, bundle, pending, "was not verified")
            if isinstance(exc, DeployError):  # not on GeneratorExit: a closed stream yields no more
                if restored:
                    yield LogEvent(
                        f"rolled back {bundle.dag_file_name} on {target.describe()}",
                        level=LogLevel.WARNING,
                    )
                    _nudge(api, existing)
                exc.args = (f"{exc}; {_outcome(restored, pending)}", *exc.args[1:])
            raise
        if pending is not None:
            journal.finish(target, bundle.dag_id)

        yield ProgressEvent(4, STEPS, "unpause")
        if options.paused:
            if not dag.is_paused:
                api.set_paused(bundle.dag_id, True)
            yield LogEvent(f"DAG {bundle.dag_id} is verified and paused on {api.base}")
        else:
            if dag.is_paused:
                api.set_paused(bundle.dag_id, False)
            yield LogEvent(f"DAG {bundle.dag_id} is live and unpaused on {api.base}")
    finally:
        lock.release()
    summary = DeploySummary(
        dag_id=bundle.dag_id,
        digest=bundle.digest,
        delivered=pending is not None,
        target=target.describe(),
        profile=profile.name,
        base_url=api.base,
        paused=options.paused,
    )
    yield ProgressEvent(5, STEPS, "done")
    if not options.trigger:
        yield RunFinished(RunState.SUCCEEDED, summary)
        return
    if dag.timetable_summary:
        yield LogEvent(
            f"{bundle.dag_id} runs on a schedule ({dag.timetable_summary}): Airflow also starts "
            "its scheduled runs now that it is unpaused (deploy --paused leaves it paused)",
            level=LogLevel.WARNING,
        )
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


def _check_file(bundle: BundleLike, existing: Any, relative: str) -> None:
    if existing is not None and not _same_file(existing.relative_fileloc, relative):
        raise DagIdTaken(
            f"DAG id {bundle.dag_id!r} is already defined by "
            f"{existing.relative_fileloc or existing.fileloc}, not by {relative}; "
            "rename the pipeline's dag_id"
        )


def _settle(target: DeliveryTarget, bundle: BundleLike, pending: journal.Journal, why: str) -> bool:
    """Put the previous files back; False when that failed too (the journal stays)."""
    try:
        journal.roll_back(target, pending, f"Roll back {bundle.dag_id}: {bundle.digest[:12]} {why}")
    except (DeployError, OSError):
        return False
    return True


def _outcome(restored: bool, pending: journal.Journal) -> str:
    if not restored:
        return (
            "the previous version could not be put back yet: the next deploy or runs of this "
            "DAG restores it"
        )
    if any(v is not None for v in pending.previous.values()):
        return "the previous version is back in place"
    return "the file was removed again"


def _nudge(api: AirflowApi, existing: Any) -> None:
    """Ask Airflow to parse the restored file (best effort: it may be the thing that died)."""
    token = existing.file_token if existing is not None else None
    if token:
        try:
            api.reparse(token)
        except DeployError:
            pass


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
        errors = _new_errors(api, relative, before)
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
            # A file that defines its DAG and then raises can have that DAG served with its
            # source and an import error written by the same parse: look for the error again.
            if api.dag_source(bundle.dag_id) == bundle.dag_source and not _new_errors(
                api, relative, before
            ):
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


def recover(profile: Profile, dag_id: str, target: DeliveryTarget | None = None) -> str | None:
    """Finish a deploy of ``dag_id`` that died half-way (``runs`` calls this); None when there was
    none, or when a deploy of that DAG is running right now."""
    target = target or make_target(profile)
    if not journal.journal_path(target, dag_id).exists():
        return None
    lock = DeployLock(target, dag_id)
    if not lock.acquire(wait=False):
        return None
    try:
        return journal.recover(target, dag_id)
    finally:
        lock.release()
