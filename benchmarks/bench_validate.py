"""Validation speed on a 1000-node pipeline (target: under 50 ms per run, on every edit).

Prints the time of a full validation (notebooks inspected once, then cached by mtime, as in
the editor) next to a baseline measured in the same run: reading the same pipeline from its
JSON text, the least work any edit-time check must do. Run: python3 benchmarks/bench_validate.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_editor import fileformat  # noqa: E402
from graph_editor.build import apply_layout  # noqa: E402
from graph_editor.nodes import Edge, Node, PipelineParameter, Port  # noqa: E402
from graph_editor.pipeline import Pipeline  # noqa: E402
from graph_editor.types import PortType  # noqa: E402
from graph_editor.validation import validate  # noqa: E402


def build(folder: Path, count: int = 1000) -> Pipeline:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.helpers import write_notebook

    notebooks = [
        write_notebook(
            folder / f"step{i}.ipynb",
            parameters=f"x: float = 0.0\nk{i}: int = 1",
            outputs="y: float = x + 1",
        )
        for i in range(20)
    ]
    pipeline = Pipeline(path=folder / "big.stitch")
    pipeline.update_settings(parameters=(PipelineParameter("scale", PortType.INT, 1),))
    rng = random.Random(0)
    ids = []
    for i in range(count):
        nb = i % len(notebooks)
        node = Node(
            id=f"n{i:04d}",
            name=f"task_{i:04d}",
            source=notebooks[nb].name,
            inputs=(Port("x", PortType.FLOAT, 0.0), Port(f"k{nb}", PortType.INT, 1)),
            outputs=(Port("y", PortType.FLOAT),),
            bindings={f"k{nb}": "scale"} if i % 50 == 0 else {},
        )
        pipeline.add_node(node)
        if ids:
            pipeline.add_edge(
                Edge(ids[rng.randrange(max(0, len(ids) - 30), len(ids))], node.id, "y", "x")
            )
        ids.append(node.id)
    apply_layout(pipeline)
    return pipeline


def best_of(func, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = build(Path(tmp))
        text = fileformat.dumps(pipeline)
        first = best_of(lambda: validate(pipeline), repeat=1)
        issues = validate(pipeline)
        assert not [i for i in issues if i.is_error], issues[:3]
        warm = best_of(lambda: validate(pipeline))
        load = best_of(lambda: fileformat.loads(text))
        print(f"nodes: {len(pipeline)}, edges: {len(pipeline.edges)}")
        print(f"validate (first, inspects notebooks): {first * 1000:7.1f} ms")
        print(
            f"validate (on an edit, cached):        {warm * 1000:7.1f} ms   target 50 ms -> {warm / 0.050:.2f}x of target"
        )
        print(
            f"baseline: load the same file:         {load * 1000:7.1f} ms   validate/load ratio {warm / load:.2f}x"
        )


if __name__ == "__main__":
    main()
