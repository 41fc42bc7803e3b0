"""Helpers shared by CLI commands: loading with the right exit code, printing issues, -p parsing."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from app.events import RunState
from graph_editor import fileformat
from graph_editor.build import reinspect_all
from graph_editor.pipeline import Pipeline
from graph_editor.types import coerce_text
from graph_editor.validation import Issue

EXIT_CODES = {RunState.SUCCEEDED: 0, RunState.FAILED: 1, RunState.CANCELLED: 130}
"""Exit status of a command that ends with a run (dry-run, deploy --wait)."""


class CliError(Exception):
    """A usage or input problem: printed as one line, exits with ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def die(message: str, code: int) -> NoReturn:
    text = message if message.startswith("stitchboard") else f"stitchboard: {message}"
    print(text.splitlines()[0] if text else "stitchboard: error", file=sys.stderr)
    raise SystemExit(code)


def load_pipeline(path: str | Path, *, refresh: bool = True) -> Pipeline:
    """Load a pipeline and re-inspect its notebooks, so the notebooks on disk are the truth.

    A wire or value whose port vanished from its notebook is kept and reported by validation;
    a wired port that the re-inspection retyped or removed is named on stderr, one line each.
    A missing or broken file is a ``PipelineFileError`` (exit 2).
    """
    pipeline = fileformat.load(path)
    if refresh:
        for change in reinspect_all(pipeline):
            print(f"stitchboard: note: {change}", file=sys.stderr)
    return pipeline


def print_issues(issues: Sequence[Issue], stream: Any = None) -> None:
    stream = stream or sys.stdout
    for issue in sorted(issues, key=lambda i: (not i.is_error, i.node_name, i.code)):
        print(f"  {issue}", file=stream)


def issues_json(issues: Sequence[Issue]) -> str:
    return json.dumps([i.to_json() for i in issues], indent=2, ensure_ascii=False)


def parse_overrides(pipeline: Pipeline, items: Sequence[str] | None) -> dict[str, Any]:
    """``-p name=value`` options, typed by the pipeline parameter they set."""
    values: dict[str, Any] = {}
    for item in items or ():
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise CliError(f"-p {item!r}: expected NAME=VALUE")
        param = pipeline.settings.parameter(name)
        if param is None:
            known = ", ".join(p.name for p in pipeline.settings.parameters) or "none"
            raise CliError(f"-p {name}: no pipeline parameter {name!r} (known: {known})")
        try:
            values[name] = coerce_text(text, param.type)
        except ValueError as exc:
            raise CliError(f"-p {name}: {exc}") from exc
    return values
