"""Benchmark: data handed between nodes in a real dry-run, against doing the same by hand.

Prints, side by side (no asserts; numbers for docs/dry-run.md):
- a 1,000,000 x 5 float DataFrame from A to B: the hand-off's time inside the kernels (A's
  collect cell + B's load cell, papermill's cell timings) and the difference in B's node time
  against the same pipeline with a 5-row frame, vs ``to_parquet`` + ``read_parquet`` of the same
  frame in this process (aim <= 1.3x);
- a 300,000-float list from A to B: B's node time against the same pipeline handing on 3
  floats (what the data itself adds to B: the issue's "node B <= 1 s", which was 59 s when
  values were injected as source), B's load cell, and how much of B's time is spent outside
  its cells (kernel start, papermill, the runner).

Run: python3 benchmarks/bench_handoff.py [--only frame|floats]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402

from app.events import RunFinished  # noqa: E402
from app.runner import DryRun, RunOptions  # noqa: E402
from resources.runtime import stitchboard_runtime as runtime  # noqa: E402
from tests.app.runner.builders import notebook, pipeline  # noqa: E402

FRAME = "import numpy as np, pandas as pd\nframe = pd.DataFrame(np.random.default_rng(0).random(({rows}, 5)), columns=list('abcde'))"


def run(folder: Path, a_body: str, a_out: str, b_params: str, b_out: str, port: str) -> dict:
    a = notebook(folder / "a.ipynb", body=a_body, outputs=a_out)
    b = notebook(folder / "b.ipynb", parameters=b_params, outputs=b_out)
    p = pipeline(folder, {"a": a, "b": b}, [f"a.{port}->b.{port}"])
    dry = DryRun(p, RunOptions(jobs=1, use_cache=False))
    finished = [e for e in dry.events() if isinstance(e, RunFinished)][-1]
    nodes = {n["name"]: n for n in finished.summary["nodes"]}
    assert nodes["b"]["state"] == "succeeded", nodes["b"]["detail"]
    return {
        "b_node": nodes["b"]["duration_s"],
        "collect": cell_time(dry.run_dir / "a.ipynb", runtime.COLLECT_TAG),
        "load": cell_time(dry.run_dir / "b.ipynb", runtime.LOAD_TAG),
        "b_size": (dry.run_dir / "b.ipynb").stat().st_size,
        "b_cells": cells_time(dry.run_dir / "b.ipynb"),
    }


def cells_time(executed: Path) -> float:
    """Time B's kernel spent in all its cells (papermill's timings): the node time less this
    is kernel start, papermill and the runner's own work."""
    cells = nbformat.read(str(executed), as_version=4).cells
    return sum(float(c.metadata.get("papermill", {}).get("duration") or 0.0) for c in cells)


def cell_time(executed: Path, tag: str) -> float:
    for cell in nbformat.read(str(executed), as_version=4).cells:
        if tag in (cell.metadata.get("tags") or []):
            return float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
    return 0.0


def by_hand(rows: int) -> float:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(np.random.default_rng(0).random((rows, 5)), columns=list("abcde"))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        frame.to_parquet(Path(tmp) / "f.parquet")
        pd.read_parquet(Path(tmp) / "f.parquet")
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("frame", "floats"), help="run one of the two cases")
    only = parser.parse_args().only
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if only != "floats":
            frame_case(root)
        if only != "frame":
            floats_case(root)


def frame_case(root: Path) -> None:
    frames = {}
    for rows in (5, 1_000_000):
        folder = root / f"frame{rows}"
        folder.mkdir()
        frames[rows] = run(
            folder,
            FRAME.format(rows=rows),
            "frame = frame",
            "frame = None",
            "n = len(frame)",
            "frame",
        )
    plain = by_hand(1_000_000)
    big, small = frames[1_000_000], frames[5]
    inside = big["collect"] + big["load"]
    node_diff = big["b_node"] - small["b_node"]
    print("1,000,000 x 5 float DataFrame, A -> B")
    print(f"  to_parquet + read_parquet alone     {plain:7.2f} s")
    print(f"  hand-off in the kernels (A + B)     {inside:7.2f} s   ratio {inside / plain:5.2f}x")
    print(
        f"  B's node time, 1M rows vs 5 rows   {node_diff:7.2f} s   (B load cell {big['load']:.2f} s)"
    )


def floats_case(root: Path) -> None:
    floats = {}
    for count in (3, 300_000):  # 3 floats: the baseline, everything but the data
        folder = root / f"floats{count}"
        folder.mkdir()
        floats[count] = run(
            folder,
            "",
            f"values = [i * 0.5 for i in range({count})]",
            "values = []",
            "total = sum(values)",
            "values",
        )
    big, base = floats[300_000], floats[3]
    own = big["b_node"] - base["b_node"]
    text = json.dumps([i * 0.5 for i in range(300_000)])
    start = time.perf_counter()
    json.loads(text)
    parse = time.perf_counter() - start
    print("300,000-float list, A -> B (aim: B <= 1 s; it was 59 s injected as source)")
    print(f"  B's node time, 3 floats (baseline)  {base['b_node']:7.2f} s")
    print(f"  B's node time, 300,000 floats       {big['b_node']:7.2f} s")
    print(f"  what the data adds to B             {own:7.2f} s")
    print(f"  B's load cell                       {big['load']:7.2f} s")
    print(f"  json.loads of the list alone        {parse:7.2f} s   (this process: the floor)")
    print(f"  B's cells, all (kernel busy)        {big['b_cells']:7.2f} s")
    rest = big["b_node"] - big["b_cells"]
    print(f"  B's node time outside its cells     {rest:7.2f} s   (kernel, papermill, runner)")
    print(f"  B's executed notebook               {big['b_size'] / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
