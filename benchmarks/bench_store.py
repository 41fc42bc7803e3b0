"""Benchmark: recording node outputs with a big cache, one file per entry vs one whole index.

The "before" is what ``RunStore`` did until 2026-12: re-read and rewrite the whole
``index.json`` (indented, sorted) after every node. The "after" is ``RunStore.record`` today.
Prints the time and bytes written for 200 recorded nodes on top of N existing entries, and
the after/before ratio (lower is better; aim <= 0.05 for 10,000 entries).

Run: python3 benchmarks/bench_store.py [--entries N] [--nodes N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402

from app.runner.store import RunStore  # noqa: E402
from graph_editor.atomic import atomic_write_text  # noqa: E402
from graph_editor.nodes import PipelineSettings  # noqa: E402
from graph_editor.pipeline import Pipeline  # noqa: E402

PADDING = "x" * 2000


def entry(run_dir: Path, i: int) -> dict[str, object]:
    return {"outputs": {"v": PADDING, "i": i}, "run_dir": str(run_dir)}


def old_setup(root: Path, run_dir: Path, entries: int) -> None:
    data = {"cache": {f"{i:064x}": entry(run_dir, i) for i in range(entries)}, "latest": {}}
    (root / "index.json").write_text(json.dumps(data))


def old_record(root: Path, run_dir: Path, entries: int, nodes: int) -> None:
    """The old way: one index, read and rewritten after each node."""
    index = root / "index.json"
    for n in range(nodes):
        data = json.loads(index.read_text(encoding="utf-8"))
        data["latest"][f"n{n}"] = data["cache"][f"{entries + n:064x}"] = entry(run_dir, n)
        atomic_write_text(index, json.dumps(data, indent=1, sort_keys=True))


def _store(root: Path) -> RunStore:
    return RunStore(Pipeline(PipelineSettings(name="b", dag_id="b"), root.parent / "b.stitch"))


def new_setup(root: Path, run_dir: Path, entries: int) -> None:
    old_setup(root, run_dir, entries)
    _store(root).latest("n0")  # splits the old index into entry files, as the first run does


def new_record(root: Path, run_dir: Path, entries: int, nodes: int) -> None:
    """Today: one small file per recorded node and key, then the end-of-run prune."""
    store = _store(root)
    for n in range(nodes):
        store.record(f"n{n}", entry(run_dir, n), f"{entries + n:064x}")
    store.prune()


def measure(setup, work, entries: int, nodes: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "b.runs"
        run_dir = root / "run-1"
        run_dir.mkdir(parents=True)
        setup(root, run_dir, entries)
        me = psutil.Process()
        start, written = time.perf_counter(), me.io_counters().write_chars
        work(root, run_dir, entries, nodes)
        return time.perf_counter() - start, me.io_counters().write_chars - written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=200)
    args = parser.parse_args()
    old_s, old_b = measure(old_setup, old_record, args.entries, args.nodes)
    new_s, new_b = measure(new_setup, new_record, args.entries, args.nodes)
    print(f"{args.nodes} nodes recorded on top of {args.entries} cache entries")
    print(f"  before (whole index per node): {old_s:8.2f} s  {old_b / 1e6:9.1f} MB written")
    print(f"  after  (one file per entry):   {new_s:8.2f} s  {new_b / 1e6:9.1f} MB written")
    print(f"  ratio after/before: time {new_s / old_s:.3f}, bytes {new_b / old_b:.4f}")


if __name__ == "__main__":
    main()
