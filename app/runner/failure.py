"""``NodeFailure``: why one node failed in a dry-run, as one typed value (the report's ``error``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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

    @classmethod
    def from_exception(
        cls, exc: BaseException, kind: FailureKind = FailureKind.RUNNER
    ) -> NodeFailure:
        """A failure for an exception raised by the runner while handling the node."""
        return cls(kind, type(exc).__name__, str(exc))

    @property
    def line(self) -> str:
        """``Type: message`` — one line for progress views and details."""
        return f"{self.type}: {self.message}"

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
        return data
