"""A pipeline cannot take a DAG id Stitchboard keeps for itself."""

from __future__ import annotations

from graph_editor import fileformat
from graph_editor.validation import validate


def test_the_local_airflows_parse_anchor_id_is_refused_by_validate(example_copy):
    pipeline = fileformat.load(example_copy)
    pipeline.update_settings(dag_id="stitchboard_parse_anchor")
    found = [i for i in validate(pipeline) if i.code == "reserved-dag-id"]
    assert len(found) == 1 and found[0].is_error and found[0].field == "dag_id"
    assert "parse anchor" in found[0].message
    pipeline.update_settings(dag_id="stitchboard_parse_anchor_2")
    assert not [i for i in validate(pipeline) if i.code == "reserved-dag-id"]
