"""An Elyra file that cannot be imported says which field is wrong, and no empty ``.stitch``
is written (the CLI and the window save only what imported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph_editor.errors import PipelineFileError
from graph_editor.importers.elyra import import_elyra


def elyra_file(path: Path, pipelines: list, primary: str = "p1") -> Path:
    doc = {"doc_type": "pipeline", "version": "3.0", "primary_pipeline": primary}
    doc["pipelines"] = pipelines
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def only_components(path: Path) -> Path:
    """A Kubeflow-only pipeline: custom components, no notebook or script node."""
    nodes = [
        {
            "id": "n1",
            "type": "execution_node",
            "op": "url-catalog:filter-table",
            "app_data": {"label": "Filter table", "component_parameters": {}},
        }
    ]
    return elyra_file(path, [{"id": "p1", "app_data": {"version": 8}, "nodes": nodes}])


def test_a_primary_pipeline_id_that_names_no_pipeline_is_blamed_not_its_nodes(tmp_path):
    path = elyra_file(
        tmp_path / "a.pipeline", [{"id": "p2", "app_data": {"version": 8}, "nodes": {}}]
    )
    with pytest.raises(PipelineFileError) as caught:
        import_elyra(path)
    message = str(caught.value)
    assert "'primary_pipeline' is 'p1'" in message and "'p2'" in message
    assert "nodes" not in message


def test_nodes_that_are_not_a_list_are_named_by_their_place(tmp_path):
    path = elyra_file(tmp_path / "b.pipeline", [{"id": "p1", "nodes": {"n": 1}}])
    with pytest.raises(PipelineFileError, match=r"'pipelines\[0\]\.nodes' \('p1'\) is not a list"):
        import_elyra(path)


def test_a_pipeline_with_no_importable_node_is_refused_with_the_reason(tmp_path):
    with pytest.raises(PipelineFileError, match="no node could be imported: node 'filter_table'"):
        import_elyra(only_components(tmp_path / "c.pipeline"))
    empty = elyra_file(tmp_path / "d.pipeline", [{"id": "p1", "nodes": []}])
    with pytest.raises(PipelineFileError, match="'nodes' list is empty"):
        import_elyra(empty)


def test_the_cli_writes_no_stitch_file_when_the_import_fails(tmp_path):
    source = only_components(tmp_path / "c.pipeline")
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "import", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no node could be imported" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.glob("*.stitch")) == []
