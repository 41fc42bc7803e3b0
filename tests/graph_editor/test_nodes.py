"""A node's mappings (env, values, bindings, sample outputs) cannot be changed behind the model."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from graph_editor import fileformat
from graph_editor.changes import NodeChanged, PipelineChange
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline


def node() -> Node:
    return Node(
        "n1",
        "train",
        env={"MODE": "fast"},
        values={"epochs": 3},
        bindings={"lr": "learning_rate"},
        sample_outputs={"score": 0.5},
    )


MUTATIONS = [
    ("env", lambda m: m.__setitem__("MODE", "slow")),
    ("values", lambda m: m.update(epochs=4)),
    ("bindings", lambda m: m.pop("lr")),
    ("sample_outputs", lambda m: m.clear()),
    ("values", lambda m: m.__delitem__("epochs")),
    ("env", lambda m: m.setdefault("NEW", "x")),
    ("bindings", lambda m: m.popitem()),
]


@pytest.mark.parametrize(
    ("field", "change"), MUTATIONS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(MUTATIONS)]
)
def test_changing_a_node_mapping_in_place_is_refused(field, change) -> None:
    n = node()
    before = dict(getattr(n, field))
    with pytest.raises(TypeError, match="cannot be changed in place"):
        change(getattr(n, field))
    assert getattr(n, field) == before


def test_in_place_or_is_refused_and_plain_dicts_passed_in_are_not_shared() -> None:
    given = {"epochs": 3}
    n = Node("n1", "train", values=given)
    given["epochs"] = 99  # the caller's dict is copied, not kept
    assert n.values == {"epochs": 3}
    values = n.values
    with pytest.raises(TypeError):
        values |= {"epochs": 4}  # type: ignore[operator]


def test_an_edit_through_the_pipeline_changes_the_value_and_announces_it() -> None:
    pipeline = Pipeline()
    pipeline.add_node(node())
    seen: list[PipelineChange] = []
    pipeline.changed.connect(seen.append)
    old = pipeline.update_node("n1", values={**pipeline.node("n1").values, "epochs": 4})
    assert pipeline.node("n1").values == {"epochs": 4} and old.values == {"epochs": 3}
    assert seen == [NodeChanged("n1", frozenset({"values"}))]
    with pytest.raises(TypeError):
        pipeline.node("n1").values["epochs"] = 5  # type: ignore[index]


def test_frozen_mappings_still_serialise_copy_and_replace_like_dicts(tmp_path) -> None:
    n = node()
    assert json.loads(json.dumps(n.values)) == {"epochs": 3}
    assert repr(n.env) == "{'MODE': 'fast'}"
    assert copy.deepcopy(n) == n
    changed = dataclasses.replace(n, env={"MODE": "slow"})
    with pytest.raises(TypeError):
        changed.env["MODE"] = "x"  # type: ignore[index]
    pipeline = Pipeline()
    pipeline.add_node(n)
    fileformat.save(pipeline, tmp_path / "p.stitch")
    loaded = fileformat.load(tmp_path / "p.stitch").node("n1")
    assert loaded.values == {"epochs": 3} and loaded.sample_outputs == {"score": 0.5}
    with pytest.raises(TypeError):
        loaded.bindings["lr"] = "other"  # type: ignore[index]
