"""Find and read every pipeline of a workspace folder.

Every command that takes a ``.stitch`` file also takes a folder: ``members(root)`` is the one
place that says which files belong to it (every regular ``*.stitch`` file below it, in a stable
order, hidden folders such as ``.git`` and ``.venv`` left out) and reads them. A file that cannot
be read is a member with its one-line error, so the others are still checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph_editor import fileformat
from graph_editor.errors import StitchboardError
from graph_editor.pipeline import Pipeline

SUFFIX = ".stitch"


@dataclass
class Member:
    """One pipeline file of a workspace: read (``pipeline``) or not (``error``, one line)."""

    path: Path
    rel: str  # the path below the workspace root, with ``/``: what every report shows
    pipeline: Pipeline | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.pipeline is not None


def is_workspace(target: str | Path) -> bool:
    """True when a command was given a folder rather than one pipeline file."""
    return Path(target).is_dir()


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.endswith(SUFFIX) and not name.startswith("."):
                path = Path(folder) / name
                try:  # a regular file only: a FIFO named like a pipeline must not hang the scan
                    if stat.S_ISREG(path.stat().st_mode):
                        yield path
                except OSError:
                    yield path  # read() reports it with its path


def stitch_files(root: str | Path) -> list[Path]:
    """Every pipeline file below ``root``, sorted by its path below the root."""
    root = Path(root)
    return sorted(_walk(root), key=lambda p: p.relative_to(root).as_posix())


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read(root: Path, path: Path) -> Member:
    """Read one member; a file that cannot be read becomes its one-line error."""
    member = Member(path=path, rel=relative(root, path))
    try:
        member.pipeline = fileformat.load(path)
    except StitchboardError as exc:
        member.error = str(exc)
    return member


def members(
    root: str | Path, on_progress: Callable[[int, int, str], None] | None = None
) -> list[Member]:
    """Read every pipeline below ``root`` (``on_progress(done, total, rel)`` after each)."""
    root = Path(root).resolve()
    files = stitch_files(root)
    found: list[Member] = []
    for done, path in enumerate(files, 1):
        found.append(read(root, path))
        if on_progress is not None:
            on_progress(done, len(files), found[-1].rel)
    return found
