"""A folder's pipelines are found in a stable order, and a broken one does not hide the rest."""

import os

from graph_editor import fileformat
from graph_editor.nodes import PipelineSettings
from graph_editor.pipeline import Pipeline
from graph_editor.workspace import scan


def _pipeline(path, name):
    path.parent.mkdir(parents=True, exist_ok=True)
    fileformat.save(Pipeline(PipelineSettings(name=name)), path)


def test_every_pipeline_below_the_folder_is_read_and_a_broken_one_names_its_path(tmp_path):
    _pipeline(tmp_path / "team_b" / "sales.stitch", "sales")
    _pipeline(tmp_path / "team_a" / "churn.stitch", "churn")
    _pipeline(tmp_path / ".git" / "hidden.stitch", "hidden")
    (tmp_path / "team_a" / "broken.stitch").write_text("{not json", encoding="utf-8")
    os.mkfifo(tmp_path / "team_b" / "pipe.stitch")  # must not hang the scan
    seen = []
    found = scan.members(tmp_path, lambda done, total, rel: seen.append((done, total, rel)))
    assert [m.rel for m in found] == [
        "team_a/broken.stitch",
        "team_a/churn.stitch",
        "team_b/sales.stitch",
    ]
    broken, churn, sales = found
    assert not broken.ok and "broken.stitch" in broken.error and "not valid JSON" in broken.error
    assert churn.pipeline.settings.name == "churn" and sales.ok
    assert seen[-1] == (3, 3, "team_b/sales.stitch")
    assert scan.is_workspace(tmp_path) and not scan.is_workspace(churn.path)
