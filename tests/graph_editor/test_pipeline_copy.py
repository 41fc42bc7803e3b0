"""One way to copy a pipeline (``Pipeline.copy``): the copy finds every notebook the original
finds, after Save As into another folder and before the first save, and edits stay apart."""

from __future__ import annotations

import ast
from pathlib import Path

from graph_editor import fileformat
from graph_editor.build import node_from_source
from graph_editor.comments import Comment
from graph_editor.pipeline import Pipeline
from tests.helpers import write_notebook

REPO = Path(__file__).resolve().parents[2]


def test_after_save_as_into_another_folder_the_copy_finds_every_notebook(
    example_copy: Path, tmp_path: Path
):
    pipeline = fileformat.load(example_copy)
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    fileformat.save(pipeline, elsewhere / "moved.stitch")  # Save As: the nodes keep their sources
    copy = pipeline.copy()
    for node in pipeline.nodes:
        assert copy.source_path(node.id) == pipeline.source_path(node.id)
        assert copy.source_path(node.id).is_file(), node.name
    assert copy.path == pipeline.path and copy.pipeline_id == pipeline.pipeline_id
    assert fileformat.dumps(copy) == fileformat.dumps(pipeline)


def test_a_new_pipeline_saved_away_from_the_cwd_copies_with_its_notebooks(
    tmp_path: Path, monkeypatch
):
    """Choose… a notebook before the first save (relative to the cwd), then Save into a folder
    beside it: the file says ``../nb.ipynb``, and the copy a run takes finds it too."""
    monkeypatch.chdir(tmp_path)
    notebook = write_notebook(tmp_path / "nb.ipynb", parameters="x = 1")
    pipeline = Pipeline()
    node = pipeline.add_node(node_from_source(pipeline, notebook))
    assert node.source == "nb.ipynb"
    (tmp_path / "project").mkdir()
    fileformat.save(pipeline, tmp_path / "project" / "p.stitch")
    assert '"source": "../nb.ipynb"' in (tmp_path / "project" / "p.stitch").read_text()
    monkeypatch.chdir(tmp_path / "project")  # the cwd no longer matters once saved
    assert pipeline.copy().source_path(node.id) == notebook.resolve()
    assert fileformat.load(tmp_path / "project" / "p.stitch").source_path(node.id) == (
        notebook.resolve()
    )


def test_an_unsaved_pipeline_copied_resolves_from_the_folder_of_that_moment(
    tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    notebook = write_notebook(tmp_path / "nb.ipynb", parameters="x = 1")
    pipeline = Pipeline()
    node = pipeline.add_node(node_from_source(pipeline, notebook))
    copy = pipeline.copy()
    monkeypatch.chdir(REPO)  # a worker thread or a test moving the cwd on
    assert copy.source_path(node.id) == notebook.resolve()


def test_edits_of_the_copy_and_of_the_original_stay_apart(example_copy: Path):
    pipeline = fileformat.load(example_copy)
    pipeline.comments.add(Comment("c1", "why this model"))
    copy = pipeline.copy()
    seen: list[object] = []
    pipeline.changed.connect(seen.append)
    first, edge = pipeline.nodes[0], pipeline.edges[0]
    copy.update_node(first.id, description="changed in the copy")
    copy.remove_edge(edge)
    copy.comments.update("c1", text="changed")
    copy.update_settings(artifact_store="s3://cluster/art")
    assert pipeline.node(first.id).description == first.description
    assert edge in pipeline.edges and pipeline.upstream(edge.target)
    assert pipeline.comments.get("c1").text == "why this model"
    assert pipeline.settings.artifact_store != "s3://cluster/art"
    assert seen == []  # the original's listeners heard nothing
    assert pipeline.topological_order() != [] and len(copy) == len(pipeline)


def test_no_module_copies_a_pipeline_through_its_file_text():
    """``Pipeline.copy`` is the one way: a JSON round trip drops what the file does not hold."""
    found = []
    for package in ("app", "graph_editor", "exporters"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if _fileformat_call(node, "loads") and _fileformat_call(
                    node.args[0] if node.args else None, "dumps"
                ):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


def _fileformat_call(node: object, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and getattr(node.func.value, "id", "") == "fileformat"
    )
