"""What a dry-run is asked to do (overrides, parallelism, selection, cache use) and its run modes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RunOptions:
    """Options of one dry-run; ``only``/``from_node`` take node names or ids."""

    overrides: dict[str, Any] = field(default_factory=dict)  # pipeline parameter -> value
    jobs: int | None = None  # None: the number of CPUs
    run_dir: Path | str | None = None  # None: a new folder under <pipeline>.runs/
    prepare_only: bool = False
    only: tuple[str, ...] = ()
    from_node: str | None = None
    use_cache: bool = True

    @property
    def max_jobs(self) -> int:
        return max(1, self.jobs or os.cpu_count() or 1)

    @property
    def is_partial(self) -> bool:
        return bool(self.only or self.from_node)


class RunMode(StrEnum):
    """How a node's outputs were obtained in a dry-run (the report's ``mode``)."""

    LOCAL = "local"  # ran here as on the cluster
    CPU = "cpu"  # a GPU job ran here on CPU / as a single worker
    SAMPLED = "sampled"  # not runnable here: the node's sample outputs stand in
    PREPARED = "prepared"  # --prepare-only: notebook written, not run
    REUSED = "reused"  # not selected: outputs of an earlier run
    CACHED = "cached"  # same inputs and source as an earlier run: its outputs
