"""Reading a node's notebook or script safely: regular files only, and not past a size cap.

A FIFO named as a source made every command hang on ``open``; a symlink to ``/dev/zero`` read
until memory ran out. A source is opened non-blocking, checked to be a regular file on the
open descriptor (no race with a swap after a ``stat``), and read only up to the cap.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# The cache key, inspection and the DAG bundle each hold a whole source in memory, and the
# bundle ships it inside the DAG file. Real notebooks with saved outputs reach a few tens of
# MB; past 64 MiB it is data that belongs in an artifact, not a notebook.
SOURCE_SIZE_MAX = 64 * 1024 * 1024


def read_source_bytes(path: str | Path) -> bytes:
    """The bytes of a regular file of at most ``SOURCE_SIZE_MAX``; ``OSError`` naming the file."""
    name = os.fspath(path)
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, device or socket)", name)
        if info.st_size > SOURCE_SIZE_MAX:
            raise OSError(errno.EFBIG, f"larger than {SOURCE_SIZE_MAX // 2**20} MiB", name)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(SOURCE_SIZE_MAX + 1)
    finally:
        os.close(fd)
    if len(data) > SOURCE_SIZE_MAX:  # it grew while being read
        raise OSError(errno.EFBIG, f"larger than {SOURCE_SIZE_MAX // 2**20} MiB", name)
    return data


def read_source_text(path: str | Path) -> str:
    """``read_source_bytes`` decoded as UTF-8 (``UnicodeDecodeError`` when it is not)."""
    return read_source_bytes(path).decode("utf-8")
