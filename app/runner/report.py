"""The run report: per-node records and the JSON-able summary written to ``run.json``."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.events import NodeState, RunState
from graph_editor.nodes import Node


@dataclass
class NodeRecord:
    """What happened to one node in a run (mutable while the run goes on)."""

    node: Node
    state: NodeState = NodeState.PENDING
    detail: str = ""
    started_at: float | None = None
    ended_at: float | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    input_sources: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    notebook: str = ""
    log: str = ""
    cache_key: str = ""
    kernel: str = ""
    reused_from: str = ""  # run folder whose outputs were reused (cached / partial run)
    mode: str = "local"  # local | cpu | sampled | prepared | reused
    notes: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return round(self.ended_at - self.started_at, 3)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.node.id,
            "name": self.node.name,
            "kind": self.node.kind.value,
            "source": self.node.source,
            "state": self.state.value,
            "detail": self.detail,
            "mode": self.mode,
            "notes": list(self.notes),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": self.duration,
            "inputs": self.inputs,
            "input_sources": self.input_sources,
            "outputs": self.outputs,
            "error": self.error,
            "notebook": self.notebook,
            "log": self.log,
            "cache_key": self.cache_key,
            "reused_from": self.reused_from,
        }


def run_state(records: list[NodeRecord], cancelled: bool) -> RunState:
    if cancelled:
        return RunState.CANCELLED
    if any(r.state == NodeState.FAILED for r in records):
        return RunState.FAILED
    return RunState.SUCCEEDED


def summary(
    pipeline_path: Path | None,
    name: str,
    run_dir: Path,
    state: RunState,
    records: list[NodeRecord],
    started: float,
    options: dict[str, Any],
) -> dict[str, Any]:
    """The JSON-able report of a run (what ``--json`` prints and ``run.json`` holds)."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record.state.value] = counts.get(record.state.value, 0) + 1
    ended = time.time()
    return {
        "pipeline": str(pipeline_path) if pipeline_path else None,
        "name": name,
        "run_dir": str(run_dir),
        "state": state.value,
        "started_at": started,
        "ended_at": ended,
        "duration_s": round(ended - started, 3),
        "options": options,
        "counts": counts,
        "failed": [r.node.name for r in records if r.state == NodeState.FAILED],
        "nodes": [r.to_json() for r in records],
    }


def write_summary(run_dir: Path, data: dict[str, Any]) -> Path:
    path = run_dir / "run.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=repr), encoding="utf-8")
    return path
