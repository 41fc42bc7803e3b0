"""One node spec and one input resolution, shared by the dry-run, pods, workers and jobs."""

from __future__ import annotations

import json
from typing import Any

from resources.runtime.stitchboard_runtime import NodeSpec, Origin, resolve_inputs

SPEC = NodeSpec(
    task_id="train",
    source="train.ipynb",
    content="abc123",
    kernel="python3",
    inputs=("data", "rate", "epochs", "seed", "note"),
    outputs=("model",),
    values={"rate": 0.1, "epochs": 3, "seed": 7},
    params={"rate": "learning_rate", "epochs": "epochs"},
    wires={"data": ("prepare", "train"), "epochs": ("tune", "best_epochs")},
    env={"MODE": "strict"},
    connections={"DB_URI": ("warehouse", "uri")},
    flags=("--xcom",),
)


def _upstream(outputs: dict[str, dict[str, Any]]):
    return lambda task_id, output: outputs[task_id][output]


def test_node_spec_survives_a_json_round_trip() -> None:
    text = json.dumps(SPEC.to_json())
    assert NodeSpec.from_json(json.loads(text)) == SPEC


def test_a_wire_beats_a_parameter_which_beats_a_set_value() -> None:
    outputs = {"prepare": {"train": [1, 2]}, "tune": {"best_epochs": 9}}
    got = resolve_inputs(SPEC, {"learning_rate": 0.5, "epochs": 4}, _upstream(outputs))
    assert got.values == {"data": [1, 2], "rate": 0.5, "epochs": 9, "seed": 7}
    assert got.origins() == {
        "data": "prepare.train",
        "rate": "parameter learning_rate",
        "epochs": "tune.best_epochs",
        "seed": "set value",
    }
    assert got.sources["epochs"].origin is Origin.WIRE


def test_an_input_with_nothing_is_left_to_the_notebook_default() -> None:
    outputs = {"prepare": {"train": []}, "tune": {"best_epochs": 1}}
    got = resolve_inputs(SPEC, {"learning_rate": 0.5}, _upstream(outputs))
    assert "note" not in got.values and "note" not in got.sources


def test_a_missing_upstream_output_leaves_the_default_not_the_set_value() -> None:
    got = resolve_inputs(SPEC, {}, _upstream({"prepare": {"train": [0]}}))
    assert "epochs" not in got.values  # wired: neither the binding nor the value fills it
    assert got.values["rate"] == 0.1 and got.origins()["rate"] == "set value"


def test_a_binding_to_an_absent_parameter_falls_back_to_the_set_value() -> None:
    spec = NodeSpec("n", "n.ipynb", inputs=("k",), values={"k": 1}, params={"k": "gone"})
    got = resolve_inputs(spec, {"other": 2}, _upstream({}))
    assert got.values == {"k": 1}
