"""Benchmark: export of a 1000-node pipeline, and DagBag parse time vs a minimal hand-written DAG.

Run: python3 benchmarks/bench_export.py [--venv PATH]  (the venv holds Airflow 3.3 + cncf-kubernetes)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exporters.airflow import export_pipeline  # noqa: E402
from graph_editor.nodes import Edge, PipelineSettings  # noqa: E402
from graph_editor.pipeline import Pipeline  # noqa: E402
from tests.exporters.helpers import ECHO_OUTPUTS, ECHO_PARAMS, echo_node, write_notebook  # noqa: E402

N = 1000
TIMER = """
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
out = {}
for _ in range(int(sys.argv[1])):
    for folder in sys.argv[2:]:
        start = time.perf_counter()
        bag = DagBag(dag_folder=folder)
        took = time.perf_counter() - start
        assert not bag.import_errors, bag.import_errors
        assert sum(len(d.tasks) for d in bag.dags.values()) == N_TASKS
        out.setdefault(folder, []).append(took)
print("RESULT=" + json.dumps(out))
""".replace("N_TASKS", str(N))


def big_pipeline(folder: Path) -> Pipeline:
    write_notebook(folder / "echo.ipynb", ECHO_PARAMS, ECHO_OUTPUTS)
    p = Pipeline(PipelineSettings(name="big", dag_id="big"), folder / "big.stitch")
    for i in range(N):
        p.add_node(echo_node(f"n{i}", f"task_{i}", description=f"step {i}"))
    for i in range(1, N):
        p.add_edge(Edge(f"n{(i - 1) // 2}", f"n{i}", "out", "text"), check=False)  # a binary tree
    return p


def handwritten(pipeline: Pipeline) -> str:
    names = pipeline.names()
    lines = [
        "import datetime",
        "from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator",
        "from airflow.sdk import DAG",
        "",
        "with DAG(dag_id='big', schedule=None, start_date=datetime.datetime(2024, 1, 1)) as dag:",
    ]
    for node in pipeline.nodes:
        lines.append(
            f"    {node.name} = KubernetesPodOperator(task_id={node.name!r}, "
            f"image='python:3.11', namespace='default', cmds=['python3', '-c', 'print(1)'])"
        )
    for edge in pipeline.edges:
        lines.append(f"    {names[edge.source]} >> {names[edge.target]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", default=str(Path.home() / ".cache/stitchboard/airflow-venv"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pipeline = big_pipeline(root)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            bundle = export_pipeline(pipeline)
            times.append(time.perf_counter() - start)
        export_s = statistics.median(times)
        print(
            f"export of {N} nodes: {export_s:.3f} s median of 5 (aim < 1 s); "
            f"DAG file {len(bundle.dag_source) / 1e6:.2f} MB"
        )
        bundle.write(root / "generated")
        (root / "baseline").mkdir()
        (root / "baseline" / "big.py").write_text(handwritten(pipeline))
        env = dict(os.environ, AIRFLOW_HOME=str(root / "home"))
        done = subprocess.run(
            [
                str(Path(args.venv) / "bin" / "python"),
                "-c",
                TIMER,
                str(args.repeat),
                str(root / "baseline"),
                str(root / "generated"),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(done.stderr[-2000:])
        result = json.loads(done.stdout.split("RESULT=", 1)[1])
        base = statistics.median(result[str(root / "baseline")])
        gen = statistics.median(result[str(root / "generated")])
        print(
            f"DagBag parse, {N} tasks: hand-written {base:.3f} s, generated {gen:.3f} s, "
            f"ratio {gen / base:.2f}x (aim <= 1.2x)"
        )


if __name__ == "__main__":
    main()
