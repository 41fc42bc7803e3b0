"""A script job's ports in Properties (the Ports table): added, retyped, refused, undone; the
canvas draws what the model has. The rule is ``graph_editor.port_edits``, as for the CLI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.qt


def _script(window):
    node = window.document.pipeline.node_by_name("feature_stats")  # a .py script job
    window.canvas.select_ids([node.id])
    panel = window.properties.node_panel
    assert panel.ports_box.isVisibleTo(panel)
    return node, panel.script_ports.table


def _cell(table, row: int, col: int, text: str) -> None:
    table.table.item(row, col).setText(text)  # what typing into the cell and Enter does


def test_an_input_added_in_the_ports_table_is_a_port_on_the_canvas_and_undo_removes_it(window):
    node, table = _script(window)
    table.add_row(["threshold", "in", "float"])
    pipeline = window.document.pipeline
    assert [(p.name, p.type.value) for p in pipeline.node(node.id).inputs] == [
        ("train", "dataframe"),
        ("threshold", "float"),
    ]
    assert "threshold" in window.canvas.view_of(node.id).inputs()
    row = [r[0] for r in table.rows()].index("threshold")
    _cell(table, row, 2, "int")  # retype
    assert pipeline.node(node.id).input("threshold").type.value == "int"
    window.actions_by_name["undo"].trigger()
    window.actions_by_name["undo"].trigger()
    assert pipeline.node(node.id).inputs == node.inputs
    assert "threshold" not in window.canvas.view_of(node.id).inputs()
    assert [r[0] for r in table.rows()] == ["train", "feature_stats", "backend"]


def test_a_wired_input_retyped_past_its_wire_is_refused_and_the_table_shows_the_node(window):
    node, table = _script(window)
    steps = window.document.undo_stack.count()
    _cell(table, 0, 2, "str")  # train is wired from a DataFrame output
    assert "feature_stats.train is wired from" in window.statusBar().currentMessage()
    assert "unwire it first" in window.statusBar().currentMessage()
    assert window.document.pipeline.node(node.id).inputs == node.inputs
    assert table.rows()[0] == ["train", "in", "dataframe"]
    assert window.document.undo_stack.count() == steps


def test_a_notebook_has_no_ports_table(window):
    node = window.document.pipeline.node_by_name("train_logreg")
    window.canvas.select_ids([node.id])
    panel = window.properties.node_panel
    assert not panel.ports_box.isVisibleTo(panel)
