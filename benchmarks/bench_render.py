"""Memory and time of ``stitchboard render`` on big pipelines, against a 10-node baseline.

Each size is drawn by the real CLI in its own process (``python3 -m app.cli.main render``,
offscreen); its peak RSS comes from ``wait4`` (that child only) and its wall time from the
clock. Printed: peak MB, seconds, and both as ratios to the 10-node run, plus the memory each
node adds (a bounded render grows linearly: the MB per node stays flat from size to size).
Then one process renders the 1000-node pipeline several times, printing its RSS after each:
a leak shows as RSS that keeps climbing after the first render.
Run: python3 benchmarks/bench_render.py [--sizes 10,250,1000,2000] [--repeat 4]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_validate import build  # noqa: E402

from graph_editor import fileformat  # noqa: E402

REPEAT_CHILD = """
import os, sys
import psutil
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from app.gui.launch import render
me = psutil.Process()
for i in range(int(sys.argv[3])):
    render(sys.argv[1], sys.argv[2], 1600, 900)
    print(f"{me.memory_info().rss / 2**20:.0f}", flush=True)
"""


def pipeline_file(folder: Path, count: int) -> Path:
    sub = folder / f"n{count}"
    sub.mkdir()
    pipeline = build(sub, count)
    path = sub / "big.stitch"
    fileformat.save(pipeline, path)
    return path


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def render_once(path: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one CLI render of ``path``."""
    out = path.with_suffix(".png")
    command = [sys.executable, "-m", "app.cli.main", "render", str(path), "-o", str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0 or not out.exists():
        raise SystemExit(f"render of {path} failed (exit {child.returncode})")
    return usage.ru_maxrss / 1024, seconds  # Linux reports KiB


def repeated(path: Path, times: int) -> list[int]:
    out = path.with_name("again.png")
    done = subprocess.run(
        [sys.executable, "-c", REPEAT_CHILD, str(path), str(out), str(times)],
        env=env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(line) for line in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,250,1000,2000")
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    sizes = sorted({10, *(int(s) for s in args.sizes.split(","))})
    with tempfile.TemporaryDirectory() as tmp:
        files = {n: pipeline_file(Path(tmp), n) for n in sizes}
        results = {n: render_once(files[n]) for n in sizes}
        base_mb, base_s = results[10]
        print(
            f"{'nodes':>6} {'peak MB':>8} {'x base':>7} {'seconds':>8} {'x base':>7} {'MB/node':>8}"
        )
        for n in sizes:
            mb, s = results[n]
            per = (mb - base_mb) / (n - 10) if n > 10 else 0.0
            print(
                f"{n:>6} {mb:>8.0f} {mb / base_mb:>7.2f} {s:>8.2f} {s / base_s:>7.2f} {per:>8.3f}"
            )
        if 1000 in files and args.repeat > 1:
            rss = repeated(files[1000], args.repeat)
            growth = rss[-1] - rss[0]
            print(f"1000 nodes rendered {len(rss)}x in one process, RSS MB after each: {rss}")
            print(f"growth after the first render: {growth} MB ({growth / rss[0]:.1%})")


if __name__ == "__main__":
    main()
