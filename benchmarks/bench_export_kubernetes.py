"""Benchmark: the kubernetes export of a 2,000-node pipeline against the worker export of the
same pipeline (same process, so the ratio holds on a busy machine).

The kubernetes export checks each pod's size; packing the runtime's files again for every pod
made it ~18x the worker export (21 s; 2.7 s before the check). Packed once: ~1.5x.

Run: python3 benchmarks/bench_export_kubernetes.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benchmarks.bench_export as bench  # noqa: E402
from exporters.airflow import export_pipeline  # noqa: E402

bench.N = 2000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = bench.big_pipeline(Path(tmp))
        times: dict[str, list[float]] = {"worker": [], "kubernetes": []}
        for _ in range(3):
            for backend in times:
                start = time.perf_counter()
                export_pipeline(pipeline, backend)
                times[backend].append(time.perf_counter() - start)
    worker, kubernetes = (statistics.median(times[b]) for b in ("worker", "kubernetes"))
    print(f"2,000 nodes: worker export {worker:.2f} s, kubernetes export {kubernetes:.2f} s")
    print(f"kubernetes / worker: {kubernetes / worker:.2f}x")


if __name__ == "__main__":
    main()
