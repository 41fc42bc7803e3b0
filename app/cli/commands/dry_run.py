"""``dry-run``: run the pipeline locally with papermill, with live progress and a summary."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

from rich.console import Console

from app.cli.common import (
    EXIT_CODES,
    CliError,
    issues_json,
    load_pipeline,
    parse_overrides,
    print_issues,
)
from app.cli.progress import ProgressView, output_lines, problem_lines, summary_table
from app.events import RunFinished, RunState
from app.runner import DryRun, RunOptions
from app.runner.errors import RunError
from app.runner.plan import find_node
from app.runner.report import RunSummary
from graph_editor.errors import ValidationFailed

ORDER = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "dry-run", help="run the pipeline locally, values flowing between nodes"
    )
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="override a pipeline parameter (repeatable)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="nodes run at the same time (default: the number of CPUs)",
    )
    p.add_argument(
        "--run-dir",
        default=None,
        metavar="DIR",
        help="folder for this run (default: a new one under <pipeline>.runs/)",
    )
    p.add_argument(
        "--prepare-only",
        action="store_true",
        help="inject parameters and write the notebooks without running them",
    )
    p.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="NODE",
        help="run only these nodes; the others' outputs come from the latest run",
    )
    p.add_argument(
        "--from",
        dest="from_node",
        default=None,
        metavar="NODE",
        help="run this node and everything downstream of it",
    )
    p.add_argument("--no-cache", action="store_true", help="run every node even if cached")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.set_defaults(handler=cmd_dry_run)


def _options(args: argparse.Namespace, pipeline: Any) -> RunOptions:
    if args.jobs is not None and args.jobs < 1:
        raise CliError("--jobs must be at least 1")
    for ref in [*args.only, *([args.from_node] if args.from_node else [])]:
        try:
            find_node(pipeline, ref)
        except RunError as exc:
            raise CliError(str(exc)) from exc
    return RunOptions(
        overrides=parse_overrides(pipeline, args.param),
        jobs=args.jobs,
        run_dir=args.run_dir,
        prepare_only=args.prepare_only,
        only=tuple(args.only),
        from_node=args.from_node,
        use_cache=not args.no_cache,
    )


def cmd_dry_run(args: argparse.Namespace) -> int:
    # A killed kernel, or one that cannot start, is in the report; their loggers would print
    # tracebacks (jupyter_client logs through traitlets' logger).
    for name in ("papermill", "traitlets", "jupyter_client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    pipeline = load_pipeline(args.file)
    run = DryRun(pipeline, _options(args, pipeline))
    try:
        events = run.events()
    except ValidationFailed as exc:
        if args.json:
            print(
                json.dumps(
                    {"state": "invalid", "issues": json.loads(issues_json(exc.issues))}, indent=2
                )
            )
        else:
            print(f"stitchboard: {args.file}: not run, the pipeline has errors:", file=sys.stderr)
            print_issues(exc.issues, sys.stderr)
        return 1
    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in stops}

    def stop(signum: int, frame: Any) -> None:  # the first Ctrl-C, TERM or HUP cancels cleanly
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # a second one stops at once (the watchdog cleans up)
        threading.Thread(target=run.cancel, daemon=True).start()

    for sig in stops:
        signal.signal(sig, stop)
    try:
        if args.json:
            finished = None
            for event in events:
                if isinstance(event, RunFinished):
                    finished = event
            summary = finished.summary if finished else {}
            print(json.dumps(summary, indent=2, ensure_ascii=False, default=repr))
        else:
            console = Console()
            view = ProgressView(console, title=f"dry-run {pipeline.settings.name}")
            finished = view.run(events)
            summary = finished.summary if finished else {}
            console.print(summary_table(summary))
            for line in output_lines(summary):
                console.print(f"  {line}", highlight=False, markup=False)
            report = finished.report if finished else None
            for line in problem_lines(report if isinstance(report, RunSummary) else None):
                console.print(f"  {line}", style="red", highlight=False, markup=False)
            console.print(f"run folder: {run.run_dir}", highlight=False, markup=False)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    state = finished.state if finished else RunState.FAILED
    if state == RunState.CANCELLED and not args.json:
        print("stitchboard: run cancelled", file=sys.stderr)
    return EXIT_CODES[state]
