"""The runs folder of a pipeline: one folder per run, plus the cached and latest outputs.

Each cache entry and each node's latest entry is its own small file (``cache/<key>.json``,
``latest/<node id>.json``), so recording a node writes one small file. The single
``index.json`` this replaced was rewritten whole after every node and never shrank: with a
33 MB index a 200-node run took 356 s instead of 53 s. Entries whose run folder is gone are
pruned at the end of each run; an old ``index.json`` is split into files once and removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from graph_editor.atomic import atomic_write_text
from graph_editor.pipeline import Pipeline

LEGACY_INDEX = "index.json"
CACHE_DIR = "cache"
LATEST_DIR = "latest"
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")


# The examples that ship with Stitchboard (in the source tree or the installed package).
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def runs_root(pipeline: Pipeline) -> Path:
    """``<folder>/<stem>.runs`` next to the pipeline file.

    A pipeline with no file, one that Stitchboard ships (its examples: their runs would land in
    the source tree or the installed package, and a copy of the example would then carry them
    along and only ever report ``cached``), or one in a folder the user cannot write, keeps its
    runs in the user's cache folder instead, one folder per pipeline file.
    """
    path = pipeline.path
    if path is None:
        return _cache_runs("unsaved", Path.cwd() / "unsaved")
    if not _is_bundled(path) and os.access(path.parent, os.W_OK):
        return path.parent / f"{path.stem}.runs"
    return _cache_runs(path.stem, path)


def _is_bundled(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(EXAMPLES)
    except (OSError, RuntimeError):
        return False


def _cache_runs(stem: str, key: Path) -> Path:
    import platformdirs

    digest = hashlib.sha256(str(key.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", stem)[:60] or "pipeline"
    root = Path(platformdirs.user_cache_dir("stitchboard", appauthor=False)) / "runs"
    return root / f"{safe}-{digest[:12]}.runs"


def _file_name(name: str) -> str:
    if _SAFE_NAME.fullmatch(name):
        return f"{name}.json"
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest() + ".json"


def _usable(entry: Any) -> dict[str, Any] | None:
    return entry if isinstance(entry, dict) and isinstance(entry.get("outputs"), dict) else None


class RunStore:
    """Creates run folders and keeps the cache entries and each node's latest outputs."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.root = runs_root(pipeline)
        self._lock = threading.Lock()
        self._migrated = False

    def new_run_dir(self) -> Path:
        """A fresh, empty run folder named ``<timestamp>-<n>``."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.root.mkdir(parents=True, exist_ok=True)
        n = 1
        while True:
            candidate = self.root / f"{stamp}-{n}"
            try:
                candidate.mkdir()
                return candidate
            except FileExistsError:
                n += 1

    # -- entries ----------------------------------------------------------------------------
    def _path(self, folder: str, name: str) -> Path:
        return self.root / folder / _file_name(name)

    def _load(self, folder: str, name: str) -> dict[str, Any] | None:
        self._migrate()
        try:
            return _usable(json.loads(self._path(folder, name).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def _store(self, folder: str, name: str, entry: dict[str, Any]) -> None:
        path = self._path(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(entry, sort_keys=True))

    def cached(self, key: str) -> dict[str, Any] | None:
        """The cache entry of an earlier successful run with this key, if any."""
        return self._load(CACHE_DIR, key)

    def latest(self, node_id: str) -> dict[str, Any] | None:
        """The outputs this node produced (or reused) in the most recent run that got them."""
        return self._load(LATEST_DIR, node_id)

    def record(self, node_id: str, entry: dict[str, Any], cache_key: str = "") -> None:
        """Remember a node's outputs as its latest, and (with a key) as a cache entry."""
        self._migrate()
        self._store(LATEST_DIR, node_id, entry)
        if cache_key:
            self._store(CACHE_DIR, cache_key, entry)

    def forget(self, cache_key: str) -> None:
        """Drop a cache entry (its artifacts changed after they were written)."""
        self._migrate()
        self._path(CACHE_DIR, cache_key).unlink(missing_ok=True)

    # -- upkeep -----------------------------------------------------------------------------
    def prune(self) -> int:
        """Drop entries whose run folder no longer exists; returns how many were dropped."""
        self._migrate()
        dropped = 0
        for folder in (CACHE_DIR, LATEST_DIR):
            for path in sorted((self.root / folder).glob("*.json")):
                try:
                    entry = _usable(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    entry = None
                if entry is None or not self._run_exists(entry):
                    path.unlink(missing_ok=True)
                    dropped += 1
        return dropped

    def _run_exists(self, entry: dict[str, Any]) -> bool:
        run_dir = entry.get("run_dir")
        return isinstance(run_dir, str) and bool(run_dir) and Path(run_dir).is_dir()

    def _migrate(self) -> None:
        """Split an ``index.json`` left by an older version into entry files, once."""
        with self._lock:
            if self._migrated:
                return
            self._migrated = True
            legacy = self.root / LEGACY_INDEX
            try:
                data = json.loads(legacy.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict):
                for folder, section in ((CACHE_DIR, "cache"), (LATEST_DIR, "latest")):
                    entries = data.get(section)
                    for name, entry in entries.items() if isinstance(entries, dict) else ():
                        usable = _usable(entry)
                        if usable is not None and self._run_exists(usable):
                            if not self._path(folder, str(name)).exists():
                                self._store(folder, str(name), usable)
            legacy.unlink(missing_ok=True)
