"""The open document: a pipeline, its file, its undo stack, and its crash-recovery file."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from graph_editor import fileformat
from graph_editor.atomic import atomic_write_text
from graph_editor.pipeline import Pipeline
from graph_editor.qt.commands import EditStack

_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")  # writes in order


def _write_recovery(target: Path, text: str, meta: str) -> None:
    """The recovery file, then its meta file (whose presence makes it a pending recovery)."""
    atomic_write_text(target, text)
    atomic_write_text(target.with_suffix(".json"), meta)


def recovery_dir() -> Path:
    """Where recovery files live (the user's state folder; tests point it at a temp dir)."""
    return Path(platformdirs.user_state_dir("stitchboard")) / "recovery"


@dataclass(frozen=True)
class Recovery:
    """An autosaved document left behind by a session that did not close cleanly."""

    file: Path  # the recovery .stitch
    original: Path | None  # the file it belongs to (None: an untitled pipeline)
    saved_at: float

    def load(self) -> Pipeline:
        text = self.file.read_text(encoding="utf-8")
        return fileformat.loads(text, self.original if self.original else "<memory>")

    def discard(self) -> None:
        for path in (self.file, self.file.with_suffix(".json"), self.file.with_suffix(".lock")):
            path.unlink(missing_ok=True)


def _in_use(lock: Path) -> bool:
    """Whether a running Stitchboard holds this recovery file's lock (its work is live)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False  # no lock file: written by a session that is gone
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return False


def pending_recoveries() -> list[Recovery]:
    """Recovery files of sessions that ended without closing, newest first.

    A window that is still open elsewhere (another Stitchboard) holds a lock on its recovery
    file, so its live work is never offered to, or discarded by, a second instance.
    """
    found = []
    for meta in recovery_dir().glob("*.json"):
        data_file = meta.with_suffix(".stitch")
        if _in_use(meta.with_suffix(".lock")):
            continue
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data_file.exists():
            original = Path(info["original"]) if info.get("original") else None
            found.append(Recovery(data_file, original, float(info.get("saved_at", 0))))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Document:
    """One pipeline being edited: dirty when the undo stack is not at its saved point."""

    def __init__(self, pipeline: Pipeline | None = None, path: Path | None = None) -> None:
        self.pipeline = pipeline or Pipeline()
        self.path = Path(path).resolve() if path else None
        self.undo_stack = EditStack()
        self.restored = False  # restored from a recovery file: dirty until saved
        self._lock: int | None = None  # fd holding the recovery file's lock while it exists
        self._writes: list[Future[None]] = []  # background recovery writes under way
        self._key = hashlib.sha1(f"{self.path or id(self)}:{time.time_ns()}".encode()).hexdigest()[
            :12
        ]

    @classmethod
    def open(cls, path: Path) -> Document:
        """Read a file; raises ``PipelineFileError`` (the caller shows it, nothing is lost)."""
        return cls(fileformat.load(path), path)

    @property
    def dirty(self) -> bool:
        return self.restored or not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled.stitch"

    def save(self, path: Path | None = None) -> Path:
        """Save (atomically, same bytes as ``fileformat.save``); returns the path written."""
        target = Path(path or self.path or "").resolve()
        fileformat.save(self.pipeline, target)
        self.path = target
        self.restored = False
        self.undo_stack.setClean()
        self.discard_recovery()
        return target

    # -- crash recovery ---------------------------------------------------------------------
    @property
    def recovery_file(self) -> Path:
        return recovery_dir() / f"{self._key}.stitch"

    def autosave(self, background: bool = False) -> Path | None:
        """Write the recovery file if there are unsaved changes; remove it otherwise.

        With ``background`` (the window's timer) only the snapshot is taken here (the text,
        ~50 ms for 1000 nodes); writing and fsyncing it happen on a writer thread, so a slow
        disk never holds the window (issue #21: 5-10 s on a 1000-node file). Writes stay in
        order, and ``discard_recovery`` waits for them.
        """
        self._raise_failed_write()
        if not self.dirty:
            self.discard_recovery()
            return None
        folder = recovery_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self._hold_lock()
        # Sources as the original file's folder sees them: a restore loads it with that path.
        home = self.path.parent if self.path else None
        text = fileformat.dumps(self.pipeline, home)
        meta = {"original": str(self.path) if self.path else "", "saved_at": time.time()}
        target = self.recovery_file
        if background:
            self._writes.append(_WRITER.submit(_write_recovery, target, text, json.dumps(meta)))
        else:
            self.flush_autosave()
            _write_recovery(target, text, json.dumps(meta))
        return target

    def flush_autosave(self) -> None:
        """Wait for recovery writes still under way (raises the error of one that failed)."""
        writes, self._writes = self._writes, []
        for write in writes:
            write.result()

    def _raise_failed_write(self) -> None:
        done = [w for w in self._writes if w.done()]
        self._writes = [w for w in self._writes if not w.done()]
        for write in done:
            write.result()  # a failed background write reaches the window's error report

    def discard_recovery(self) -> None:
        with contextlib.suppress(OSError):
            self.flush_autosave()  # a write still under way must not bring the file back
        for path in (self.recovery_file, self.recovery_file.with_suffix(".json")):
            path.unlink(missing_ok=True)
        self.release_lock()

    def _hold_lock(self) -> None:
        """Lock the recovery file for as long as this document is open (a crash drops it)."""
        if self._lock is not None:
            return
        lock = self.recovery_file.with_suffix(".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)  # the user's umask applies
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return
        self._lock = fd

    def release_lock(self) -> None:
        if self._lock is None:
            return
        self.recovery_file.with_suffix(".lock").unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            os.close(self._lock)  # closing the fd drops the lock
        self._lock = None
