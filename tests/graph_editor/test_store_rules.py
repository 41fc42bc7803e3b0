"""The artifact store and Assets in the model: saved only when set, checked by validation."""

from __future__ import annotations

import json

import pytest

from graph_editor import fileformat
from graph_editor.nodes import Node, PipelineSettings, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import validate


def _pipeline(**settings: object) -> Pipeline:
    pipeline = Pipeline(settings=PipelineSettings(name="p", dag_id="p", **settings))  # type: ignore[arg-type]
    pipeline.add_node(
        Node(id="a", name="make", source="make.ipynb", outputs=(Port("table", PortType.ANY),))
    )
    return pipeline


def _codes(pipeline: Pipeline) -> dict[str, str]:
    found = validate(pipeline, check_files=False)
    return {
        i.code: i.message
        for i in found
        if i.code.startswith(("artifact", "store", "asset", "schedule"))
    }


def test_store_and_assets_round_trip_and_are_absent_when_unset() -> None:
    pipeline = _pipeline(
        artifact_store="s3://ml/art",
        store_secret="ml-store",
        store_connection="ml_s3",
        schedule_assets=("s3://raw/customers",),
    )
    pipeline.update_node("a", assets={"table": "s3://ml/features"})
    text = fileformat.dumps(pipeline)
    again = fileformat.loads(text)
    assert again.settings == pipeline.settings
    assert dict(again.node("a").assets) == {"table": "s3://ml/features"}
    assert fileformat.dumps(again) == text
    plain = json.loads(fileformat.dumps(_pipeline()))
    assert not {"artifact_store", "store_secret", "schedule_assets"} & set(plain["pipeline"])
    assert "assets" not in plain["nodes"][0]


@pytest.mark.parametrize(
    "store, code, words",
    [
        ("ftp://host/x", "artifact-store", "unknown scheme"),
        ("s3://", "artifact-store", "no bucket"),
        ("data/artifacts", "artifact-store", "absolute path"),
    ],
)
def test_validation_names_what_is_wrong_with_the_store(store: str, code: str, words: str) -> None:
    codes = _codes(_pipeline(artifact_store=store))
    assert words in codes[code] and store in codes[code]


def test_good_stores_pass_validation() -> None:
    for store in ("s3://ml/art", "/mnt/artifacts", "file:///mnt/a"):
        assert _codes(_pipeline(artifact_store=store)) == {}, store
    assert _codes(_pipeline(artifact_store="/mnt/a", store_volume="artifacts-pvc")) == {}


def test_a_volume_needs_a_folder_store_and_names_must_be_valid() -> None:
    codes = _codes(
        _pipeline(artifact_store="s3://b/a", store_volume="pvc", store_secret="Bad Name!")
    )
    assert {"store-volume-without-folder", "store-secret-name"} <= set(codes)


def test_assets_on_unknown_outputs_and_cron_beside_assets_are_errors() -> None:
    pipeline = _pipeline(schedule="@daily", schedule_assets=("s3://raw/x",))
    pipeline.update_node("a", assets={"missing": "s3://ml/f"})
    codes = _codes(pipeline)
    assert "missing" in codes["asset-unknown-output"]
    assert "choose one" in codes["schedule-and-assets"]


@pytest.mark.parametrize(
    ("backend", "code", "words"),
    [
        ("kubernetes", "artifact-without-store", "artifact store"),
        ("worker", "default-worker-store", "$AIRFLOW_HOME/stitchboard/artifacts"),
    ],
)
def test_an_artifact_wired_on_without_a_store_is_a_warning_for_the_cluster(
    backend: str, code: str, words: str
) -> None:
    from graph_editor.nodes import Edge

    pipeline = _pipeline()
    pipeline.update_node("a", outputs=(Port("table", PortType.DATAFRAME),))
    pipeline.add_node(
        Node(id="b", name="use", source="use.ipynb", inputs=(Port("table", PortType.DATAFRAME),))
    )
    pipeline.add_edge(Edge("a", "b", "table", "table"))
    found = [i for i in validate(pipeline, check_files=False, backend=backend)]
    issue = next(i for i in found if i.code == code)
    assert not issue.is_error and issue.node_name == "make" and words in issue.message
    pipeline.update_settings(artifact_store="s3://ml/art")
    assert code not in {i.code for i in validate(pipeline, backend=backend)}
