"""The *.stitch file: byte-stable round trips, atomic saves, clear load errors, migrations."""

import json
import os
import shutil

import jsonschema
import pytest

from graph_editor import fileformat
from graph_editor.errors import PipelineFileError
from graph_editor.nodes import SecretRef, SecretSource
from tests.conftest import EXAMPLE


def test_load_then_save_is_byte_identical(example_copy):
    original = example_copy.read_bytes()
    pipeline = fileformat.load(example_copy)
    fileformat.save(pipeline, example_copy)
    assert example_copy.read_bytes() == original
    fileformat.save(pipeline, example_copy)
    assert example_copy.read_bytes() == original


def test_saved_file_is_sorted_and_matches_the_shipped_schema(example_copy):
    doc = json.loads(example_copy.read_text())
    jsonschema.validate(doc, fileformat.schema())
    text = example_copy.read_text()
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert doc["version"] == fileformat.VERSION
    sources = [n["source"] for n in doc["nodes"]]
    assert all(not s.startswith("/") for s in sources)  # relative to the file


def test_save_as_elsewhere_rebases_notebook_paths(example_copy, tmp_path):
    pipeline = fileformat.load(example_copy)
    target = tmp_path / "other" / "deeper"
    target.mkdir(parents=True)
    fileformat.save(pipeline, target / "moved.stitch")
    moved = fileformat.load(target / "moved.stitch")
    node = moved.node_by_name("prepare_data")
    assert node.source == "../../churn/prepare_data.ipynb"
    assert moved.source_path(node) == (example_copy.parent / "prepare_data.ipynb").resolve()


def test_save_as_elsewhere_never_edits_the_model(example_copy, tmp_path):
    """The file gets rebased sources; the nodes keep theirs and still find their notebooks."""
    pipeline = fileformat.load(example_copy)
    seen = []
    pipeline.changed.connect(seen.append)
    before = {n.id: n.source for n in pipeline.nodes}
    target = tmp_path / "elsewhere"
    target.mkdir()
    fileformat.save(pipeline, target / "moved.stitch")
    assert seen == []  # no change announced: nothing in the model moved
    assert {n.id: n.source for n in pipeline.nodes} == before
    node = pipeline.node_by_name("prepare_data")
    assert pipeline.source_path(node) == (example_copy.parent / "prepare_data.ipynb").resolve()
    # an earlier source value (what an undo restores) resolves the same way after the move
    pipeline.update_node(node.id, source="prepare_data.ipynb")
    assert pipeline.source_path(node.id).is_file()
    fileformat.save(pipeline, target / "moved.stitch")  # and a second save rebases again
    again = fileformat.load(target / "moved.stitch")
    assert again.source_path(again.node_by_name("prepare_data")) == pipeline.source_path(node.id)


def test_a_crash_mid_save_leaves_the_old_file_whole(example_copy, monkeypatch):
    original = example_copy.read_bytes()
    pipeline = fileformat.load(example_copy)
    pipeline.update_node(pipeline.nodes[0].id, description="changed")

    def crash(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(PipelineFileError, match="cannot write: No space left on device"):
        fileformat.save(pipeline, example_copy)
    assert example_copy.read_bytes() == original
    assert [p.name for p in example_copy.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_truncated_file_gives_one_typed_error(example_copy):
    text = example_copy.read_text()
    example_copy.write_text(text[: len(text) // 2])
    with pytest.raises(PipelineFileError) as err:
        fileformat.load(example_copy)
    assert str(example_copy.resolve()) in str(err.value) or str(example_copy) in str(err.value)
    assert "not valid JSON" in str(err.value) and "truncated" in str(err.value)


def test_newer_version_says_upgrade(example_copy):
    doc = json.loads(example_copy.read_text())
    doc["version"] = 99
    example_copy.write_text(json.dumps(doc))
    with pytest.raises(
        PipelineFileError, match="newer Stitchboard \\(format version 99\\).*upgrade"
    ):
        fileformat.load(example_copy)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(format="something"), "not a Stitchboard pipeline"),
        (lambda d: d["nodes"][0].update(kind="flink"), "nodes/0/kind"),
        (lambda d: d["nodes"][1].pop("id"), "'id' is a required property"),
        (
            lambda d: d["edges"].append({"source": "ghost", "target": d["nodes"][0]["id"]}),
            "names a node that does not exist",
        ),
        (lambda d: d["nodes"].append(dict(d["nodes"][0])), "already exists"),
    ],
)
def test_wrong_schema_names_what_is_wrong(example_copy, mutate, problem):
    doc = json.loads(example_copy.read_text())
    mutate(doc)
    example_copy.write_text(json.dumps(doc))
    with pytest.raises(PipelineFileError, match=problem):
        fileformat.load(example_copy)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PipelineFileError, match="file not found"):
        fileformat.load(tmp_path / "none.stitch")
    with pytest.raises(PipelineFileError, match="is a folder"):
        fileformat.load(tmp_path)


