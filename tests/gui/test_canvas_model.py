"""The canvas is a view of the models, without a main window (napari style).

Change the pipeline (or the run session), look at the canvas items; gesture on the canvas's
real viewer signals, look at the pipeline.
"""

from __future__ import annotations

import pytest

from graph_editor.nodes import Edge, Node, NodeKind, Port
from graph_editor.pipeline import Pipeline
from graph_editor.run_session import OutputResult, RunKind, RunRecord
from graph_editor.run_state import NodeState
from graph_editor.types import PortType

pytestmark = [pytest.mark.qt]

WIRE = Edge("a", "b", "table", "table")


@pytest.fixture
def scene(qtbot):
    """A pipeline a -> b (not yet wired), its undo stack and a canvas showing them."""
    from graph_editor.qt.canvas import PipelineCanvas
    from graph_editor.qt.commands import EditStack

    pipeline = Pipeline()
    pipeline.add_node(Node("a", "load", outputs=(Port("table", PortType.DATAFRAME),)))
    pipeline.add_node(
        Node(
            "b",
            "train",
            inputs=(Port("table", PortType.DATAFRAME), Port("epochs", PortType.INT)),
            position=(300.0, 0.0),
        )
    )
    stack = EditStack()
    canvas = PipelineCanvas(pipeline, stack)
    qtbot.addWidget(canvas.widget)
    return pipeline, stack, canvas


def _pipes(canvas) -> int:
    return len(canvas.viewer().all_pipes())


def test_nodes_added_renamed_wired_and_removed_on_the_model_show_on_the_canvas(scene) -> None:
    from graph_editor.qt.commands import (
        AddNodesCommand,
        RemoveNodesCommand,
        RewireCommand,
        UpdateNodeCommand,
    )

    pipeline, stack, canvas = scene
    stack.push(AddNodesCommand(pipeline, [Node("c", "report", position=(600.0, 0.0))]))
    assert canvas.view_of("c").name() == "report" and len(canvas.all_nodes()) == 3
    stack.push(UpdateNodeCommand(pipeline, "a", {"name": "load_customers"}))
    assert canvas.view_of("a").name() == "load_customers"
    stack.push(RewireCommand(pipeline, [], [WIRE]))
    assert _pipes(canvas) == 1
    ports = canvas.view_of("a").outputs()["table"].connected_ports()
    assert [p.node().sid for p in ports] == ["b"]
    stack.push(RemoveNodesCommand(pipeline, ["b"]))
    assert "b" not in {n.sid for n in canvas.all_nodes()} and _pipes(canvas) == 0
    stack.undo()  # the node comes back with its wire
    assert canvas.view_of("b").name() == "train" and _pipes(canvas) == 1
    for _ in range(3):
        stack.undo()
    assert canvas.view_of("a").name() == "load" and _pipes(canvas) == 0
    stack.undo()
    assert len(canvas.all_nodes()) == 2
    assert canvas.graph.undo_stack().count() == 0  # NodeGraphQt's own stack never keeps a step


def test_changing_a_kind_redraws_the_node_as_that_kind_with_its_wire(scene) -> None:
    from graph_editor.qt.commands import RewireCommand, UpdateNodeCommand
    from graph_editor.qt.node_items import NODE_CLASSES

    pipeline, stack, canvas = scene
    stack.push(RewireCommand(pipeline, [], [WIRE]))
    stack.push(UpdateNodeCommand(pipeline, "b", {"kind": NodeKind.RAPIDS}))
    assert type(canvas.view_of("b")) is NODE_CLASSES[NodeKind.RAPIDS] and _pipes(canvas) == 1
    stack.undo()
    assert type(canvas.view_of("b")) is NODE_CLASSES[NodeKind.NOTEBOOK] and _pipes(canvas) == 1


def test_undo_of_an_edit_puts_back_only_the_fields_it_changed(scene) -> None:
    from graph_editor.qt.commands import UpdateNodeCommand

    pipeline, stack, canvas = scene
    stack.push(UpdateNodeCommand(pipeline, "a", {"name": "load_customers"}))
    pipeline.update_node("a", description="written by a script meanwhile")  # not an undo step
    stack.undo()
    node = pipeline.node("a")
    assert node.name == "load" and node.description == "written by a script meanwhile"
    assert canvas.view_of("a").name() == "load"


