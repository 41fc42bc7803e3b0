"""An R notebook on a machine whose IR kernelspec is registered but whose R is not installed
(Debian keeps the kernelspec when R is removed): validation warns, and the dry-run fails that
node with one line saying what to install, not a raw FileNotFoundError."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.runner.builders import pipeline
from tests.helpers import write_notebook

GONE = "/nonexistent/bin/R"


@pytest.fixture
def r_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An 'ir' kernelspec first on the Jupyter path whose program is not installed."""
    spec = tmp_path / "jupyter" / "kernels" / "ir"
    spec.mkdir(parents=True)
    argv = [GONE, "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "R", "language": "R"}), encoding="utf-8"
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    folder = tmp_path / "p"
    folder.mkdir()
    notebook = write_notebook(
        folder / "stats.ipynb", parameters="n = 1", outputs="m = n + 1", kernel="ir", language="R"
    )
    pipeline(folder, {"stats": notebook})
    return folder / "test.stitch"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_validate_warns_that_the_r_kernels_program_is_missing(r_gone: Path) -> None:
    from graph_editor import fileformat
    from graph_editor.validation import validate

    issues = validate(fileformat.load(r_gone))
    found = [i for i in issues if i.code == "kernel-program-missing"]
    assert len(found) == 1 and not found[0].is_error
    assert GONE in found[0].message and "r-base-core" in found[0].message
    done = _cli("validate", str(r_gone), cwd=r_gone.parent)
    assert "kernel-program-missing" in done.stdout + done.stderr


@pytest.mark.slow
def test_the_dry_run_fails_the_r_node_with_one_line_not_a_file_not_found_error(
    r_gone: Path,
) -> None:
    done = _cli("dry-run", str(r_gone), cwd=r_gone.parent)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "kernel 'ir' cannot start" in out and "r-base-core" in out
    assert "FileNotFoundError" not in out and "Traceback" not in out
    report = json.loads(next((r_gone.parent / "test.runs").glob("*/run.json")).read_text())
    error = report["nodes"][0]["error"]
    assert error["type"] == "KernelStartError" and GONE in error["message"]
