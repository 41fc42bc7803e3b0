"""The runs folder of a pipeline: one folder per run, plus an index of cached and latest outputs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from graph_editor.atomic import atomic_write_text
from graph_editor.pipeline import Pipeline

INDEX_NAME = "index.json"


def runs_root(pipeline: Pipeline) -> Path:
    """``<folder>/<stem>.runs`` next to the pipeline file (or in the cwd for unsaved ones)."""
    if pipeline.path is not None:
        return pipeline.path.parent / f"{pipeline.path.stem}.runs"
    return Path.cwd() / "pipeline.runs"


class RunStore:
    """Creates run folders and keeps ``index.json``: cache entries and each node's latest outputs."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.root = runs_root(pipeline)
        self._lock = threading.Lock()
        self._index: dict[str, Any] | None = None

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

    # -- index ------------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        path = self.root / INDEX_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        data.setdefault("cache", {})
        data.setdefault("latest", {})
        return data

    def index(self) -> dict[str, Any]:
        with self._lock:
            if self._index is None:
                self._index = self._read()
            return self._index

    def cached(self, key: str) -> dict[str, Any] | None:
        """The cache entry of an earlier successful run with this key, if any."""
        entry = self.index()["cache"].get(key)
        return entry if isinstance(entry, dict) and isinstance(entry.get("outputs"), dict) else None

    def latest(self, node_id: str) -> dict[str, Any] | None:
        """The outputs this node produced (or reused) in the most recent run that got them."""
        entry = self.index()["latest"].get(node_id)
        return entry if isinstance(entry, dict) and isinstance(entry.get("outputs"), dict) else None

    def record(self, node_id: str, entry: dict[str, Any], cache_key: str = "") -> None:
        """Remember a node's outputs as its latest, and (with a key) as a cache entry."""
        with self._lock:
            data = self._read()  # merge with what other runs wrote meanwhile
            data["latest"][node_id] = entry
            if cache_key:
                data["cache"][cache_key] = entry
            self._index = data
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.root / INDEX_NAME, json.dumps(data, indent=1, sort_keys=True))
