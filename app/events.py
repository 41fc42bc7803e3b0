"""The event stream of long work (dry-run, deploy, monitoring): small typed values.

Services yield these; the CLI renders them as progress, the GUI as node colours, badges and a
log view. No service prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class NodeState(StrEnum):
    """A node's state in a run (local dry-run or Airflow task instance)."""

    PENDING = "pending"  # not started, waiting for upstream
    QUEUED = "queued"  # ready, waiting for a free slot
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    CACHED = "cached"  # outputs reused from an earlier identical run
    SAMPLED = "sampled"  # not run here (no GPU/library); sample outputs used instead
    FAILED = "failed"
    SKIPPED = "skipped"  # not run because something upstream failed
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self not in (NodeState.PENDING, NodeState.QUEUED, NodeState.RUNNING)

    @property
    def is_ok(self) -> bool:
        return self in (NodeState.SUCCEEDED, NodeState.CACHED, NodeState.SAMPLED)


class RunState(StrEnum):
    """The state of a whole run."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class NodeEvent:
    """A node changed state. ``detail`` is a one-line reason (error, cache note...)."""

    node_id: str
    node_name: str
    state: NodeState
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # e.g. outputs, notebook path, timings

    def __hash__(self) -> int:
        return hash((self.node_id, self.state, self.detail))


@dataclass(frozen=True)
class LogEvent:
    """A line of log text, from a node (``node_id``) or the service itself (empty id)."""

    text: str
    node_id: str = ""
    node_name: str = ""
    level: str = "info"  # info | warning | error


@dataclass(frozen=True)
class ProgressEvent:
    """Overall progress: ``done`` of ``total`` nodes finished; ``phase`` names the step."""

    done: int
    total: int
    phase: str = ""


@dataclass(frozen=True)
class RunFinished:
    """The run ended; ``summary`` is the JSON-able report (also what ``--json`` prints)."""

    state: RunState
    summary: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.state)


Event = NodeEvent | LogEvent | ProgressEvent | RunFinished