def test_older_versions_migrate(example_copy, monkeypatch):
    """A version-1 file passes through every registered migration up to the current version."""
    doc = json.loads(example_copy.read_text())
    monkeypatch.setattr(fileformat, "VERSION", 2)

    def one_to_two(d):
        d["pipeline"]["description"] = "migrated: " + d["pipeline"]["description"]
        return d

    monkeypatch.setitem(fileformat.MIGRATIONS, 1, one_to_two)
    monkeypatch.setattr(
        fileformat,
        "schema",
        lambda: {
            **json.loads((EXAMPLE.parents[2] / "schema" / "stitch-v1.schema.json").read_text()),
            "properties": {
                **json.loads((EXAMPLE.parents[2] / "schema" / "stitch-v1.schema.json").read_text())[
                    "properties"
                ],
                "version": {"const": 2},
            },
        },
    )
    pipeline = fileformat.loads(json.dumps(doc))
    assert pipeline.settings.description.startswith("migrated: ")


def test_secrets_are_references_only(example_copy):
    pipeline = fileformat.load(example_copy)
    node = pipeline.nodes[0]
    pipeline.update_node(
        node.id, secrets=(SecretRef("DB_PASSWORD", SecretSource.KUBERNETES, "db", "password"),)
    )
    text = fileformat.dumps(pipeline)
    assert '"name": "db"' in text and '"key": "password"' in text


def test_the_bundled_example_parses(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "x.stitch")
    pipeline = fileformat.load(tmp_path / "x.stitch")
    assert len(pipeline) == 5


def test_a_pipeline_gets_one_identity_that_saves_keep_and_save_as_renews(example_copy):
    """Deploy tells "a new version" from "another pipeline with the same dag_id" by it."""
    doc = json.loads(example_copy.read_text())
    del doc["pipeline_id"]  # a file from before pipelines had an identity
    example_copy.write_text(json.dumps(doc))
    old = fileformat.load(example_copy)
    assert old.pipeline_id == ""  # it still loads
    fileformat.save(old, example_copy)
    first = json.loads(example_copy.read_text())["pipeline_id"]
    assert len(first) == 32 and first == old.pipeline_id
    again = fileformat.load(example_copy)
    again.update_settings(dag_id="renamed", description="new version")
    fileformat.save(again, example_copy)
    assert fileformat.load(example_copy).pipeline_id == first  # same file: same pipeline
    moved = example_copy.with_name("moved.stitch")
    os.rename(example_copy, moved)  # renamed outside Stitchboard: the id travels in the file
    assert fileformat.load(moved).pipeline_id == first
    fileformat.save(again, moved.with_name("copy.stitch"))  # Save As: a pipeline of its own
    assert fileformat.load(moved.with_name("copy.stitch")).pipeline_id not in ("", first)
    assert fileformat.load(moved).pipeline_id == first


def test_a_hand_edited_pipeline_id_is_refused_in_one_line(example_copy):
    doc = json.loads(example_copy.read_text())
    doc["pipeline_id"] = "not-a-uuid\n"
    example_copy.write_text(json.dumps(doc))
    with pytest.raises(PipelineFileError, match="invalid pipeline file at pipeline_id"):
        fileformat.load(example_copy)
