"""The failing cell has one number in the whole window: the one the runner's typed failure
carries (the Failure panel's title and traceback, the Run panel's log, the status bar)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def _executed_notebook(folder: Path) -> Path:
    """An executed notebook as papermill writes it after an artifact input: the user's
    parameters cell, the injected parameters, the injected load cell, then the user's cell 3
    raising (the kernel's 4th execution: IPython heads its frame ``Cell In[4]``)."""
    trace = [
        "\x1b[0;31mValueError\x1b[0m  Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[4], line 2\x1b[0m",
        "      1 print('fitting')",
        "----> 2 raise ValueError('labels must be 0 or 1')",
        "ValueError: labels must be 0 or 1",
    ]

    def code(n, src, tags=(), outputs=()):
        return {
            "cell_type": "code",
            "execution_count": n,
            "metadata": {"tags": list(tags)},
            "outputs": list(outputs),
            "source": src,
        }

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Train"},
        code(1, "epochs: int = 3", ["parameters"]),
        code(2, "epochs = 5", ["injected-parameters"]),
        code(3, "train = load('train')", ["stitchboard-load"]),
        code(
            4,
            "print('fitting')\nraise ValueError('labels must be 0 or 1')\n",
            (),
            [
                {
                    "output_type": "error",
                    "ename": "ValueError",
                    "evalue": "labels must be 0 or 1",
                    "traceback": trace,
                }
            ],
        ),
    ]
    path = folder / "train_mlp.executed.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
        encoding="utf-8",
    )
    return path


def test_the_failing_cell_number_is_the_runners_in_every_panel(window, qtbot, tmp_path):
    from app.events import NodeEvent, NodeState
    from app.runner.failure import NodeFailure
    from tests.gui.driving import click_node

    node = window.document.pipeline.node_by_name("train_mlp")
    notebook = _executed_notebook(tmp_path)
    error = {
        "type": "ValueError",
        "message": "labels must be 0 or 1",
        "cell": 3,
        "where": "in cell 3",
        "notebook": str(notebook),
    }
    # The runner's typed failure, as its event carries it (its traceback already says the
    # user's cell: tests/app/runner/test_cli.py proves that on a real kernel).
    error["traceback"] = "ValueError  Traceback\nCell 3, line 2\n----> 2 raise ValueError(...)"
    error["cell_source"] = "print('fitting')\nraise ValueError('labels must be 0 or 1')\n"
    event = NodeEvent(
        node.id,
        node.name,
        NodeState.FAILED,
        detail="in cell 3: ValueError: labels must be 0 or 1",
        data={"notebook": str(notebook), "error": error},
        failure=NodeFailure.from_json(error),
    )
    window.runs.event.emit(event)
    assert "in cell 3" in window.statusBar().currentMessage()
    assert "[train_mlp] failed — in cell 3" in window.run_panel.log.toPlainText()

    click_node(window, "train_mlp", double=True)
    panel = window.failure_panel
    qtbot.waitUntil(panel.isVisible)
    assert panel.title.text() == "train_mlp failed in cell 3: ValueError: labels must be 0 or 1"
    trace = panel.traceback.toPlainText()
    assert "Cell 3, line 2" in trace and "In[4]" not in trace
    assert panel.cell.toPlainText().startswith("print('fitting')")
