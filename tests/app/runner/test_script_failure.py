"""A failing script job shows its own traceback, never Stitchboard's runtime's under it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BOOM = "def helper(x):\n    return 1 / x\n\n\nhelper(0)\n"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_failing_script_logs_its_traceback_and_one_line_from_the_runtime(
    tmp_path: Path,
) -> None:
    (tmp_path / "boom.py").write_text(BOOM)
    assert _cli("new", "p.stitch", "boom.py", cwd=tmp_path).returncode == 0
    done = _cli("dry-run", "p.stitch", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "boom failed: ZeroDivisionError: division by zero" in done.stdout
    (log,) = tmp_path.glob("p.runs/*/boom.log")
    text = log.read_text()
    assert text.count("Traceback") == 1  # the script's own
    assert 'boom.py", line 2, in helper' in text
    assert "stitchboard_runtime" not in text
    assert text.strip().splitlines()[-1] == (
        "ScriptFailed: boom.py exited with code 1: ZeroDivisionError: division by zero"
    )


def test_in_a_pod_a_failing_script_ends_with_one_line_and_exit_1(tmp_path: Path) -> None:
    from exporters.content import make, support_contents
    from resources.runtime.stitchboard_runtime import NodeSpec

    source = make("boom.py", BOOM)
    support = support_contents()
    ship = {c.name: c.key for c in support} | {"boom.py": source.key}
    env = dict(
        os.environ,
        STITCHBOARD_SHIP=json.dumps(ship),
        STITCHBOARD_NODE=json.dumps(
            NodeSpec(task_id="boom", source="boom.py", script=True).to_json()
        ),
        STITCHBOARD_XCOM_PATH=str(tmp_path / "xcom.json"),
        **{f"STITCHBOARD_FILE_{c.key}": c.packed for c in [*support, source]},
    )
    from exporters.airflow import inline

    done = subprocess.run(
        [sys.executable, "-c", inline.bootstrap_program(), "{}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    shown = done.stdout + done.stderr  # the pod's log
    assert shown.count("Traceback") == 1  # the script's own, streamed
    assert 'boom.py", line 2, in helper' in shown
    assert "stitchboard_runtime" not in shown and "stitchboard_task" not in shown
    assert done.stderr.strip().splitlines() == [
        "ScriptFailed: boom.py exited with code 1: ZeroDivisionError: division by zero"
    ]
