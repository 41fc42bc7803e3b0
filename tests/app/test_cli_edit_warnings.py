"""The same warnings are not repeated on every CLI edit: an edit shows what it brought."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.app.test_cli_edit import run_cli
from tests.conftest import EXAMPLE_DIR


def test_a_warning_is_shown_by_the_edit_that_brings_it_then_only_counted(
    tmp_path: Path,
) -> None:
    shutil.copytree(EXAMPLE_DIR, tmp_path / "churn", ignore=shutil.ignore_patterns("*.runs"))
    path = str(tmp_path / "churn" / "churn.stitch")
    first = run_cli("set", path, "prepare_data.n_rows=100")  # n_rows now feeds no node
    assert first.returncode == 0
    assert first.stderr.count("[unused-parameter]") == 1
    second = run_cli("set", path, "prepare_data.n_rows=120")
    assert second.returncode == 0 and "[unused-parameter]" not in second.stderr
    assert "1 earlier warning(s) unchanged (stitchboard validate" in second.stderr
    shown = run_cli("validate", path)
    assert "[unused-parameter]" in shown.stdout  # still there, where the user asks for it


def test_errors_are_shown_after_every_edit(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE_DIR, tmp_path / "churn", ignore=shutil.ignore_patterns("*.runs"))
    path = str(tmp_path / "churn" / "churn.stitch")
    (tmp_path / "churn" / "compare_models.ipynb").unlink()  # an error, until it is back
    for seed in (3, 4):
        again = run_cli("set", path, f"prepare_data.seed={seed}")
        assert again.returncode == 0 and "not valid yet" in again.stderr
        assert "error: node 'compare_models'" in again.stderr
