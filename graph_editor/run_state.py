"""The states of a run and of its nodes (local dry-run or Airflow), shared by services and canvas.

Pure: the runner and deploy report them in events, the canvas colours nodes by them.
"""

from __future__ import annotations

from enum import StrEnum


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
