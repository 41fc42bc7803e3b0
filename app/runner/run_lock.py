"""One dry-run at a time per run folder: a second one sharing ``--run-dir`` is refused.

Two dry-runs writing the same run folder overwrite each other's artifacts and read them back
as their own (3 of 8 rounds of two parallel runs exited 0 with wrong values). The lock is an
OS file lock on ``<run>/.stitchboard.lock``: the system drops it when the holder ends, even
if it is killed, so a crashed run never leaves the folder locked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from app.runner.errors import RunError

LOCK_NAME = ".stitchboard.lock"


class RunFolderLock:
    """The exclusive lock of one run folder, held for the whole dry-run."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise ``RunError`` (one line) if another dry-run holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            by = f" (process {holder})" if holder.isdigit() else ""
            raise RunError(
                f"run folder {self.path.parent} is in use by another dry-run{by}: wait for "
                "it to finish or choose another --run-dir"
            )
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Let the next dry-run have the folder (the lock file stays: see ``_try_lock``)."""
        if self._handle is not None:
            self._handle.close()  # closing drops the lock
            self._handle = None


def _try_lock(handle: IO[str]) -> bool:
    # The file is never removed: a run that unlinked it on release could let one run lock the
    # old file and the next a new one at the same time.
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
