"""A Spark node's settings: saved and loaded, validated with one line each, and the Spark
configuration it runs with; a machine without Java says so, naming the node."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from graph_editor import spark
from graph_editor.nodes import NodeKind, SparkSettings
from graph_editor.validation import validate
from tests.app.runner.builders import notebook, pipeline

REPO = Path(__file__).resolve().parents[2]


def _spark_pipeline(folder: Path, **settings: object):
    nb = notebook(folder / "agg.ipynb", parameters="n = 1", outputs="m = n")
    return pipeline(
        folder,
        {"agg": nb},
        agg={"kind": NodeKind.SPARK, "spark": SparkSettings(**settings)},  # type: ignore[arg-type]
    )


def test_spark_settings_survive_save_and_load(tmp_path: Path) -> None:
    p = _spark_pipeline(tmp_path, executors=3, executor_memory="4g", service_account="spark")
    node = p.nodes[0]
    assert node.kind == NodeKind.SPARK
    assert node.spark == SparkSettings(executors=3, executor_memory="4g", service_account="spark")
    saved = json.loads((tmp_path / "test.stitch").read_text())
    assert saved["nodes"][0]["spark"]["executors"] == 3


def test_files_without_spark_nodes_keep_their_bytes(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "plain.ipynb", parameters="n = 1")
    pipeline(tmp_path, {"plain": nb})
    assert '"spark"' not in (tmp_path / "test.stitch").read_text()


def test_bad_spark_settings_are_one_error_each_naming_the_field(tmp_path: Path) -> None:
    p = _spark_pipeline(
        tmp_path,
        executors=0,
        executor_cores=1,
        executor_memory="4 GB",
        driver_memory="1Gi",
        service_account="Bad_Name",
    )
    found = [i for i in validate(p) if i.code == "bad-spark"]
    messages = sorted(i.message for i in found)
    assert len(found) == 4 and all(i.is_error and i.field == "spark" for i in found)
    assert any("executors must be at least 1" in m for m in messages)
    assert any("'4 GB' is not a Spark memory amount" in m for m in messages)
    assert any("'1Gi' is not a Spark memory amount" in m for m in messages)
    assert any("service account 'Bad_Name'" in m for m in messages)


def test_local_spark_is_small_and_sized_by_the_executors(tmp_path: Path) -> None:
    env = spark.local_env(SparkSettings(executors=3, executor_cores=2, driver_memory="2g"), 4)
    args = shlex.split(env[spark.SUBMIT_ARGS_ENV])
    assert args[-1] == "pyspark-shell"
    assert args[args.index("--master") + 1] == "local[4]"  # 3 x 2 capped at 4 CPUs
    assert args[args.index("--driver-memory") + 1] == "2g"
    assert "spark.ui.enabled=false" in args
    conf = json.loads(env[spark.CONF_ENV])
    assert conf["spark.master"] == "local[4]" and conf["spark.sql.shuffle.partitions"] == "4"


def test_spark_on_kubernetes_asks_for_the_executors_of_the_node() -> None:
    settings = SparkSettings(executors=5, executor_cores=3, executor_memory="6g")
    env = spark.kubernetes_env(settings, "ml", "registry/spark:1")
    conf = json.loads(env[spark.CONF_ENV])
    assert conf["spark.master"] == spark.KUBERNETES_MASTER
    assert conf["spark.executor.instances"] == "5" and conf["spark.executor.cores"] == "3"
    assert conf["spark.executor.memory"] == "6g" and conf["spark.kubernetes.namespace"] == "ml"
    assert conf["spark.kubernetes.container.image"] == "registry/spark:1"


def _without_java(tmp_path: Path) -> dict[str, str]:
    """This machine's environment with no Java on PATH and no JAVA_HOME (Python still there)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(bin_dir)
    return env


def test_without_java_validate_says_so_in_one_line_naming_the_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _spark_pipeline(tmp_path)
    env = _without_java(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "validate", str(tmp_path / "test.stitch")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "Java" in line]
    assert len(lines) == 1, done.stdout + done.stderr
    assert "agg" in lines[0] and "apt-get install openjdk-17-jre-headless" in lines[0]
    assert "Traceback" not in done.stderr


def test_doctor_reports_java_and_spark(tmp_path: Path) -> None:
    def doctor(env: dict[str, str]) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli.main", "doctor", "--json"],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=120,
        )
        return {c["name"]: c for c in json.loads(done.stdout)["checks"]}["spark"]

    found = doctor(_without_java(tmp_path))
    assert not found["ok"] and "no Java" in found["detail"]
    assert "openjdk-17-jre-headless" in found["fix"]
    if not spark.missing_here():
        here = doctor(dict(os.environ))
        assert here["ok"] and "pyspark" in here["detail"] and "Java" in here["detail"]
