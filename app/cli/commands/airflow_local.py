"""``airflow-local start|stop|status``: a real Airflow on loopback and its ``local`` profile."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TextIO

from app import settings as settings_mod
from app.deploy.local import LocalAirflow

ORDER = 46
PACKAGE_LINE = re.compile(r"^\[\s*\d+/\d+\] ")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "airflow-local", help="run a real Airflow on this machine (start, stop, status)"
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("start", help="set up once, start, and register the 'local' profile")
    s.add_argument("--port", type=int, default=0, help="API port (default: a free one)")
    s.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for health")
    s.add_argument(
        "--spark",
        action="store_true",
        help="also install pyspark (once, ~400 MB) so Spark nodes run on its workers",
    )
    s.add_argument(
        "--celery",
        action="store_true",
        help="run tasks with the CeleryExecutor: a Redis broker on loopback (needs redis-server) "
        "and a Celery worker",
    )
    s.set_defaults(handler=cmd_start)
    sub.add_parser("stop", help="stop it (its whole process group)").set_defaults(handler=cmd_stop)
    sub.add_parser("status", help="is it running and healthy?").set_defaults(handler=cmd_status)


def register_profile(local: LocalAirflow, name: str = "local") -> settings_mod.Profile:
    """Save (or refresh) the profile pointing at the running local Airflow."""
    profile = local.profile(name)
    config = settings_mod.load()
    config.put(profile)
    config.save()
    return profile


def set_up_progress(stream: TextIO | None = None) -> Callable[[str], None]:
    """Show the venv set-up as it goes: on a terminal the per-package lines overwrite one
    another (a counter that moves); elsewhere (a log, CI) every line is kept."""
    stream = stream or sys.stderr
    live = stream.isatty()

    def show(text: str) -> None:
        if live and PACKAGE_LINE.match(text):
            stream.write(f"\r\x1b[Kinstalling {text}")
            stream.flush()
            return
        stream.write(("\r\x1b[K" if live else "") + text + "\n")
        stream.flush()

    return show


def cmd_start(args: argparse.Namespace) -> int:
    local = LocalAirflow()
    status = local.start(
        port=args.port,
        timeout=args.timeout,
        progress=set_up_progress(),
        spark=args.spark,
        celery=args.celery,
    )
    profile = register_profile(local)
    print(
        f"Airflow is running at {status.base_url} (user admin, password in {local.password_file})"
    )
    print(
        f"DAG folder {status.dags_folder}; profile {profile.name!r} registered "
        f"(deploy with: stitchboard deploy FILE --profile {profile.name})"
    )
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    stopped = LocalAirflow().stop()
    print("Airflow stopped" if stopped else "Airflow was not running")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    status = LocalAirflow().status()
    if not status.running:
        print(f"not running (home {status.home})")
        return 1
    health = "healthy" if status.healthy else "starting or unhealthy"
    print(f"running at {status.base_url}, {health} (pid {status.pid}, home {status.home})")
    return 0 if status.healthy else 1
