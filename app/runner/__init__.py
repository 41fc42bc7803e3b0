"""The local dry-run: runs a pipeline's notebooks and scripts on this machine, yielding events."""

from __future__ import annotations

from app.runner.dryrun import DryRun
from app.runner.options import RunOptions

__all__ = ["DryRun", "RunOptions"]
