"""One journey in a real X window (Xvfb) with real mouse and keyboard events from xdotool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.qt, pytest.mark.slow]

JOURNEY = Path(__file__).with_name("real_window_journey.py")
NEEDED = ("xvfb-run", "xdotool", "import")


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED),
    reason="needs xvfb-run, xdotool and ImageMagick's import (.ci/run installs them)",
)
def test_kind_change_with_the_mouse_then_undo_and_save_restores_the_file(
    example_copy: Path, tmp_path: Path
):
    original = example_copy.read_bytes()
    shot = tmp_path / "journey.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"  # a real X11 window, not offscreen
    done = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1440x900x24",
            sys.executable,
            str(JOURNEY),
            str(example_copy),
            str(shot),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["platform"] == "xcb"
    assert seen["selected"] and seen["popup"], seen
    assert seen["kind_after_choice"] == "rapids", seen
    assert seen["wires_after_choice"] == 9, seen  # the example's wires, all kept
    assert seen["kind_after_undo"] == "tensorflow", seen
    assert seen["modified_after_save"] is False and "Saved" in seen["status"], seen
    assert seen["closed"], seen
    assert example_copy.read_bytes() == original  # undo put every byte back
    assert shot.stat().st_size > 10_000  # a real screenshot of the session
    keep = os.environ.get("STITCHBOARD_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
