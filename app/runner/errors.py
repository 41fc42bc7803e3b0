"""The local runner's errors: raised before or between nodes, never for one node's own failure."""

from __future__ import annotations

from graph_editor.errors import StitchboardError

__all__ = ["KernelStartError", "RunError"]


class RunError(StitchboardError):
    """The local runner cannot start or continue a run."""


class KernelStartError(StitchboardError):
    """A node's kernel cannot start here (its program is not installed): that node fails."""
