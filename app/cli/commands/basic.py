"""``inspect``, ``new`` and ``validate``: the commands over the pure model."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.cli.common import CliError, issues_json, load_pipeline, print_issues
from graph_editor import fileformat
from graph_editor.backends import Backend, parse_backend
from graph_editor.build import chain
from graph_editor.detect_files import declare_detected
from graph_editor.nodes import Port
from graph_editor.notebook import inspect_notebook
from graph_editor.validation import has_errors, validate

ORDER = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("inspect", help="show the ports a notebook offers")
    p.add_argument("notebook", help="a .ipynb notebook (or .py script job)")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.set_defaults(handler=cmd_inspect)

    p = subparsers.add_parser("new", help="create a pipeline chaining the given notebooks")
    p.add_argument("file", help="the .stitch file to create")
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_new)

    p = subparsers.add_parser("validate", help="check a pipeline; exit 1 on errors")
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument("--json", action="store_true", help="print the issues as JSON")
    p.add_argument(
        "--backend",
        choices=[b.value for b in Backend],
        help="also check what this export backend refuses (default: only the rules every "
        "backend shares)",
    )
    p.set_defaults(handler=cmd_validate)


def _port_json(port: Port) -> dict[str, object]:
    data: dict[str, object] = {"name": port.name, "type": port.type.value, "help": port.help}
    if port.has_default:
        data["default"] = port.default
    return data


def _port_line(port: Port) -> str:
    default = f" = {json.dumps(port.default, ensure_ascii=False)}" if port.has_default else ""
    help_text = f"  # {port.help}" if port.help else ""
    return f"    {port.name}: {port.type.value}{default}{help_text}"


def cmd_inspect(args: argparse.Namespace) -> int:
    info = inspect_notebook(args.notebook)
    if args.json:
        print(
            json.dumps(
                {
                    "path": args.notebook,
                    "kernel": info.kernel,
                    "language": info.language,
                    "inputs": [_port_json(p) for p in info.inputs],
                    "outputs": [_port_json(p) for p in info.outputs],
                    "outputs_supported": info.outputs_supported,
                    "warnings": list(info.warnings),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{args.notebook}  (kernel {info.kernel}, {info.language})")
    if info.is_script:
        print("  script job: ports are declared on its node (inputs as --name=value options,")
        print("  outputs as JSON in the file named by $STITCHBOARD_OUTPUTS)")
        return 0
    print(
        "  inputs (cell tagged 'parameters'):"
        if info.has_parameters_cell
        else "  inputs: none (no cell tagged 'parameters')"
    )
    for port in info.inputs:
        print(_port_line(port))
    print(
        "  outputs (cell tagged 'outputs'):"
        if info.has_outputs_cell
        else "  outputs: none (no cell tagged 'outputs')"
    )
    for port in info.outputs:
        print(f"    {port.name}: {port.type.value}" + (f"  # {port.help}" if port.help else ""))
    for warning in info.warnings:
        print(f"  warning: {warning}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix != fileformat.SUFFIX:
        raise CliError(f"{path}: a pipeline file must end in {fileformat.SUFFIX}")
    if path.exists() and not args.force:
        raise CliError(f"{path}: already exists (use --force to overwrite)")
    pipeline = chain(args.notebooks, path)
    noted = declare_detected(pipeline)  # files the notebooks read beside them, said below
    fileformat.save(pipeline, path)
    wires = sum(1 for e in pipeline.edges if not e.is_ordering)
    print(f"created {path}: {len(pipeline)} nodes, {wires} wires")
    for line in noted:
        print(line)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    pipeline = load_pipeline(args.file)
    backend = parse_backend(args.backend) if args.backend else None
    issues = validate(pipeline, backend=backend)
    errors = [i for i in issues if i.is_error]
    if args.json:
        print(issues_json(issues))
        return 1 if errors else 0
    warnings = len(issues) - len(errors)
    if errors:
        print(f"{args.file}: {len(errors)} error(s), {warnings} warning(s)")
    else:
        print(
            f"{args.file}: OK ({len(pipeline)} nodes, {len(pipeline.edges)} edges"
            + (f", {warnings} warning(s))" if warnings else ")")
        )
    print_issues(issues)
    return 1 if has_errors(issues) else 0
