"""One dry-run at a time per run folder: a second one sharing ``--run-dir`` is refused.

Two dry-runs writing the same run folder overwrite each other's artifacts and read them back
as their own (3 of 8 rounds of two parallel runs exited 0 with wrong values). The lock is an
OS file lock on ``<run>/.stitchboard.lock``: the system drops it when the holder ends, even
if it is killed, so a crashed run never leaves the folder locked.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.runner.errors import RunError

LOCK_NAME = ".stitchboard.lock"


class RunFolderLock:
    """The exclusive lock of one run folder, held for the whole dry-run."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise ``RunError`` (one line) if another dry-run holds it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise RunError(
                f"run folder {self.path.parent}: cannot use it ({exc.strerror or exc})"
            ) from exc
        if not _try_lock(fd):
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            by = f" (process {holder})" if holder.isdigit() else ""
            raise RunError(
                f"run folder {self.path.parent} is in use by another dry-run{by}: wait for "
                "it to finish or choose another --run-dir"
            )
        try:  # who holds it, for the message a second run shows (a full disk: no matter)
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:
            pass
        self._fd = fd

    def release(self) -> None:
        """Let the next dry-run have the folder (the lock file stays: see ``_try_lock``)."""
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


def _try_lock(fd: int) -> bool:
    # The file is never removed: a run that unlinked it on release could let one run lock the
    # old file and the next a new one at the same time.
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
