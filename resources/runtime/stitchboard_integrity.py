"""Stitchboard's integrity checks: an artifact is read only if its bytes are the ones recorded.

This file is self-contained (stdlib only) because it travels with ``stitchboard_artifacts.py``
into pods, workers and the kernel that runs a notebook.

Every artifact reference carries the size and sha256 its producer wrote (a folder: its total
size and a tree hash of names and file hashes). The reference travels in the run record (the
dry-run's cache entry, an Airflow XCom), not in the store, so a file changed, truncated or
replaced in the store after it was written no longer matches, and a reader refuses it before
it parses a byte of it (a pickle is never unpickled). The checks here compare a local copy
with a recorded size and hash; the artifact layer raises its own error from what they say.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


def sha256_stream(stream: Any) -> str:
    """sha256 of everything a binary stream still holds, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: str | Path) -> str:
    """sha256 of a file's bytes (streamed, any size)."""
    with open(path, "rb") as stream:
        return sha256_stream(stream)


def tree_digest(entries: dict[str, str]) -> str:
    """Tree hash from ``{relative posix path: file sha256, or "" for a folder}``.

    Folders count only through the files in them: object stores keep no empty folders, and
    a folder must hash the same on the laptop and after a round trip through ``s3://``.
    """
    digest = hashlib.sha256()
    for rel in sorted(entries):
        if entries[rel]:
            digest.update(f"{rel}\0{entries[rel]}\n".encode())
    return digest.hexdigest()


def walk(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file and folder under ``root`` as (relative posix path, path), sorted."""
    for here, dirs, files in os.walk(root):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            path = Path(here) / name
            yield path.relative_to(root).as_posix(), path


def sha256_tree(root: str | Path) -> str:
    """Hash of a folder: the names and contents of every file in it (not times)."""
    root = Path(root)
    return tree_digest({rel: "" if p.is_dir() else sha256_file(p) for rel, p in walk(root)})


def copy_hashing(src: Path, dst: Path) -> str:
    """Copy one file, hashing it in the same pass."""
    digest = hashlib.sha256()
    with open(src, "rb") as reader, open(dst, "wb") as writer:
        for chunk in iter(lambda: reader.read(CHUNK), b""):
            digest.update(chunk)
            writer.write(chunk)
    shutil.copymode(src, dst)
    return digest.hexdigest()


def copy_tree(src: Path, dst: Path) -> tuple[str, int]:
    """Copy a file or folder to ``dst`` (which must not exist); returns (hash, total bytes)."""
    if src.is_file():
        return copy_hashing(src, dst), src.stat().st_size
    dst.mkdir()
    entries: dict[str, str] = {}
    size = 0
    for rel, path in walk(src):
        if path.is_dir():
            (dst / rel).mkdir()
            entries[rel] = ""
        else:
            entries[rel] = copy_hashing(path, dst / rel)
            size += path.stat().st_size
    return tree_digest(entries), size


def measure(path: Path) -> tuple[str, int]:
    """(sha256 or tree hash, total bytes) of a file or folder as it is now."""
    if path.is_file():
        return sha256_file(path), path.stat().st_size
    files = [p for _, p in walk(path) if not p.is_dir()]
    return sha256_tree(path), sum(p.stat().st_size for p in files)


def difference(size: int, sha256: str, got_size: int, got_sha256: str) -> str:
    """How a file or folder differs from its record ('' when it matches)."""
    if got_size != size:
        return f"holds {got_size} bytes, its record says {size}"
    if got_sha256 != sha256:
        return "has other bytes than its record (sha256 differs)"
    return ""


def check(path: Path, size: int, sha256: str) -> str:
    """How ``path`` differs from a recorded size and hash ('' when it matches).

    A single file's size is compared first, so a truncated file is told without hashing it.
    """
    if path.is_file() and path.stat().st_size != size:
        return difference(size, sha256, path.stat().st_size, "")
    got_sha256, got_size = measure(path)
    return difference(size, sha256, got_size, got_sha256)


def content_key(data: bytes) -> str:
    """The key a shipped file is stored under: the start of its bytes' sha256."""
    return hashlib.sha256(data).hexdigest()[:16]
