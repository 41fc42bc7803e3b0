"""The run report: per-node records while a run goes on, and the frozen summary it ends with.

``RunSummary.to_json()`` is what ``dry-run --json`` prints and ``run.json`` holds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.events import NodeState, RunState
from app.runner.failure import NodeFailure
from app.runner.options import RunMode
from graph_editor.atomic import atomic_write_text
from graph_editor.nodes import Node

RUN_FILE = "run.json"


@dataclass(frozen=True)
class NodeResult:
    """What happened to one node in a finished run (one entry of the report's ``nodes``)."""

    node: Node
    state: NodeState
    detail: str
    mode: RunMode
    notes: tuple[str, ...]
    started_at: float | None
    ended_at: float | None
    inputs: Mapping[str, Any]
    input_sources: Mapping[str, str]
    outputs: Mapping[str, Any]
    error: NodeFailure | None
    notebook: str
    log: str
    cache_key: str
    reused_from: str

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
            "mode": self.mode.value,
            "notes": list(self.notes),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": self.duration,
            "inputs": dict(self.inputs),
            "input_sources": dict(self.input_sources),
            "outputs": dict(self.outputs),
            "error": self.error.to_json() if self.error else None,
            "notebook": self.notebook,
            "log": self.log,
            "cache_key": self.cache_key,
            "reused_from": self.reused_from,
        }


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
    error: NodeFailure | None = None
    notebook: str = ""
    log: str = ""
    cache_key: str = ""
    kernel: str = ""
    reused_from: str = ""  # run folder whose outputs were reused (cached / partial run)
    mode: RunMode = RunMode.LOCAL
    notes: list[str] = field(default_factory=list)
    files: dict[str, Any] = field(default_factory=dict)  # produced files: rel -> artifact ref

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return round(self.ended_at - self.started_at, 3)

    def result(self) -> NodeResult:
        """A frozen copy of the record as it stands."""
        return NodeResult(
            node=self.node,
            state=self.state,
            detail=self.detail,
            mode=self.mode,
            notes=tuple(self.notes),
            started_at=self.started_at,
            ended_at=self.ended_at,
            inputs=dict(self.inputs),
            input_sources=dict(self.input_sources),
            outputs=dict(self.outputs),
            error=self.error,
            notebook=self.notebook,
            log=self.log,
            cache_key=self.cache_key,
            reused_from=self.reused_from,
        )


@dataclass(frozen=True)
class RunSummary:
    """The report of a finished dry-run."""

    pipeline: Path | None
    name: str
    run_dir: Path
    state: RunState
    started_at: float
    ended_at: float
    options: Mapping[str, Any]  # the run's options as JSON (parameters, jobs, selection...)
    nodes: tuple[NodeResult, ...]

    @property
    def duration(self) -> float:
        return round(self.ended_at - self.started_at, 3)

    @property
    def counts(self) -> dict[NodeState, int]:
        """How many nodes ended in each state (states no node reached are left out)."""
        counts: dict[NodeState, int] = {}
        for node in self.nodes:
            counts[node.state] = counts.get(node.state, 0) + 1
        return counts

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the failed nodes, in run order."""
        return tuple(n.node.name for n in self.nodes if n.state == NodeState.FAILED)

    def to_json(self) -> dict[str, Any]:
        return {
            "pipeline": str(self.pipeline) if self.pipeline else None,
            "name": self.name,
            "run_dir": str(self.run_dir),
            "state": self.state.value,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": self.duration,
            "options": dict(self.options),
            "counts": {state.value: n for state, n in self.counts.items()},
            "failed": list(self.failed),
            "nodes": [n.to_json() for n in self.nodes],
        }

    def write(self) -> Path:
        """Write ``run.json`` into the run folder (atomically)."""
        path = self.run_dir / RUN_FILE
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False, default=repr)
        atomic_write_text(path, text)
        return path


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
    options: Mapping[str, Any],
) -> RunSummary:
    """The frozen report of a run, ended now."""
    return RunSummary(
        pipeline=pipeline_path,
        name=name,
        run_dir=run_dir,
        state=state,
        started_at=started,
        ended_at=time.time(),
        options=dict(options),
        nodes=tuple(r.result() for r in records),
    )
