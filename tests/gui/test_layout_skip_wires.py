"""Auto Layout leaves no node on a wire that skips its column: the wire prepare_data ->
compare_models used to run behind train_mlp and seemed to leave from train_mlp's port."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.qt


def _pipe(win, src_id: str, dst_id: str):
    a, b = win.canvas.view_of(src_id).id, win.canvas.view_of(dst_id).id
    return next(
        p
        for p in win.canvas.viewer().all_pipes()
        if (p.output_port.node.id, p.input_port.node.id) == (a, b)
    )


def test_auto_layout_keeps_every_node_off_a_wire_that_passes_its_column(window):
    from graph_editor.nodes import Edge

    pipeline = window.document.pipeline
    prep = pipeline.node_by_name("prepare_data")
    compare = pipeline.node_by_name("compare_models")
    skip = Edge(prep.id, compare.id, "churn_rate", "min_accuracy")
    window.canvas.editing.request_rewire([], [skip])
    window.actions_by_name["layout"].trigger()
    pipe = _pipe(window, prep.id, compare.id)
    middle = [
        window.canvas.view_of(pipeline.node_by_name(n).id).view.sceneBoundingRect()
        for n in ("train_logreg", "train_mlp", "feature_stats")
    ]
    path = pipe.path()
    points = [path.pointAtPercent(i / 100) for i in range(5, 96)]
    behind = [p for p in points if any(r.contains(p) for r in middle)]
    assert behind == [], "the skip-level wire runs behind a node of the middle column"
    window.actions_by_name["undo"].trigger()  # the layout is one undo step
    assert pipeline.node(prep.id).position == prep.position
