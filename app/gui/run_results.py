"""Run results for the window's ``RunSession``: from run events, and from earlier runs' reports.

No Qt: the run and deploy controllers hand events here, the run panel's history asks for the
runs found in the pipeline's runs folder (each folder's ``run.json``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.events import NodeEvent
from app.runner.failure import failure_of
from app.runner.report import RUN_FILE
from app.runner.store import runs_root
from graph_editor.pipeline import Pipeline
from graph_editor.run_session import NodeRun, OutputResult, RunKind, RunRecord
from graph_editor.run_state import NodeState, RunState
from resources.runtime import stitchboard_artifacts as artifacts

HISTORY_LIMIT = 50  # runs read from the runs folder, newest first


FIRST_ROWS = 3  # rows of a stored table shown on hover and in Properties


def outputs_of(values: Mapping[str, Any]) -> tuple[OutputResult, ...]:
    """Each output with its one-line preview (a value's JSON, an artifact's shape and size)."""
    return tuple(
        OutputResult(name, v, artifacts.preview(v), first_rows(v)) for name, v in values.items()
    )


def first_rows(value: Any, count: int = FIRST_ROWS) -> tuple[str, ...]:
    """The first rows of a DataFrame artifact in a local Parquet file, one ``col=value`` line each.

    Reads one small batch, never the whole table; anything else (or a file gone) gives ().
    """
    if not artifacts.is_ref(value):
        return ()
    try:
        ref = artifacts.ref_from_json(value)
        if ref.format != "parquet" or ("://" in ref.uri and not ref.uri.startswith("file://")):
            return ()
        import pyarrow.parquet as pq

        batch = next(pq.ParquetFile(ref.uri.removeprefix("file://")).iter_batches(count), None)
    except Exception:  # noqa: BLE001 - a preview never fails showing a run
        return ()
    if batch is None:
        return ()
    rows = []
    for row in batch.to_pylist()[:count]:
        cells = [f"{k}={v!r}" for k, v in row.items() if not k.startswith("__index_level_")]
        text = ", ".join(cells)
        rows.append(text if len(text) <= 80 else text[:77] + "...")
    return tuple(rows)


def artifact_folder(values: Mapping[str, Any], notebook: str = "") -> str:
    """The local folder holding a node's artifacts (else its executed notebook's folder)."""
    for value in values.values():
        if artifacts.is_ref(value):
            uri = artifacts.ref_from_json(value).uri
            if "://" not in uri or uri.startswith("file://"):
                return str(Path(uri.removeprefix("file://")).parent)
    return str(Path(notebook).parent) if notebook else ""


def changes_from_event(event: NodeEvent) -> dict[str, Any]:
    """The ``NodeRun`` fields a dry-run or deploy node event sets."""
    data = event.data or {}
    changes: dict[str, Any] = {"state": event.state, "detail": event.detail}
    for key in ("notebook", "log"):
        if data.get(key):
            changes[key] = str(data[key])
    outputs = data.get("outputs")
    if isinstance(outputs, Mapping):
        changes["outputs"] = outputs_of(outputs)
        changes["folder"] = artifact_folder(outputs, str(data.get("notebook") or ""))
    elif data.get("notebook"):
        changes["folder"] = str(Path(str(data["notebook"])).parent)
    return changes


def dry_run_record(run_dir: Path | str, report: Mapping[str, Any] | None = None) -> RunRecord:
    """A history entry for a dry-run's folder (with its report, once it has one)."""
    report = report or {}
    started = report.get("started_at")
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)) if started else ""
    state = report.get("state")
    label = f"dry-run {when or Path(run_dir).name}" + (f" — {state}" if state else "")
    return RunRecord(
        key=str(run_dir),
        kind=RunKind.DRY_RUN,
        label=label,
        folder=str(run_dir),
        state=RunState(state) if state in set(RunState) else None,
        report=dict(report),
    )


def read_report(run_dir: Path) -> dict[str, Any] | None:
    """A run folder's ``run.json``, or None when it has none (or it cannot be read)."""
    try:
        data = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def found_runs(pipeline: Pipeline, limit: int = HISTORY_LIMIT) -> list[RunRecord]:
    """The finished dry-runs in the pipeline's runs folder, newest first."""
    try:
        root = runs_root(pipeline)
        folders = [p for p in root.iterdir() if p.is_dir() and (p / RUN_FILE).is_file()]
    except OSError:
        return []
    folders.sort(key=lambda p: (p / RUN_FILE).stat().st_mtime, reverse=True)
    records = []
    for folder in folders[:limit]:
        report = read_report(folder)
        if report is not None:
            records.append(dry_run_record(folder, report))
    return records


def results_from_report(report: Mapping[str, Any]) -> dict[str, NodeRun]:
    """Each node's run as a ``run.json`` report tells it (for re-opening an earlier run)."""
    results: dict[str, NodeRun] = {}
    for entry in report.get("nodes") or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        try:
            state: NodeState | None = NodeState(entry.get("state"))
        except ValueError:
            state = None
        outputs = entry.get("outputs") if isinstance(entry.get("outputs"), dict) else {}
        notebook = str(entry.get("notebook") or "")
        error = entry.get("error") if isinstance(entry.get("error"), dict) else {}
        failure = (
            failure_of(str(entry.get("detail") or ""), entry) if state == NodeState.FAILED else None
        )
        results[str(entry["id"])] = NodeRun(
            state=state,
            detail=str(entry.get("detail") or ""),
            outputs=outputs_of(outputs),
            notebook=notebook,
            log=str(entry.get("log") or error.get("log") or ""),
            folder=artifact_folder(outputs, notebook),
            failure=failure,
        )
    return results


def summary_text(record: RunRecord) -> str:
    """A few lines about a run for the run panel: what, when, how it ended, node counts."""
    report = record.report
    lines = [record.label]
    if record.folder:
        lines.append(f"folder: {record.folder}")
    counts = report.get("counts") if isinstance(report.get("counts"), dict) else {}
    if counts:
        lines.append(", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    if report.get("duration_s") is not None:
        lines.append(f"took {report['duration_s']} s")
    failed = report.get("failed") or []
    if failed:
        lines.append("failed: " + ", ".join(str(f) for f in failed))
    return "\n".join(lines)
