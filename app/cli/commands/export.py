"""``export``: validate a pipeline and write its Airflow DAG bundle."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import load_pipeline, print_issues
from exporters.airflow import export_pipeline
from graph_editor.backends import Backend
from graph_editor.errors import ValidationFailed

ORDER = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="write the Airflow DAG for a pipeline")
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument("-o", "--output", default=".", metavar="DIR", help="the DAG folder to write to")
    p.add_argument(
        "--backend",
        choices=[b.value for b in Backend],
        default="kubernetes",
        help="kubernetes: a pod per node (default); worker: run on the Airflow worker",
    )
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    pipeline = load_pipeline(args.file)
    try:
        bundle = export_pipeline(pipeline, backend=args.backend)
    except ValidationFailed as exc:
        errors = [i for i in exc.issues if i.is_error]
        print(f"{args.file}: {len(errors)} error(s); nothing exported")
        print_issues(exc.issues)
        return 1
    written = bundle.write(Path(args.output))
    for path in written:
        print(f"wrote {path}")
    print(
        f"DAG {bundle.dag_id} ({args.backend} backend, {len(pipeline)} tasks), digest {bundle.digest[:12]}"
    )
    return 0
