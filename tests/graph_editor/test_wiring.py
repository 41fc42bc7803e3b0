"""One editing vocabulary for an input (``graph_editor.wiring``), without Qt: a wire drawn on
the canvas, ``stitchboard wire``, a binding chosen in Properties and ``stitchboard bind`` give
the same pipeline, and validation agrees with the runtime (the wire wins, nothing doubled)."""

from __future__ import annotations

from graph_editor import edits, fileformat
from graph_editor.nodes import Edge, Node, PipelineParameter, PipelineSettings, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import validate
from graph_editor.wiring import (
    apply_rewire,
    bind_changes,
    plan_rewire,
    revert_rewire,
    value_changes,
)

WIRE = Edge("a", "b", "text", "msg")


def bound_pipeline() -> Pipeline:
    """``a.text`` not yet wired; ``b.msg`` bound to the pipeline parameter ``greeting``."""
    settings = PipelineSettings(
        name="p", dag_id="p", parameters=(PipelineParameter("greeting", PortType.STR, "hi"),)
    )
    p = Pipeline(settings)
    p.add_node(Node("a", "greet", source="a.ipynb", outputs=(Port("text", PortType.STR),)))
    p.add_node(
        Node(
            "b",
            "shout",
            source="b.ipynb",
            inputs=(Port("msg", PortType.STR), Port("suffix", PortType.STR)),
            bindings={"msg": "greeting"},
            values={"suffix": "!"},
            position=(300.0, 0.0),
        )
    )
    return p


def _codes(p: Pipeline) -> set[str]:
    return {i.code for i in validate(p)}


def test_a_wire_into_a_bound_input_drops_the_binding_on_the_canvas_as_in_the_cli() -> None:
    by_cli, by_canvas = bound_pipeline(), bound_pipeline()
    said = edits.wire(by_cli, "greet.text", "shout.msg")
    rewire = plan_rewire(by_canvas, [], [WIRE])  # what the canvas's drop asks for
    apply_rewire(by_canvas, rewire)
    assert said == "wired greet.text -> shout.msg (its parameter binding dropped)"
    assert [str(d) for d in rewire.dropped] == ["shout.msg: its parameter binding dropped"]
    assert fileformat.dumps(by_canvas) == fileformat.dumps(by_cli)
    node = by_canvas.node("b")
    assert dict(node.bindings) == {} and dict(node.values) == {"suffix": "!"}
    assert "double-input" not in _codes(by_canvas)


def test_undo_of_the_wire_puts_the_binding_back() -> None:
    p = bound_pipeline()
    before = fileformat.dumps(p)
    rewire = plan_rewire(p, [], [WIRE])
    old = apply_rewire(p, rewire)
    revert_rewire(p, rewire, old)
    assert fileformat.dumps(p) == before


def test_binding_in_properties_and_bind_in_the_cli_both_drop_the_set_value() -> None:
    by_cli, by_panel = bound_pipeline(), bound_pipeline()
    edits.bind(by_cli, "shout.suffix", "greeting")
    node = by_panel.node("b")
    by_panel.update_node("b", **bind_changes(node, "suffix", "greeting"))
    assert fileformat.dumps(by_panel) == fileformat.dumps(by_cli)
    assert dict(by_panel.node("b").values) == {}
    edits.set_value(by_cli, "shout.msg", "typed")
    by_panel.update_node("b", **value_changes(by_panel.node("b"), "msg", "typed"))
    assert fileformat.dumps(by_panel) == fileformat.dumps(by_cli)
    assert dict(by_panel.node("b").bindings) == {"suffix": "greeting"}


def test_a_refused_wire_plans_nothing_and_changes_nothing() -> None:
    import pytest

    from graph_editor.errors import ConnectionRefused

    p = bound_pipeline()
    before = fileformat.dumps(p)
    with pytest.raises(ConnectionRefused):
        plan_rewire(p, [], [Edge("b", "a", "msg", "text")])  # no such output/input pair
    assert fileformat.dumps(p) == before
