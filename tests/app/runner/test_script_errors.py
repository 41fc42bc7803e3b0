"""A failing R or Spark script keeps its error text: in the dry-run's line for the node, and
in the runtime's one line on a worker or in a pod (real Rscript, real local Spark)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.events import RunFinished
from app.runner import DryRun, RunOptions
from graph_editor import spark
from graph_editor.nodes import NodeKind
from resources.runtime import stitchboard_runtime as runtime
from tests.app.runner.builders import pipeline

pytestmark = pytest.mark.slow
R_SCRIPT = 'f <- function(x) stop("the input table has no rows")\nf(1)\n'
SPARK_SCRIPT = """\
from pyspark.sql import SparkSession

spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
spark.sql("SELECT * FROM no_such_table").show()
"""
needs_r = pytest.mark.skipif(not shutil.which("Rscript"), reason="needs R (r-base-core)")
needs_spark = pytest.mark.skipif(bool(spark.missing_here()), reason="local Spark unavailable")


def _detail(tmp_path: Path, name: str, text: str, **changes: dict) -> str:
    script = tmp_path / name
    script.write_text(text)
    p = pipeline(tmp_path, {"job": script}, **changes)
    events = list(DryRun(p, RunOptions(jobs=1)).events())
    assert isinstance(events[-1], RunFinished)
    (node,) = events[-1].summary["nodes"]
    assert node["state"] == "failed"
    return node["detail"]


@needs_r
def test_a_failing_r_script_says_what_r_said_in_the_dry_run(tmp_path: Path) -> None:
    detail = _detail(tmp_path, "load.R", R_SCRIPT)
    assert "the input table has no rows" in detail and "Execution halted" not in detail


@needs_r
def test_a_failing_r_script_says_what_r_said_on_a_worker_or_in_a_pod(tmp_path: Path) -> None:
    (tmp_path / "load.R").write_text(R_SCRIPT)
    with pytest.raises(RuntimeError) as failed:
        runtime.run_script(tmp_path / "load.R", {}, [], cwd=tmp_path, log_path=tmp_path / "l")
    assert "Error in f(1) : the input table has no rows" in str(failed.value)


@needs_spark
def test_a_failing_spark_script_keeps_its_error_text_past_sparks_shutdown_lines(
    tmp_path: Path,
) -> None:
    detail = _detail(tmp_path, "count.py", SPARK_SCRIPT, job={"kind": NodeKind.SPARK})
    assert "TABLE_OR_VIEW_NOT_FOUND" in detail and "no_such_table" in detail
    # the runtime (a worker, a pod) names the same error, not Spark's last log line
    script = tmp_path / "again.py"
    script.write_text(
        "import atexit\n"
        "atexit.register(lambda: [print('INFO ShutdownHookManager: deleting', i) "
        "for i in range(500)])\n" + SPARK_SCRIPT
    )
    with pytest.raises(RuntimeError) as failed:
        runtime.run_script(script, {}, [], cwd=tmp_path, log_path=tmp_path / "spark.log")
    assert "AnalysisException" in str(failed.value) and "no_such_table" in str(failed.value)


def test_a_script_failure_line_is_found_among_any_number_of_lines_after_it() -> None:
    why = runtime.FailureLine()
    why.see("py4j.protocol.Py4JJavaError: An error occurred while calling o42.load.\n")
    why.see(": java.io.FileNotFoundException: /data/in.csv (No such file or directory)\n")
    for i in range(1000):
        why.see(f"26/12/07 INFO ShutdownHookManager: Deleting directory /tmp/spark-{i}\n")
    assert why.line == (
        "py4j.protocol.Py4JJavaError: An error occurred while calling o42.load. "
        "java.io.FileNotFoundException: /data/in.csv (No such file or directory)"
    )
    r = runtime.FailureLine()
    for line in ("Error in f(1) : no rows", "Calls: f", "Execution halted"):
        r.see(line)
    assert r.line == "Error in f(1) : no rows"
