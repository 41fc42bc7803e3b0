"""Where a pipeline's runs go: beside the user's own pipeline, never into Stitchboard's files."""

from __future__ import annotations

import os
from pathlib import Path

from app.runner.store import runs_root
from graph_editor import fileformat
from graph_editor.pipeline import Pipeline
from tests.conftest import EXAMPLE, REPO


def test_the_users_own_pipeline_keeps_its_runs_beside_it(example_copy: Path) -> None:
    pipeline = fileformat.load(example_copy)
    assert runs_root(pipeline) == example_copy.parent / "churn.runs"


def test_the_bundled_example_keeps_its_runs_out_of_the_source_tree() -> None:
    """Running the README's example used to write churn.runs/ into resources/examples/; a copy
    of the example then carried it along and its first run only said 'cached'."""
    root = runs_root(fileformat.load(EXAMPLE))
    assert not root.resolve().is_relative_to(REPO)
    assert root.resolve().is_relative_to(Path(os.environ["XDG_CACHE_HOME"]).resolve())
    assert root.name.startswith("churn-") and root.name.endswith(".runs")


def test_an_unsaved_pipeline_never_writes_into_the_current_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = runs_root(Pipeline())
    assert not root.resolve().is_relative_to(tmp_path.resolve())
