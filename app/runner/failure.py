"""``NodeFailure``: why one node failed in a dry-run, as one typed value (the report's ``error``).

Built once, where the failure happens (``app/runner/failures.py`` for a notebook cell); the run
event carries it (``NodeEvent.failure``), the CLI, the window's Failure panel and ``run.json``
show it, and an earlier run's ``run.json`` gives it back (``from_json``): nobody re-derives the
cell number or the error from the executed notebook's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from resources.runtime import stitchboard_runtime as runtime


class FailureKind(StrEnum):
    """What failed: the user's code, the run's limits, or the runner around it."""

    CELL = "cell"  # a notebook cell (or the injected parameters, or collecting) raised
    SCRIPT = "script"  # a script job exited non-zero
    TIMEOUT = "timeout"  # the node ran past its timeout and was killed
    INPUT = "input"  # an input has no value (unwired, unset, no default)
    OUTPUT = "output"  # the node ran but its outputs could not be collected
    PLAN = "plan"  # the runner could not work out the node's inputs or kernel
    RUNNER = "runner"  # anything else on the way (kernel start, preparing the notebook)


@dataclass(frozen=True)
class NodeFailure:
    """Why a node failed: exception type and message, and where to look (cell, notebook, log)."""

    kind: FailureKind
    type: str  # the exception's class name, or a word for the runner's own refusals
    message: str
    cell: int | None = None  # the notebook's cell number as the user counts it
    where: str = ""  # "in cell 3", "while collecting outputs"... (notebook failures)
    notebook: str = ""  # the executed notebook in the run folder
    log: str = ""  # the node's log file (script jobs)
    exit_code: int | None = None  # script jobs
    traceback: str = ""  # the failing cell's traceback, without terminal colours
    cell_source: str = ""  # the failing cell's code as it ran ("" when no cell raised)

    @classmethod
    def from_exception(
        cls, exc: BaseException, kind: FailureKind = FailureKind.RUNNER
    ) -> NodeFailure:
        """A failure for an exception raised by the runner while handling the node."""
        return cls(kind, type(exc).__name__, str(exc))

    @property
    def line(self) -> str:
        """``Type: message`` — one line for progress views and details."""
        return f"{self.type}: {self.message}" if self.message else self.type

    @property
    def headline(self) -> str:
        """Where and what: ``in cell 2: ValueError: bad rows`` (the window's and CLI's line)."""
        return f"{self.where}: {self.line}" if self.where else self.line

    def to_json(self) -> dict[str, Any]:
        """The report's ``error`` object (keys as the run report has always written them)."""
        data: dict[str, Any] = {"type": self.type, "message": self.message, "cell": self.cell}
        if self.notebook:
            data["notebook"] = self.notebook
        if self.kind == FailureKind.CELL:
            data["where"] = self.where
        if self.log:
            data["log"] = self.log
        if self.exit_code is not None:
            data["exit_code"] = self.exit_code
        if self.traceback:
            data["traceback"] = self.traceback
        if self.cell_source:
            data["cell_source"] = self.cell_source
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_json(cls, data: Any) -> NodeFailure | None:
        """The failure a report's ``error`` object holds (``None`` when it holds none)."""
        if not isinstance(data, dict) or not data.get("type"):
            return None
        try:
            kind = FailureKind(data.get("kind") or FailureKind.RUNNER)
        except ValueError:  # a word from a newer version: still show the error
            kind = FailureKind.RUNNER
        if "where" in data and not data.get("kind"):
            kind = FailureKind.CELL  # reports written before ``kind`` was kept
        cell, code = data.get("cell"), data.get("exit_code")
        return cls(
            kind,
            str(data["type"]),
            str(data.get("message") or ""),
            cell=cell if isinstance(cell, int) and not isinstance(cell, bool) else None,
            where=str(data.get("where") or ""),
            notebook=str(data.get("notebook") or ""),
            log=str(data.get("log") or ""),
            exit_code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            traceback=str(data.get("traceback") or ""),
            cell_source=str(data.get("cell_source") or ""),
        )


def failure_of(detail: str, data: Any, failure: NodeFailure | None = None) -> NodeFailure:
    """The failure to show for a failed node: the typed one its event carries, else its
    report entry's ``error`` (an earlier run, a deployed task), else its one-line reason."""
    if failure is not None:
        return failure
    data = data if isinstance(data, dict) else {}
    found = NodeFailure.from_json(data.get("error"))
    if found is not None:
        return found
    said = runtime.EXCEPTION_LINE.match(detail)
    kind, message = (said.group(1), said.group(2)) if said else ("Failed", detail)
    return NodeFailure(FailureKind.RUNNER, kind, message, log=str(data.get("log") or ""))
