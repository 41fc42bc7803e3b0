"""Benchmark: the dry-run against plain sequential ``papermill`` CLI runs, in the same process.

Prints three ratios (lower is better):
- a chain of 10 small notebooks vs the same 10 run one after another with ``papermill`` (aim <= 0.5);
- a fan-out of 8 independent notebooks into one vs the same 9 run with ``papermill`` (aim <= 0.45);
- the chain run again with nothing changed vs its first dry-run (aim <= 0.05).

Run: python3 benchmarks/bench_dryrun.py [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

from app.events import RunFinished  # noqa: E402
from app.runner import DryRun, RunOptions  # noqa: E402
from app.runner import dryrun as dryrun_module  # noqa: E402
from app.runner.kernels import KernelPool  # noqa: E402
from graph_editor import fileformat  # noqa: E402
from graph_editor.build import node_from_source  # noqa: E402
from graph_editor.nodes import Edge, PipelineSettings  # noqa: E402
from graph_editor.pipeline import Pipeline  # noqa: E402


def write_notebook(path: Path, inputs: list[str], expression: str) -> Path:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = new_code_cell("\n".join(f"{name}: int = 0" for name in inputs) or "seed: int = 0")
    params.metadata["tags"] = ["parameters"]
    body = new_code_cell("import math\nvalue = " + expression)
    outputs = new_code_cell("y: int = value")
    outputs.metadata["tags"] = ["outputs"]
    nb.cells = [params, body, outputs]
    nbformat.write(nb, str(path))
    return path


def papermill_baseline(notebooks: list[Path], folder: Path) -> float:
    """Seconds to run the notebooks one after another with the papermill command."""
    command = shutil.which("papermill")
    base = [command] if command else [sys.executable, "-m", "papermill"]
    start = time.perf_counter()
    for i, path in enumerate(notebooks):
        subprocess.run(
            [
                *base,
                "--no-progress-bar",
                "-p",
                "x",
                "1",
                str(path),
                str(folder / f"baseline-{i}.ipynb"),
            ],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def dry_run(path: Path, jobs: int | None) -> float:
    start = time.perf_counter()
    final = list(DryRun(fileformat.load(path), RunOptions(jobs=jobs)).events())[-1]
    took = time.perf_counter() - start
    assert isinstance(final, RunFinished) and final.state == "succeeded", final
    return took


class _NoWarmPool(KernelPool):
    """The same pool starting kernels only when asked (to measure what pre-starting saves)."""

    def __init__(self, demand: object, ahead: int) -> None:
        super().__init__([], 0)


def dry_run_cold(path: Path, jobs: int | None) -> float:
    dryrun_module.KernelPool = _NoWarmPool  # type: ignore[misc]
    try:
        return dry_run(path, jobs)
    finally:
        dryrun_module.KernelPool = KernelPool  # type: ignore[misc]


def save(pipeline: Pipeline, path: Path) -> Path:
    fileformat.save(pipeline, path)
    return path


def chain(folder: Path, n: int) -> tuple[Path, list[Path]]:
    notebooks = [write_notebook(folder / f"step{i}.ipynb", ["x"], "x + 1") for i in range(n)]
    p = Pipeline(PipelineSettings(name="chain", dag_id="chain"), path=folder / "chain.stitch")
    previous = None
    for nb in notebooks:
        node = p.add_node(node_from_source(p, nb))
        if previous is not None:
            p.add_edge(Edge(previous.id, node.id, "y", "x"))
        previous = node
    return save(p, folder / "chain.stitch"), notebooks


def fan(folder: Path, n: int) -> tuple[Path, list[Path]]:
    leaves = [write_notebook(folder / f"leaf{i}.ipynb", ["x"], f"x * {i}") for i in range(n)]
    names = [f"a{i}" for i in range(n)]
    join = write_notebook(folder / "join.ipynb", names, " + ".join(names))
    p = Pipeline(PipelineSettings(name="fan", dag_id="fan"), path=folder / "fan.stitch")
    sink = None
    nodes = [p.add_node(node_from_source(p, nb)) for nb in leaves]
    sink = p.add_node(node_from_source(p, join))
    for node, name in zip(nodes, names, strict=True):
        p.add_edge(Edge(node.id, sink.id, "y", name))
    return save(p, folder / "fan.stitch"), [*leaves, join]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="dry-run --jobs (default: CPUs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dryrun-") as tmp:
        root = Path(tmp)
        (root / "chain").mkdir()
        (root / "fan").mkdir()
        chain_file, chain_nbs = chain(root / "chain", 10)
        fan_file, fan_nbs = fan(root / "fan", 8)
        dry_run(chain_file, args.jobs)  # warm imports (papermill, jupyter_client) once
        shutil.rmtree(root / "chain" / "chain.runs")
        base_chain = papermill_baseline(chain_nbs, root)
        first_chain = dry_run(chain_file, args.jobs)
        rerun = dry_run(chain_file, args.jobs)
        shutil.rmtree(root / "chain" / "chain.runs")
        cold_chain = dry_run_cold(chain_file, args.jobs)
        base_fan = papermill_baseline(fan_nbs, root)
        first_fan = dry_run(fan_file, args.jobs)
    print(f"cpus: {os.cpu_count()}, jobs: {args.jobs or os.cpu_count()}")
    print(
        f"chain of 10:   papermill {base_chain:6.2f}s  dry-run {first_chain:6.2f}s  "
        f"ratio {first_chain / base_chain:.2f} (aim <= 0.50)"
    )
    print(
        f"fan-out 8->1:  papermill {base_fan:6.2f}s  dry-run {first_fan:6.2f}s  "
        f"ratio {first_fan / base_fan:.2f} (aim <= 0.45)"
    )
    print(
        f"rerun, cached: first     {first_chain:6.2f}s  rerun   {rerun:6.2f}s  "
        f"ratio {rerun / first_chain:.3f} (aim <= 0.05)"
    )
    print(f"(kernel pre-start: chain without it {cold_chain:.2f}s, with it {first_chain:.2f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
