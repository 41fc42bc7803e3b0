"""``deploy`` and ``runs``: ship a pipeline to a cluster profile and watch its runs."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import threading
from typing import Any

from rich.console import Console

from app import settings as settings_mod
from app.cli.common import EXIT_CODES, CliError, load_pipeline, parse_overrides, print_issues
from app.cli.progress import ProgressView, state_text
from app.credentials import Prompt, redact_url
from app.deploy import (
    AirflowApi,
    DeployOptions,
    DeploySummary,
    ImportFailed,
    NotFound,
    deploy,
    follow_runs,
    latest_runs,
    task_nodes,
)
from app.deploy.service import recover
from app.events import LogEvent, LogLevel, RunFinished
from graph_editor.errors import StitchboardError, ValidationFailed

ORDER = 40


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("deploy", help="deliver a pipeline to a cluster and make it live")
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument("--profile", required=True, metavar="NAME", help="the cluster profile")
    p.add_argument(
        "--trigger",
        action="store_true",
        help="start a run after deploying (a scheduled DAG also starts its scheduled runs)",
    )
    p.add_argument(
        "--paused",
        action="store_true",
        help="deliver and verify, but leave the DAG paused (no scheduled runs start)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace a DAG file with this dag_id that another pipeline or a person wrote",
    )
    p.add_argument("--wait", action="store_true", help="with --trigger: follow the run to its end")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a pipeline parameter for the triggered run (repeatable)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="how long to wait for Airflow to parse the DAG (default 120 s)",
    )
    p.add_argument("--json", action="store_true", help="print the deploy summary as JSON")
    p.set_defaults(handler=_redacted(cmd_deploy))

    p = subparsers.add_parser("runs", help="the latest runs of a deployed pipeline")
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument("--profile", required=True, metavar="NAME", help="the cluster profile")
    p.add_argument("--limit", type=int, default=5, metavar="N", help="how many runs (default 5)")
    p.add_argument("--follow", action="store_true", help="watch the newest run (and new ones)")
    p.add_argument("--json", action="store_true", help="print the runs as JSON")
    p.set_defaults(handler=_redacted(cmd_runs))


def terminal_prompt() -> Prompt | None:
    """Ask for a missing secret on the terminal (never echoed); None when not interactive."""
    if not sys.stdin.isatty():
        return None
    return lambda text: getpass.getpass(text)


def _profile(name: str) -> settings_mod.Profile:
    return settings_mod.load().profile(name)


def _render(
    events: Any, console: Console, title: str, warnings: list[str] | None = None
) -> tuple[RunFinished | None, list[LogEvent]]:
    """Show events as progress; keep the error logs (tracebacks, failed task logs) for after,
    and the warnings (one line each) in ``warnings`` for the caller to print even on failure."""
    errors: list[LogEvent] = []

    def keep(stream: Any) -> Any:
        for event in stream:
            if isinstance(event, LogEvent) and event.level == LogLevel.ERROR:
                errors.append(event)
                continue
            if (
                isinstance(event, LogEvent)
                and event.level == LogLevel.WARNING
                and warnings is not None
            ):
                warnings.append(event.text)
                continue
            yield event

    view = ProgressView(console, title=title)
    return view.run(keep(events)), errors


def _print_errors(errors: list[LogEvent]) -> None:
    for event in errors:
        head = f"--- log of {event.node_name} ---" if event.node_name else "--- Airflow says ---"
        print(head, file=sys.stderr)
        print(event.text.rstrip(), file=sys.stderr)


def _redacted(handler: Any) -> Any:
    """Errors leave the command with every URL's user name and password hidden."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except StitchboardError as exc:
            exc.args = (redact_url(str(exc)), *exc.args[1:])
            raise

    return run


def cmd_deploy(args: argparse.Namespace) -> int:
    if args.wait and not args.trigger:
        raise CliError("--wait needs --trigger")
    if args.paused and args.trigger:
        raise CliError(
            "--trigger with --paused: Airflow keeps a run of a paused DAG queued and never "
            "starts it (drop --paused to run it)"
        )
    pipeline = load_pipeline(args.file)
    profile = _profile(args.profile)
    options = DeployOptions(
        trigger=args.trigger,
        wait=args.wait,
        paused=args.paused,
        replace=args.replace,
        params=parse_overrides(pipeline, args.param),
        parse_timeout=args.timeout,
    )
    console = Console(stderr=args.json)
    cancel = threading.Event()
    errors: list[LogEvent] = []
    events = deploy(pipeline, profile, options, prompt=terminal_prompt(), cancel=cancel)
    warnings: list[str] = []
    try:
        finished, errors = _render(
            events, console, f"deploy {pipeline.settings.dag_id} to {profile.name}", warnings
        )
    except ValidationFailed as exc:
        print(f"{args.file}: cannot deploy, the pipeline has errors", file=sys.stderr)
        print_issues([i for i in exc.issues if i.is_error], sys.stderr)
        return 1
    except ImportFailed as exc:
        _print_errors([LogEvent(exc.traceback, level=LogLevel.ERROR)] if exc.traceback else [])
        raise
    except KeyboardInterrupt:
        cancel.set()
        events.close()  # puts the previous version back if the new one was not verified yet
        raise
    finally:
        for text in warnings:
            print(f"stitchboard: warning: {redact_url(text)}", file=sys.stderr)
    _print_errors(errors)
    if finished is None:
        return 1
    if args.json:
        print(redact_url(json.dumps(finished.summary, indent=2, default=str)))
    elif isinstance(finished.report, DeploySummary):
        report = finished.report
        line = f"deployed {report.dag_id} to {profile.name} ({redact_url(report.base_url)})"
        if not report.delivered:
            line += "; bundle unchanged"
        if report.paused:
            line += "; left paused"
        if report.run_id:
            line += f"; run {report.run_id}"
        if report.run is not None:
            line += f" {report.run.state}"
            if report.run.failed:
                line += f" (failed: {', '.join(report.run.failed)})"
        print(line)
    return EXIT_CODES.get(finished.state, 1)


def _print_runs(runs: list[dict[str, Any]], console: Console) -> None:
    if not runs:
        console.print("no runs yet")
    for run in runs:
        console.print(f"{run['run_id']}  {run['state']}", highlight=False, markup=False)
        for task_id, info in run["tasks"].items():
            line = state_text(info["state"]).append(f"  {task_id}")
            if info["try_number"] > 1:
                line.append(f"  (try {info['try_number']})", style="dim")
            console.print("    ", line)


def cmd_runs(args: argparse.Namespace) -> int:
    pipeline = load_pipeline(args.file)
    profile = _profile(args.profile)
    dag_id = pipeline.settings.dag_id
    note = recover(profile, dag_id)
    if note:
        print(f"stitchboard: {note}", file=sys.stderr)
    api = AirflowApi(profile, prompt=terminal_prompt())
    if api.dag(dag_id) is None:
        raise NotFound(f"{dag_id} is not deployed on {profile.name} ({api.base})")
    console = Console()
    if not args.follow:
        runs = latest_runs(api, dag_id, args.limit)
        if args.json:
            print(json.dumps(runs, indent=2, default=str))
        else:
            _print_runs(runs, console)
        return 0
    cancel = threading.Event()
    view = ProgressView(console, title=f"{dag_id} on {profile.name} (Ctrl-C to stop)")
    try:
        with view:
            for event in follow_runs(api, dag_id, task_nodes(pipeline), cancel=cancel):
                view.handle(event)
    except KeyboardInterrupt:
        cancel.set()
    return 0
