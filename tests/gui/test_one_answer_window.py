"""One answer per question, in a real X window (Xvfb) with real input from xdotool: a pipeline
saved into another folder runs from the window, and a failed cell has the user's number."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.runner.builders import FAILING_SOURCE, artifact_then_failing_cell

pytestmark = [
    pytest.mark.qt,
    pytest.mark.slow,
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in ("xvfb-run", "xdotool")),
        reason="needs xvfb-run and xdotool (.ci/run installs them)",
    ),
]

JOURNEY = Path(__file__).with_name("one_answer_journey.py")


def journey(*args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"  # a real X11 window, not offscreen
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1440x900x24", sys.executable, str(JOURNEY), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["platform"] == "xcb"
    return seen


def test_save_as_into_another_folder_then_f5_runs_the_notebooks(tmp_path: Path):
    stitch, _ = artifact_then_failing_cell(tmp_path / "project", fail=False)
    target = tmp_path / "elsewhere" / "deeper" / "moved.stitch"
    target.parent.mkdir(parents=True)
    seen = journey("save-as-run", str(stitch), str(target))
    assert seen["saved_to"] == str(target), seen
    assert '"source": "../../project/use.ipynb"' in target.read_text(encoding="utf-8")
    assert seen["states"] == {"make": "succeeded", "use": "succeeded"}, seen
    assert seen["status"] == "Dry-run succeeded" and seen["problems"] == [], seen


def test_a_failing_cell_after_an_artifact_input_has_the_users_number_in_the_window(
    tmp_path: Path,
):
    stitch, cell = artifact_then_failing_cell(tmp_path)
    seen = journey("failing-cell", str(stitch))
    assert seen["states"] == {"make": "succeeded", "use": "failed"}, seen
    assert seen["panel_shown"], seen
    line = f"in cell {cell}: ValueError: 3 rows is too few"
    assert seen["title"] == f"use failed {line}", seen
    assert seen["cell"] == FAILING_SOURCE, seen
    assert f"[use] failed — {line}" in seen["run_log"], seen  # the Run panel says the same
    assert "3 rows is too few" in seen["traceback"], seen


def test_a_wire_dragged_onto_a_parameter_bound_input_drops_the_binding_as_the_cli_does(
    tmp_path: Path,
):
    from app.cli.main import main
    from tests.helpers import write_notebook

    write_notebook(tmp_path / "greet.ipynb", parameters="msg: str = 'x'", outputs="text = msg")
    write_notebook(tmp_path / "shout.ipynb", parameters="text: str = ''", outputs="loud = text")
    stitch = str(tmp_path / "hw.stitch")
    assert main(["new", stitch, str(tmp_path / "greet.ipynb"), str(tmp_path / "shout.ipynb")]) == 0
    assert main(["unwire", stitch, "greet.text", "shout.text"]) == 0
    assert main(["param", "add", stitch, "said", "--default", "hi"]) == 0
    assert main(["bind", stitch, "shout.text", "said"]) == 0
    seen = journey("wire-bound", stitch)
    assert seen["wires"] == ["greet.text -> shout.text"], seen
    assert seen["bindings"] == {}, seen
    assert seen["status"] == "Connected (shout.text: its parameter binding dropped)", seen
    assert not any("both wired and bound" in p for p in seen["problems"]), seen
    assert seen["bindings_after_undo"] == {"text": "said"} and seen["wires_after_undo"] == []


def test_a_new_pipeline_saved_into_another_folder_runs_without_reopening(tmp_path: Path):
    """Section 4: Save wrote ``../make.ipynb`` and F5 said "file not found" while Problems said
    nothing was wrong; now both resolve the sources one way."""
    stitch, _ = artifact_then_failing_cell(tmp_path, fail=False)
    stitch.unlink()  # only the notebooks: the window builds the pipeline
    target = tmp_path / "project" / "p.stitch"
    target.parent.mkdir()
    seen = journey("new-save-run", str(tmp_path), str(target))
    assert seen["sources"] == ["make.ipynb", "use.ipynb"], seen  # relative to the cwd, unsaved
    assert seen["saved_to"] == str(target), seen
    assert '"source": "../make.ipynb"' in target.read_text(encoding="utf-8")
    assert seen["problems"] == [], seen
    assert seen["states"] == {"make": "succeeded", "use": "succeeded"}, seen