def test_a_wire_dragged_on_the_canvas_becomes_one_undo_step_on_the_model(scene) -> None:
    pipeline, stack, canvas = scene
    out_item = canvas.view_of("a").outputs()["table"].view
    in_item = canvas.view_of("b").inputs()["table"].view
    canvas.viewer().connection_changed.emit([], [(out_item, in_item)])  # what a drop emits
    assert pipeline.edges == (WIRE,) and stack.count() == 1 and _pipes(canvas) == 1
    stack.undo()
    assert pipeline.edges == () and _pipes(canvas) == 0


def test_a_refused_wire_changes_nothing_and_says_why(scene, qtbot) -> None:
    pipeline, stack, canvas = scene
    announced: list[object] = []
    pipeline.changed.connect(announced.append)
    out_item = canvas.view_of("a").outputs()["table"].view
    in_item = canvas.view_of("b").inputs()["epochs"].view
    with qtbot.waitSignal(canvas.status_message) as said:
        canvas.viewer().connection_changed.emit([], [(out_item, in_item)])
    assert "type mismatch" in said.args[0]
    assert pipeline.edges == () and stack.count() == 0 and _pipes(canvas) == 0
    assert announced == []  # checked read-only: no add-then-roll-back


def test_a_node_dragged_and_renamed_on_the_canvas_changes_the_model(scene) -> None:
    pipeline, stack, canvas = scene
    item = canvas.view_of("a").view
    start = list(item.xy_pos)
    item.xy_pos = [120.0, 40.0]
    canvas.viewer().moved_nodes.emit({item: start})
    assert pipeline.node("a").position == (120.0, 40.0) and stack.count() == 1
    canvas.viewer().node_name_changed.emit(canvas.view_of("a").id, "load_all")
    assert pipeline.node("a").name == "load_all" and stack.count() == 2
    stack.undo()
    stack.undo()
    assert pipeline.node("a").position == (0.0, 0.0) and tuple(canvas.view_of("a").pos()) == (0, 0)


def test_run_results_show_on_the_node_its_ports_and_wires(scene) -> None:
    from graph_editor.qt.commands import RewireCommand

    pipeline, stack, canvas = scene
    stack.push(RewireCommand(pipeline, [], [WIRE]))
    session = canvas.session
    session.begin(RunRecord("r1", RunKind.DRY_RUN, "dry-run"))
    preview = "DataFrame 3 rows x 2 columns: id, spend (1.2 KB)"
    session.update(
        "a",
        state=NodeState.SUCCEEDED,
        outputs=(OutputResult("table", {"uri": "/x.parquet"}, preview),),
    )
    view = canvas.view_of("a")
    assert view.view.run_state == NodeState.SUCCEEDED and canvas.run_state("a") == "succeeded"
    assert "3 rows x 2 columns" in view.view.toolTip()
    assert "last run: DataFrame 3 rows" in view.outputs()["table"].view.toolTip()
    (pipe,) = canvas.viewer().all_pipes()
    assert pipe.toolTip() == f"table = {preview}"
    canvas.set_issue_counts({"a": (1, 0)})
    pipeline.update_node("a", kind=NodeKind.TENSORFLOW)  # a redrawn node keeps what it showed
    assert canvas.view_of("a").view.run_state == NodeState.SUCCEEDED
    assert canvas.issue_counts("a") == (1, 0)
    session.begin(RunRecord("r2", RunKind.DRY_RUN, "again"))
    assert canvas.view_of("a").view.run_state is None
    assert "last run" not in canvas.view_of("a").outputs()["table"].view.toolTip()


def test_a_wire_dropped_on_a_bound_input_drops_the_binding_and_undo_puts_it_back(
    scene, qtbot
) -> None:
    """The same rule as ``stitchboard wire`` (graph_editor.wiring): the wire feeds the input."""
    from graph_editor.validation import validate

    pipeline, stack, canvas = scene
    pipeline.update_node("b", values={"table": "t.parquet"}, bindings={"epochs": "n"})
    pipeline.add_node(Node("c", "count", outputs=(Port("n", PortType.INT),), position=(0, 200)))
    out_item = canvas.view_of("c").outputs()["n"].view
    in_item = canvas.view_of("b").inputs()["epochs"].view
    with qtbot.waitSignal(canvas.status_message) as said:
        canvas.viewer().connection_changed.emit([], [(out_item, in_item)])
    assert said.args[0] == "Connected (train.epochs: its parameter binding dropped)"
    node = pipeline.node("b")
    assert dict(node.bindings) == {} and dict(node.values) == {"table": "t.parquet"}
    assert "double-input" not in {i.code for i in validate(pipeline)}
    assert stack.count() == 1 and _pipes(canvas) == 1
    stack.undo()
    assert dict(pipeline.node("b").bindings) == {"epochs": "n"} and pipeline.edges == ()
