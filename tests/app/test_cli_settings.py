"""A node's kernel, image and resources and the pipeline's schedule and artifact store are set
from the terminal (no JSON editing), reach the exported DAG, and a bad value changes nothing."""

import shutil
import subprocess
import sys

from graph_editor import fileformat
from tests.conftest import EXAMPLE


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy(tmp_path):
    folder = tmp_path / "churn"
    shutil.copytree(EXAMPLE.parent, folder)
    return folder / EXAMPLE.name


def test_schedule_store_and_a_nodes_task_settings_reach_the_exported_dag(tmp_path):
    stitch = _copy(tmp_path)
    done = run_cli(
        "settings",
        stitch,
        "--schedule",
        "@daily",
        "--artifact-store",
        "s3://team-bucket/churn",
        "--namespace",
        "ml",
        "--tag",
        "churn",
        "--tag",
        "nightly",
    )
    assert done.returncode == 0, done.stderr
    assert "schedule '@daily'" in done.stdout
    done = run_cli(
        "job",
        "task",
        stitch,
        "train_logreg",
        "--cpu",
        "2",
        "--memory",
        "4Gi",
        "--image",
        "registry.example/ml:3",
        "--retries",
        "2",
        "--timeout",
        "900",
    )
    assert done.returncode == 0, done.stderr
    assert "cpu '2'" in done.stdout and "memory '4Gi'" in done.stdout
    pipeline = fileformat.load(stitch)
    node = next(n for n in pipeline.nodes if n.name == "train_logreg")
    assert (node.resources.cpu, node.resources.memory, node.image) == (
        "2",
        "4Gi",
        "registry.example/ml:3",
    )
    assert (node.retries, node.timeout_seconds) == (2, 900)
    assert pipeline.settings.tags == ("churn", "nightly")
    out = tmp_path / "dags"
    done = run_cli("export", stitch, "-o", out)
    assert done.returncode == 0, done.stderr
    dag = next(out.glob("*.py")).read_text(encoding="utf-8")
    assert "@daily" in dag and "registry.example/ml:3" in dag and "s3://team-bucket/churn" in dag
    assert '"ml"' in dag or "'ml'" in dag


def test_a_refused_value_is_one_line_naming_the_field_and_the_file_is_untouched(tmp_path):
    stitch = _copy(tmp_path)
    before = stitch.read_bytes()
    for args, said in [
        (("settings", stitch, "--schedule", "61 * * * *"), "schedule '61 * * * *'"),
        (("settings", stitch, "--namespace", "Not_A_Name"), "namespace 'Not_A_Name'"),
        (("settings", stitch), "nothing to change"),
        (("job", "task", stitch, "train_logreg", "--cpu", "lots"), "train_logreg: CPU 'lots'"),
        (("job", "task", stitch, "nosuch", "--cpu", "1"), "no node 'nosuch'"),
        (("job", "task", stitch, "train_logreg", "--retries", "-1"), "must not be negative"),
    ]:
        done = run_cli(*args)
        assert done.returncode == 1, (args, done.stdout)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert stitch.read_bytes() == before
