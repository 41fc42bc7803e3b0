"""``STITCHBOARD_DEBUG``: the one-line error becomes the full traceback with its causes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: object, debug: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STITCHBOARD_DEBUG"}
    if debug is not None:
        env["STITCHBOARD_DEBUG"] = debug
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def undecodable(tmp_path: Path) -> Path:
    path = tmp_path / "latin.stitch"
    path.write_bytes(b'{"name": "caf\xe9"}')  # not UTF-8: the error has a cause
    return path


def test_without_debug_an_error_is_one_line(undecodable: Path) -> None:
    for debug in (None, "", "0"):
        done = run_cli("validate", undecodable, debug=debug)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "latin.stitch" in done.stderr


def test_with_debug_the_cause_chain_is_printed_then_the_line(undecodable: Path) -> None:
    done = run_cli("validate", undecodable, debug="1")
    assert done.returncode == 2
    err = done.stderr
    assert "Traceback" in err
    cause = err.index("UnicodeDecodeError")
    link = err.index("The above exception was the direct cause of the following exception")
    outer = err.index("PipelineFileError", link)
    assert cause < link < outer
    last = err.strip().splitlines()[-1]
    assert last.startswith("stitchboard: error:") and "latin.stitch" in last
