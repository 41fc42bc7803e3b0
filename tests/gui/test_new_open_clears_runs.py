"""After New or Open, nothing of the previous pipeline's run stays on screen: the Run panel's
log and state, the red "failed" bars, the Failure panel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def _a_failed_run_on_screen(window, qtbot) -> None:
    from app.events import NodeEvent, NodeState
    from tests.gui.driving import click_node

    node = window.document.pipeline.node_by_name("train_mlp")
    window.run_dock.show()
    window.run_panel.started(len(window.document.pipeline))
    window.progress.setVisible(True)
    event = NodeEvent(
        node.id,
        node.name,
        NodeState.FAILED,
        detail="in cell 3: ValueError: bad labels",
        data={
            "error": {
                "type": "ValueError",
                "message": "bad labels",
                "cell": 3,
                "where": "in cell 3",
            }
        },
    )
    window.runs.event.emit(event)
    window.run_panel.finished("Run failed")
    click_node(window, "train_mlp", double=True)
    qtbot.waitUntil(window.failure_panel.isVisible)
    assert "bad labels" in window.run_panel.log.toPlainText()
    assert window.progress.isVisible() and window.progress.property("failed")


def _nothing_of_that_run(window) -> None:
    panel = window.run_panel
    assert panel.log.toPlainText() == ""
    assert panel.state.text() == "Not run yet"
    assert not panel.progress.property("failed") and panel.progress.text() == ""
    assert not window.progress.isVisible() and not window.progress.property("failed")
    assert not window.failure_dock.isVisible()
    assert window.failure_panel.title.text() == "No failed node"
    assert window.failure_panel.traceback.toPlainText() == ""


def test_new_clears_the_previous_pipelines_run_panels_and_badge(window, qtbot):
    _a_failed_run_on_screen(window, qtbot)
    window.actions_by_name["new"].trigger()
    assert len(window.document.pipeline) == 0
    _nothing_of_that_run(window)


def test_open_clears_the_previous_pipelines_run_panels_and_badge(
    window, qtbot, example_copy: Path, tmp_path: Path
):
    other = tmp_path / "other"
    shutil.copytree(example_copy.parent, other)
    _a_failed_run_on_screen(window, qtbot)
    assert window.files.open_file(other / example_copy.name)
    _nothing_of_that_run(window)
    node = window.document.pipeline.node_by_name("train_mlp")
    assert window.canvas.run_state(node.id) is None
