"""The event stream of long work (dry-run, deploy, monitoring): small typed values.

Services yield these; the CLI renders them as progress, the GUI as node colours, badges and a
log view. No service prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from graph_editor.run_state import NodeState, RunState

if TYPE_CHECKING:
    from app.runner.failure import NodeFailure

__all__ = [
    "Event",
    "LogEvent",
    "LogLevel",
    "NodeEvent",
    "NodeState",
    "ProgressEvent",
    "Report",
    "RunFinished",
    "RunState",
]


@dataclass(frozen=True)
class NodeEvent:
    """A node changed state. ``detail`` is a one-line reason (error, cache note...).

    A failed node's event carries the typed failure the runner built (``failure``): the
    window shows that object, as the CLI and ``run.json`` do.
    """

    node_id: str
    node_name: str
    state: NodeState
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # e.g. outputs, notebook path, timings
    failure: NodeFailure | None = None

    def __hash__(self) -> int:
        return hash((self.node_id, self.state, self.detail))


class LogLevel(StrEnum):
    """How much a log line matters: errors are kept and shown after the progress."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class LogEvent:
    """A line of log text, from a node (``node_id``) or the service itself (empty id)."""

    text: str
    node_id: str = ""
    node_name: str = ""
    level: LogLevel = LogLevel.INFO

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", LogLevel(self.level))  # refuses unknown words


@dataclass(frozen=True)
class ProgressEvent:
    """Overall progress: ``done`` of ``total`` nodes finished; ``phase`` names the step."""

    done: int
    total: int
    phase: str = ""


class Report(Protocol):
    """A typed end-of-work report (dry-run, deploy, an Airflow run) that can be written as JSON."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RunFinished:
    """The run ended; ``report`` is its typed report, ``summary`` that report as JSON."""

    state: RunState
    report: Report | None = None

    @property
    def summary(self) -> dict[str, Any]:
        """The JSON-able report (also what ``--json`` prints)."""
        return self.report.to_json() if self.report is not None else {}

    def __hash__(self) -> int:
        return hash(self.state)


Event = NodeEvent | LogEvent | ProgressEvent | RunFinished
