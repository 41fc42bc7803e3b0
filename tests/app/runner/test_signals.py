"""Stopping a real ``dry-run`` with TERM, HUP or kill -9 leaves nothing running, and a script's
leftover child does not hold its node."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.app.runner.builders import notebook, pipeline

SPAWN = (
    "import subprocess, sys\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', {mark!r}])\n"
)


def _marked(mark: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if mark in (proc.info["cmdline"] or []) and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


def _wait_for(check, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _gone(pids: list[int]) -> bool:
    return all(
        not psutil.pid_exists(p) or psutil.Process(p).status() == psutil.STATUS_ZOMBIE for p in pids
    )


def _start_busy_run(tmp_path: Path) -> tuple[subprocess.Popen[str], str, str]:
    """A dry-run with a notebook and a script, each running and each with a child process."""
    nb_mark, script_mark = f"nb-{uuid.uuid4()}", f"script-{uuid.uuid4()}"
    nb = notebook(
        tmp_path / "busy.ipynb",
        body=SPAWN.format(mark=nb_mark) + "import time\ntime.sleep(300)",
        outputs="x = 1",
    )
    script = tmp_path / "job.py"
    script.write_text(SPAWN.format(mark=script_mark) + "import time\ntime.sleep(300)\n")
    pipeline(tmp_path, {"busy": nb, "job": script})
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "dry-run",
            "--jobs",
            "2",
            str(tmp_path / "test.stitch"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert _wait_for(lambda: _marked(nb_mark) and _marked(script_mark)), "nodes never started"
    return proc, nb_mark, script_mark


def _all_descendants(proc: subprocess.Popen[str]) -> list[int]:
    return [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_term_or_hangup_cancels_the_run_like_ctrl_c(tmp_path: Path, sig: signal.Signals) -> None:
    proc, nb_mark, script_mark = _start_busy_run(tmp_path)
    started = _all_descendants(proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "run cancelled" in err and "Traceback" not in err
    (run_json,) = tmp_path.glob("test.runs/*/run.json")
    report = json.loads(run_json.read_text())
    assert report["state"] == "cancelled"
    assert {n["state"] for n in report["nodes"]} == {"cancelled"}
    assert _wait_for(lambda: not _marked(nb_mark) and not _marked(script_mark), 30)
    assert _wait_for(lambda: _gone(started), 30), "a kernel, script or watchdog outlived the run"


@pytest.mark.slow
def test_kill_9_of_the_dry_run_leaves_no_kernel_script_or_child(tmp_path: Path) -> None:
    proc, nb_mark, script_mark = _start_busy_run(tmp_path)
    started = _all_descendants(proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert _wait_for(lambda: not _marked(nb_mark) and not _marked(script_mark), 30), (
        "a process started by a notebook or script outlived kill -9 of the dry-run"
    )
    assert _wait_for(lambda: _gone(started), 30), "a kernel or script outlived the dry-run"


@pytest.mark.slow
def test_script_leaving_a_child_running_finishes_its_node(tmp_path: Path) -> None:
    mark = f"left-{uuid.uuid4()}"
    script = tmp_path / "quick.py"
    script.write_text(SPAWN.format(mark=mark) + "print('done', flush=True)\n")
    pipeline(tmp_path, {"quick": script})
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "dry-run", "--json", str(tmp_path / "test.stitch")],
        capture_output=True,
        text=True,
        timeout=120,  # before the fix the node waited for the child: 300 s
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["nodes"][0]["state"] == "succeeded"
    assert not _marked(mark), "the script's leftover child is still running"
