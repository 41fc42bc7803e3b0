"""``import``: turn an Elyra ``.pipeline`` file (or, with ``--kale``, a Kale-annotated
notebook) into a ``.stitch`` pipeline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import CliError, print_issues
from graph_editor import fileformat
from graph_editor.detect_files import declare_detected
from graph_editor.importers.elyra import import_elyra
from graph_editor.importers.kale import import_kale
from graph_editor.validation import validate

ORDER = 15


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import", help="import an Elyra .pipeline file as a .stitch file")
    p.add_argument("source", metavar="FILE.pipeline", help="an Elyra pipeline (or Kale notebook)")
    p.add_argument(
        "--kale",
        action="store_true",
        help="the source is a Kale-annotated notebook: one node per step",
    )
    p.add_argument(
        "-o", "--output", default=None, metavar="FILE.stitch", help="default: FILE.stitch"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    source = Path(args.source)
    target = Path(args.output) if args.output else source.with_suffix(fileformat.SUFFIX)
    if target.suffix != fileformat.SUFFIX:
        raise CliError(f"{target}: a pipeline file must end in {fileformat.SUFFIX}")
    if target.exists() and not args.force:
        raise CliError(f"{target}: already exists (use --force to overwrite)")
    if args.kale:
        pipeline, report = import_kale(source, target, overwrite=args.force)
    else:
        pipeline, report = import_elyra(source, target)
    noted = declare_detected(pipeline)  # files the notebooks read that the source did not declare
    fileformat.save(pipeline, target)
    issues = validate(pipeline)
    edges = len(pipeline.edges)
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(target),
                    "nodes": len(pipeline),
                    "edges": edges,
                    "not_mapped": report,
                    "notes": noted,
                    "issues": [i.to_json() for i in issues],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"imported {source} -> {target}: {len(pipeline)} nodes, {edges} edges")
    if report:
        print(f"report: {'; '.join(report)}")
    for line in noted:
        print(line)
    if issues:
        print(f"stitchboard: {target}: the imported pipeline has issues:", file=sys.stderr)
        print_issues(issues, sys.stderr)
    return 0
