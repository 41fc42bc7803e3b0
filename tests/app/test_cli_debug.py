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


@pytest.fixture
def typed_input(tmp_path: Path) -> Path:
    from app.cli.main import main
    from tests.helpers import write_notebook

    write_notebook(tmp_path / "a.ipynb", parameters="epochs: int = 1", outputs="done = epochs")
    assert main(["new", str(tmp_path / "p.stitch"), str(tmp_path / "a.ipynb")]) == 0
    return tmp_path / "p.stitch"


def test_a_refused_edit_is_one_line_and_debug_shows_the_parse_error_it_came_from(
    typed_input: Path,
) -> None:
    plain = run_cli("set", typed_input, "a.epochs=many", debug=None)
    assert plain.returncode == 1 and plain.stderr.count("\n") == 1
    assert "a.epochs (int): expected an int, got 'many'" in plain.stderr
    for args in (
        ("--debug", "set", typed_input, "a.epochs=many"),
        ("set", typed_input, "a.epochs=many", "--debug"),
    ):
        done = run_cli(*args, debug=None)
        assert done.returncode == 1
        err = done.stderr
        cause = err.index("invalid literal for int()")  # Python's own error, kept as the cause
        link = err.index("The above exception was the direct cause of the following exception")
        assert cause < link < err.index("EditRefused", link)
        assert err.strip().splitlines()[-1] == plain.stderr.strip()


def test_no_error_of_the_app_hides_its_cause() -> None:
    """``raise ... from exc``, never ``from None``: ``--debug`` can show where it came from."""
    import ast

    from tests.conftest import REPO

    hidden = []
    for package in ("app", "graph_editor", "exporters"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                cause = node.cause if isinstance(node, ast.Raise) else None
                if isinstance(cause, ast.Constant) and cause.value is None:
                    hidden.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert hidden == []
