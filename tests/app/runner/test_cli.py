"""``stitchboard dry-run`` from the command line: exit codes, one-line errors, JSON, progress."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli.main import main
from tests.app.runner.builders import alive, notebook, pipeline


def test_validation_errors_exit_1_with_issues(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    nb = notebook(tmp_path / "a.ipynb", parameters="x = 1", outputs="y = x")
    pipeline(tmp_path, {"a": nb})
    nb.unlink()
    assert main(["dry-run", str(tmp_path / "test.stitch")]) == 1
    err = capsys.readouterr().err
    assert "not run, the pipeline has errors" in err and "a.ipynb" in err


def test_unknown_node_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pipeline(tmp_path, {"a": notebook(tmp_path / "a.ipynb", outputs="y = 1")})
    with pytest.raises(SystemExit) as exc:
        main(["dry-run", str(tmp_path / "test.stitch"), "--from", "nope"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no node named 'nope'" in err


def test_partial_run_without_earlier_run_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    a = notebook(tmp_path / "a.ipynb", outputs="y = 1")
    b = notebook(tmp_path / "b.ipynb", parameters="y = 0", outputs="z = y")
    pipeline(tmp_path, {"a": a, "b": b}, ["a.y->b.y"])
    with pytest.raises(SystemExit) as exc:
        main(["dry-run", str(tmp_path / "test.stitch"), "--only", "b"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "run the whole pipeline first" in err


def test_prepare_only_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    nb = notebook(tmp_path / "a.ipynb", parameters="x = 1", outputs="y = x")
    run_dir = tmp_path / "out"
    pipeline(tmp_path, {"a": nb})
    code = main(
        [
            "dry-run",
            str(tmp_path / "test.stitch"),
            "--prepare-only",
            "--json",
            "--run-dir",
            str(run_dir),
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["state"] == "succeeded" and summary["run_dir"] == str(run_dir)
    assert summary["nodes"][0]["detail"] == "prepared (not run)"
    assert (run_dir / "a.ipynb").is_file() and (run_dir / "run.json").is_file()


@pytest.mark.slow
def test_example_from_the_command_line(example_copy: Path) -> None:
    """The bundled example: progress lines, a summary table with the values, then a failure."""
    command = [sys.executable, "-m", "app.cli.main", "dry-run", str(example_copy), "--jobs", "2"]
    env = dict(os.environ, COLUMNS="200")
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "✓ succeeded  compare_models" in done.stdout
    assert "logreg_accuracy=" in done.stdout and "best_model='" in done.stdout
    assert "run folder:" in done.stdout and done.stderr == ""
    failing = subprocess.run(
        [*command, "-p", "min_accuracy=0.99"], capture_output=True, text=True, env=env, timeout=300
    )
    assert failing.returncode == 1
    assert "compare_models failed in cell 3: ValueError: best accuracy" in failing.stdout
    as_json = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=300)
    assert as_json.returncode == 0
    assert {n["state"] for n in json.loads(as_json.stdout)["nodes"]} == {"cached"}


@pytest.mark.slow
def test_ctrl_c_cancels_and_exits_130(tmp_path: Path) -> None:
    nb = notebook(
        tmp_path / "slow.ipynb",
        body="import os, time\nprint('pid', os.getpid(), flush=True)\ntime.sleep(300)",
        outputs="x = 1",
    )
    pipeline(tmp_path, {"slow": nb})
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "dry-run", str(tmp_path / "test.stitch")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = None
    deadline = time.monotonic() + 120
    while log is None and time.monotonic() < deadline:
        logs = list(tmp_path.glob("test.runs/*/slow.log"))
        if logs and "pid" in logs[0].read_text():
            log = logs[0]
        time.sleep(0.2)
    assert log is not None, "the notebook never started"
    kernel = int(log.read_text().split()[1])
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "cancelled" in out and err.strip() == "stitchboard: run cancelled"
    assert not alive(kernel)


@pytest.mark.slow
def test_the_failing_cell_after_an_artifact_input_and_a_skipped_cell_is_the_users_number(
    tmp_path: Path,
) -> None:
    """An artifact input adds a load cell and ``skip`` removes one: the terminal, ``--json`` and
    ``run.json`` still name the cell the user wrote (cell 5 of their notebook)."""
    from tests.app.runner.builders import FAILING_SOURCE, artifact_then_failing_cell

    stitch, cell = artifact_then_failing_cell(tmp_path)
    command = [sys.executable, "-m", "app.cli.main", "dry-run", str(stitch), "--no-cache"]
    env = dict(os.environ, COLUMNS="200")
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stderr
    assert f"use failed in cell {cell}: ValueError: 3 rows is too few" in done.stdout
    as_json = subprocess.run(
        [*command, "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    summary = json.loads(as_json.stdout)
    error = next(n for n in summary["nodes"] if n["name"] == "use")["error"]
    assert error["cell"] == cell and error["where"] == f"in cell {cell}"
    assert error["cell_source"] == FAILING_SOURCE and "3 rows is too few" in error["traceback"]
    # IPython heads the frame with the kernel's count ("Cell In[6]"): the user's number instead.
    assert f"Cell {cell}, line" in error["traceback"] and "In[" not in error["traceback"]
    record = json.loads((Path(summary["run_dir"]) / "run.json").read_text(encoding="utf-8"))
    assert next(n for n in record["nodes"] if n["name"] == "use")["error"] == error
