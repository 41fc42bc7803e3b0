"""A dry-run never reports success on an artifact that changed after it was written.

Real kernels and real run folders: a changed ``.npy``, a truncated one, a replaced pickle, a
node writing to its path input, and two dry-runs sharing one ``--run-dir``.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.cli.main import main
from app.events import RunFinished
from app.runner import DryRun, RunOptions
from app.runner.run_lock import LOCK_NAME
from tests.app.runner.builders import notebook, pipeline

pytestmark = pytest.mark.slow


def finish(run: DryRun) -> dict:
    events = list(run.events())
    assert isinstance(events[-1], RunFinished)
    return {n["name"]: n for n in events[-1].summary["nodes"]}


def _make_use(tmp_path: Path, outputs: str = "grid = np.ones((2, 2))") -> object:
    make = notebook(tmp_path / "make.ipynb", body="import numpy as np", outputs=outputs)
    use = notebook(
        tmp_path / "use.ipynb", parameters="grid = None", outputs="total = float(grid.sum())"
    )
    return pipeline(tmp_path, {"make": make, "use": use}, ["make.grid->use.grid"])


def test_a_changed_npy_fails_the_reading_node_in_one_line_and_the_next_run_makes_it_again(
    tmp_path: Path,
) -> None:
    p = _make_use(tmp_path)
    first = finish(DryRun(p, RunOptions(jobs=1)))
    assert first["use"]["outputs"] == {"total": 4.0}
    uri = first["make"]["outputs"]["grid"]["uri"]
    with open(uri, "r+b") as stream:  # same size, other values: 2x2 fives
        np.save(stream, np.full((2, 2), 5.0))
    reread = finish(DryRun(p, RunOptions(jobs=1, from_node="use")))
    assert reread["use"]["state"] == "failed" and not reread["use"].get("outputs")
    detail = reread["use"]["detail"]
    assert "CorruptArtifactError: input 'grid': artifact " in detail
    assert uri in detail and "(output of make)" in detail and "\n" not in detail
    again = finish(DryRun(p, RunOptions(jobs=1)))
    assert again["make"]["state"] == "succeeded"  # made again, not "cached" on changed bytes
    assert again["use"]["outputs"] == {"total": 4.0}  # same input hash as run 1: cached, right


def test_a_truncated_artifact_does_not_keep_its_producer_cached(tmp_path: Path) -> None:
    p = _make_use(tmp_path)
    first = finish(DryRun(p, RunOptions(jobs=1)))
    uri = Path(first["make"]["outputs"]["grid"]["uri"])
    uri.write_bytes(uri.read_bytes()[:40])  # a write cut short
    second = finish(DryRun(p, RunOptions(jobs=1)))
    assert second["make"]["state"] == "succeeded"  # not "cached" on a broken artifact
    assert second["use"]["outputs"] == {"total": 4.0}
    third = finish(DryRun(p, RunOptions(jobs=1)))
    assert [third[n]["state"] for n in ("make", "use")] == ["cached", "cached"]
    assert third["use"]["outputs"] == {"total": 4.0}


class _Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (self.marker,))


def test_a_replaced_pickle_never_runs_in_the_next_nodes_kernel(tmp_path: Path) -> None:
    p = _make_use(tmp_path, outputs="grid = np.array([1.0, None, 3.0], dtype=object)")
    first = finish(DryRun(p, RunOptions(jobs=1)))
    assert first["make"]["outputs"]["grid"]["format"] == "pickle"
    marker = tmp_path / "the-pickle-ran"
    Path(first["make"]["outputs"]["grid"]["uri"]).write_bytes(pickle.dumps(_Evil(str(marker))))
    reread = finish(DryRun(p, RunOptions(jobs=1, from_node="use")))
    assert reread["use"]["state"] == "failed"
    assert "CorruptArtifactError: input 'grid'" in reread["use"]["detail"]
    assert not marker.exists()


def test_a_node_writing_to_its_path_input_does_not_change_what_its_sibling_reads(
    tmp_path: Path,
) -> None:
    make = notebook(
        tmp_path / "make.ipynb",
        body="from pathlib import Path\nPath('report').mkdir()\n"
        "(Path('report') / 'notes.txt').write_text('fitted')",
        outputs="folder = Path('report')",
    )
    scribble = notebook(
        tmp_path / "scribble.ipynb",
        parameters="folder = None",
        body="(folder / 'notes.txt').write_text('changed by a sibling')",
        outputs="done = 1",
    )
    read = notebook(
        tmp_path / "read.ipynb",
        parameters="folder = None\ndone = 0",
        outputs="notes = (folder / 'notes.txt').read_text()",
    )
    p = pipeline(
        tmp_path,
        {"make": make, "scribble": scribble, "read": read},
        ["make.folder->scribble.folder", "make.folder->read.folder", "scribble.done->read.done"],
    )
    nodes = finish(DryRun(p, RunOptions(jobs=1)))
    assert nodes["scribble"]["state"] == "succeeded"
    assert nodes["read"]["outputs"] == {"notes": "fitted"}
    stored = Path(nodes["make"]["outputs"]["folder"]["uri"]) / "notes.txt"
    assert stored.read_text() == "fitted"


def test_a_second_dry_run_in_the_same_run_folder_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    slow = notebook(tmp_path / "slow.ipynb", body="import time\ntime.sleep(4)", outputs="value = 1")
    pipeline(tmp_path, {"slow": slow})
    run_dir = tmp_path / "shared"
    command = [sys.executable, "-m", "app.cli.main", "dry-run", str(tmp_path / "test.stitch")]
    first = subprocess.Popen(
        [*command, "--run-dir", str(run_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 120
        lock = run_dir / LOCK_NAME
        while not (lock.exists() and lock.read_text().strip()) and time.time() < deadline:
            time.sleep(0.1)
        with pytest.raises(SystemExit) as refused:
            main(["dry-run", str(tmp_path / "test.stitch"), "--run-dir", str(run_dir)])
        assert refused.value.code == 1
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and f"run folder {run_dir} is in use by another dry-run" in err
        assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    # once the first run ended the folder is free again, and its value is the right one
    assert main(["dry-run", str(tmp_path / "test.stitch"), "--run-dir", str(run_dir)]) == 0
