"""A save killed with -9 leaves a ``.tmp`` beside the pipeline; the next open or save removes it
(only the atomic writer's own temp names, only those older than the process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_editor import atomic, fileformat

REPO = Path(__file__).resolve().parents[2]

# The child's disk "stalls" in fsync, so the kill lands inside the save, every time.
KILLED_SAVE = """
import os, sys, time
os.fsync = lambda fd: time.sleep(600)
from graph_editor import fileformat
pipeline = fileformat.load(sys.argv[1])
fileformat.save(pipeline, sys.argv[1])
"""


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def _kill_during_save(stitch: Path) -> Path:
    child = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(stitch)], cwd=REPO)
    deadline = time.monotonic() + 60
    while not _temps(stitch.parent, stitch.name) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    (temp,) = _temps(stitch.parent, stitch.name)
    return temp


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_next_open_removes_the_temp_a_killed_save_left(example_copy: Path) -> None:
    temp = _kill_during_save(example_copy)
    keep = [
        example_copy.parent / f".{example_copy.name}.backup.tmp",  # not the writer's pattern
        example_copy.parent / "notes.tmp",
        example_copy.parent / ".other.stitch.abcdefgh.tmp",  # another file's temp
    ]
    for path in keep:
        path.write_text("mine")
    live = example_copy.parent / f".{example_copy.name}.zzzzzzzz.tmp"  # a save happening now
    live.write_text("{")
    future = time.time() + 3600
    os.utime(live, (future, future))

    done = _cli("validate", str(example_copy))
    assert done.returncode == 0, done.stderr
    assert not temp.exists()
    assert live.exists() and all(p.exists() for p in keep)


def test_next_save_removes_the_temp_a_killed_save_left(
    example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = fileformat.load(example_copy)
    temp = _kill_during_save(example_copy)
    monkeypatch.setattr(atomic, "_STARTED", time.time())  # as if this process started now
    fileformat.save(pipeline, example_copy)
    assert not temp.exists()
    assert fileformat.load(example_copy).settings == pipeline.settings
