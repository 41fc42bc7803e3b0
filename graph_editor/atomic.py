"""Atomic file writes: a temp file in the same folder, fsync, rename — never a half-written file.

The temp file is dot-named, so Airflow's DAG processor and file managers skip it. The written
file gets the mode of the file it replaces, or (a new file) the mode the umask gives new files —
not ``mkstemp``'s 0600.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
import time
from pathlib import Path

_UMASK_LOCK = threading.Lock()
_STARTED = time.time()  # temp files older than this process belong to a writer that died
_TEMP_SUFFIX = ".tmp"
_MKSTEMP_NAME = r"[a-z0-9_]{8}"  # tempfile's random part: 8 of [a-z0-9_]


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere the only way to read it is to set it and put it back
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def atomic_write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one step; raises ``OSError`` and leaves no temp file.

    ``mode`` forces the file's permission bits; without it they are kept (see the module).
    """
    path = Path(path)
    final_mode = _mode_for(path) if mode is None else mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, final_mode)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # say which file (a full disk)
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_text(path: str | Path, text: str, *, mode: int | None = None) -> None:
    """``atomic_write_bytes`` for UTF-8 text with ``\\n`` line ends."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Delete temp files an atomic write of ``path`` left when its process was killed.

    Only names this module makes for ``path`` (``.NAME.xxxxxxxx.tmp``) and only those last
    changed before this process started: a write in progress elsewhere is never touched.
    """
    path = Path(path)
    pattern = re.compile(re.escape(f".{path.name}.") + _MKSTEMP_NAME + re.escape(_TEMP_SUFFIX))
    removed: list[Path] = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        if not pattern.fullmatch(candidate.name):
            continue
        try:
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < _STARTED:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed
