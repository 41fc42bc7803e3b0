"""``stitchboard job distributed|spark``: job settings from the terminal, not by editing JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

from graph_editor import fileformat
from graph_editor.nodes import TFStrategy
from tests.app.test_cli_edit import run_cli
from tests.conftest import REPO

EXAMPLES = REPO / "resources" / "examples"


def _copy(tmp_path: Path, name: str) -> Path:
    shutil.copytree(EXAMPLES / name, tmp_path / name, ignore=shutil.ignore_patterns("*.runs"))
    return tmp_path / name / f"{name}.stitch"


def test_workers_gpus_and_strategy_of_a_tensorflow_node_are_set_from_the_terminal(
    tmp_path: Path,
) -> None:
    path = _copy(tmp_path, "churn")
    done = run_cli(
        "job", "distributed", str(path), "train_mlp", "--workers", "3", "--gpus", "2",
        "--strategy", "parameter_server",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "train_mlp: workers 3, gpus per worker 2, strategy" in done.stdout
    node = fileformat.load(path).node_by_name("train_mlp")
    assert node.distributed.workers == 3 and node.distributed.gpus_per_worker == 2
    assert node.distributed.strategy == TFStrategy.PARAMETER_SERVER
    again = run_cli("job", "distributed", str(path), "train_mlp", "--gpus", "1")
    assert again.returncode == 0  # only what is given changes
    assert fileformat.load(path).node_by_name("train_mlp").distributed.workers == 3


def test_bad_distributed_settings_are_refused_in_one_line_and_the_file_is_untouched(
    tmp_path: Path,
) -> None:
    path = _copy(tmp_path, "churn")
    before = path.read_bytes()
    cases = [
        (("train_mlp", "--workers", "0"), "train_mlp: workers must be at least 1 (got 0)"),
        (("train_mlp", "--strategy", "ring"), "unknown strategy 'ring' (use multi_worker_mirrored"),
        (("feature_stats", "--strategy", "mirrored"), "a strategy is for TensorFlow nodes only"),
        (("prepare_data", "--workers", "2"), "prepare_data is a notebook node"),
        (("train_mlp",), "name at least one of --workers, --gpus, --strategy"),
        (("nobody", "--workers", "2"), "nobody"),
    ]
    for args, words in cases:
        done = run_cli("job", "distributed", str(path), *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, args
        (line,) = done.stderr.strip().splitlines()
        assert words in line, (args, line)
    assert path.read_bytes() == before


def test_spark_settings_are_set_from_the_terminal_and_bad_amounts_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path, "mixed")
    done = run_cli(
        "job", "spark", str(path), "spark_totals", "--executors", "4", "--executor-memory", "3g",
        "--service-account", "spark", "--executor-image", "registry.example/exec:4.0.1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    settings = fileformat.load(path).node_by_name("spark_totals").spark
    assert (settings.executors, settings.executor_memory) == (4, "3g")
    assert settings.service_account == "spark"
    assert settings.executor_image == "registry.example/exec:4.0.1"
    before = path.read_bytes()
    bad = run_cli("job", "spark", str(path), "spark_totals", "--driver-memory", "lots")
    assert bad.returncode == 1
    assert "driver memory 'lots' is not a Spark memory amount" in bad.stderr
    wrong = run_cli("job", "spark", str(path), "r_stats", "--executors", "2")
    assert wrong.returncode == 1 and "Spark settings are for spark nodes" in wrong.stderr
    assert path.read_bytes() == before
