"""Spark jobs in a real dry-run: the bundled PySpark notebook and a PySpark script run on a local
Spark (pyspark's jars, Java from the system) and hand their values on to Python nodes.

One run for the whole module: each Spark node starts a JVM (~15-25 s on a loaded 2-core box).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from app.events import RunFinished
from app.runner import DryRun, RunOptions
from graph_editor import spark
from graph_editor.nodes import NodeKind, Port, SparkSettings
from graph_editor.types import PortType
from graph_editor.validation import validate
from tests.app.runner.builders import notebook, pipeline
from tests.helpers import outputs_by_content

EXAMPLE = Path(__file__).resolve().parents[3] / "resources" / "examples" / "mixed"
SCRIPT = '''\
"""A PySpark script job: --rows=N in, the session's settings and a count out."""
import argparse
import json
import os

from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, required=True)
args = parser.parse_args()
spark = SparkSession.builder.getOrCreate()
outputs = {
    "counted": spark.range(args.rows).count(),
    "master": spark.sparkContext.master,
    "ui": spark.conf.get("spark.ui.enabled"),
    "partitions": spark.conf.get("spark.sql.shuffle.partitions"),
}
spark.stop()
with open(os.environ["STITCHBOARD_OUTPUTS"], "w") as handle:
    json.dump(outputs, handle)
'''
CHECK = """\
assert isinstance(summary, pd.DataFrame), type(summary)
groups = list(summary["segment"])
rows = [int(n) for n in summary["rows"]]
"""

pytestmark = pytest.mark.skipif(
    bool(spark.missing_here()), reason=f"local Spark unavailable: {spark.missing_here()}"
)


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    folder = tmp_path_factory.mktemp("spark")
    shutil.copy(EXAMPLE / "aggregate.ipynb", folder / "aggregate.ipynb")
    (folder / "count.py").write_text(SCRIPT, encoding="utf-8")
    check = notebook(
        folder / "check.ipynb",
        parameters="import pandas as pd\ntotals = {}\nsummary = None",
        body=CHECK,
        outputs="total = int(sum(totals.values()))\ngroups = groups\nrows = rows",
    )
    p = pipeline(
        folder,
        {"aggregate": folder / "aggregate.ipynb", "check": check, "count": folder / "count.py"},
        [
            "aggregate.totals->check.totals",
            "aggregate.summary->check.summary",
            "check.total->count.rows",
        ],
        aggregate={"kind": NodeKind.SPARK, "spark": SparkSettings(executors=1, executor_cores=2)},
        count={
            "kind": NodeKind.SPARK,
            "spark": SparkSettings(executors=4, executor_cores=4, driver_memory="512m"),
            "inputs": (Port("rows", PortType.INT),),
            "outputs": tuple(
                Port(n, t)
                for n, t in (
                    ("counted", PortType.INT),
                    ("master", PortType.STR),
                    ("ui", PortType.STR),
                    ("partitions", PortType.STR),
                )
            ),
        },
    )
    events = list(DryRun(p, RunOptions(jobs=1)).events())
    assert isinstance(events[-1], RunFinished)
    return {n["name"]: n for n in events[-1].summary["nodes"]}, folder


def test_a_spark_notebook_runs_on_local_spark_and_hands_its_values_to_a_python_node(
    spark_run: tuple[dict, Path],
) -> None:
    nodes, folder = spark_run
    assert nodes["aggregate"]["state"] == "succeeded", nodes["aggregate"]["detail"]
    assert nodes["check"]["state"] == "succeeded", nodes["check"]["detail"]
    seen = outputs_by_content(nodes["aggregate"]["outputs"], folder)
    assert seen["totals"] == {"a": 3.0, "b": 12.0}
    assert seen["spark_version"].startswith("4.")
    # the Spark DataFrame output travelled as a table (Parquet), read back with pandas
    assert nodes["aggregate"]["outputs"]["summary"]["format"] == "parquet"
    expected = pd.DataFrame({"segment": ["a", "b"], "total": [3.0, 12.0], "rows": [2, 3]})
    assert seen["summary"] == {"artifact": "dataframe", "data": expected.to_dict("split")}
    assert nodes["check"]["outputs"] == {"total": 15, "groups": ["a", "b"], "rows": [2, 3]}
    assert nodes["aggregate"]["mode"] == "local"  # a local Spark, not a GPU job on CPU


def test_a_spark_script_gets_its_input_and_a_small_local_spark_session(
    spark_run: tuple[dict, Path],
) -> None:
    nodes, _ = spark_run
    assert nodes["count"]["state"] == "succeeded", nodes["count"]["detail"]
    out = nodes["count"]["outputs"]
    assert out["counted"] == 15  # the check node's total, passed as --rows=15
    # executors x cores threads, at most this machine's CPUs; no UI, few shuffle partitions
    assert out["master"] == f"local[{spark.local_threads(SparkSettings(4, 4), os.cpu_count())}]"
    assert (
        out["ui"] == "false"
        and out["partitions"] == spark.LOCAL_CONF["spark.sql.shuffle.partitions"]
    )


def test_a_spark_node_validates_clean_where_java_and_pyspark_are_installed(
    spark_run: tuple[dict, Path],
) -> None:
    _, folder = spark_run
    from graph_editor import fileformat

    issues = validate(fileformat.load(folder / "test.stitch"))
    assert not [i for i in issues if i.code in ("spark-not-installed", "bad-spark")]
