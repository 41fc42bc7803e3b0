"""The cache index stays small and is written incrementally, even after thousands of runs."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest

from app.events import RunFinished
from app.runner import DryRun, RunOptions
from app.runner.store import RunStore
from tests.app.runner.builders import pipeline

PADDING = "x" * 2000  # outputs of a real node are often this big: the index was 33 MB


def _old_index(root: Path, kept: Path, entries: int) -> None:
    """An ``index.json`` as older versions left it: half its entries point at deleted runs."""
    gone = root / "20250101-000000-1"
    cache = {
        f"{i:064x}": {"outputs": {"v": PADDING}, "run_dir": str(kept if i % 2 else gone)}
        for i in range(entries)
    }
    latest = {"n-gone": {"outputs": {}, "run_dir": str(gone)}}
    (root / "index.json").write_text(json.dumps({"cache": cache, "latest": latest}))


def _run(p, **options) -> RunFinished:
    finished = None
    for event in DryRun(p, RunOptions(**options)).events():
        if isinstance(event, RunFinished):
            finished = event
    assert finished is not None
    return finished


def _scripts(tmp_path: Path, count: int):
    sources = {}
    for i in range(count):
        script = tmp_path / f"s{i}.py"
        script.write_text(f"print({i})\n")
        sources[f"s{i}"] = script
    return pipeline(tmp_path, sources)


@pytest.mark.slow
def test_a_run_with_a_huge_old_index_writes_small_files_and_prunes_deleted_runs(
    tmp_path: Path,
) -> None:
    p = _scripts(tmp_path, 3)
    root = RunStore(p).root
    kept = root / "20250101-000000-2"
    kept.mkdir(parents=True)
    _old_index(root, kept, 4000)
    assert (root / "index.json").stat().st_size > 8_000_000

    first = _run(p)
    assert first.state.value == "succeeded"
    assert not (root / "index.json").exists(), "the old index was not split up"
    cached = sorted(path.name for path in (root / "cache").glob("*.json"))
    assert len(cached) == 2000 + 3, "entries of deleted runs were not pruned"
    assert f"{1:064x}.json" in cached and f"{0:064x}.json" not in cached
    assert not list((root / "latest").glob("n-gone*"))

    me = psutil.Process()
    before = me.io_counters().write_chars
    second = _run(p, use_cache=False)
    written = me.io_counters().write_chars - before
    assert second.state.value == "succeeded"
    # Three nodes recorded: a few small files each, not three rewrites of a 4 MB index.
    assert written < 500_000, f"a 3-node run wrote {written} bytes"
    assert _run(p).summary["nodes"][0]["state"] == "cached"


def test_deleting_a_run_folder_drops_its_cache_entries(tmp_path: Path) -> None:
    p = _scripts(tmp_path, 1)
    store = RunStore(p)
    old, new = store.new_run_dir(), store.new_run_dir()
    store.record("n1", {"outputs": {"a": 1}, "run_dir": str(old)}, "k-old")
    store.record("n2", {"outputs": {"a": 2}, "run_dir": str(new)}, "k-new")
    old.rmdir()
    assert store.prune() == 2
    assert store.cached("k-old") is None and store.latest("n1") is None
    assert store.cached("k-new") == {"outputs": {"a": 2}, "run_dir": str(new)}
