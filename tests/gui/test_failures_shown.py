"""Failures are never silent (issue #12: 3, 5 and F5 without a document), with real kernels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from tests.gui.driving import activate, click_node, key

pytestmark = pytest.mark.qt


def _break_the_folder(window) -> Path:
    """The pipeline's folder disappears and a file takes its name: nothing can be written there."""
    folder = window.document.path.parent
    shutil.rmtree(folder)
    folder.write_text("not a folder any more\n")
    return folder


def test_a_failed_save_shows_a_dialog_a_status_line_and_goes_to_the_log(window, qtbot):
    from app.gui.guard import log_file

    window.canvas.editing.add_blank_node(
        __import__("graph_editor.nodes").nodes.NodeKind.RAPIDS, (0, 700)
    )
    _break_the_folder(window)
    activate(window, qtbot)
    key(window, QtCore.Qt.Key_S, QtCore.Qt.ControlModifier)
    message = window.statusBar().currentMessage()
    assert message.startswith("Save to") and "failed" in message
    dialog = window.findChild(QtWidgets.QMessageBox, "errorDialog")
    assert dialog is not None and dialog.isVisible() and "failed" in dialog.text()
    assert window.isVisible() and window.isWindowModified()
    logged = log_file().read_text(encoding="utf-8")
    assert "Save to" in logged and "Traceback" in logged


def test_a_run_that_cannot_start_never_stays_running(window, qtbot):
    pytest.importorskip("app.runner")
    _break_the_folder(window)  # no run folder can be made next to the pipeline
    window.actions_by_name["run"].trigger()
    qtbot.waitUntil(lambda: not window.runs.running, timeout=60000)
    assert not window.run_panel.state.text().startswith("Running")
    assert not window.run_panel.cancel.isEnabled()
    assert window.actions_by_name["run"].isEnabled()
    assert not window.actions_by_name["stop"].isEnabled()
    assert window.statusBar().currentMessage()


def test_f5_on_the_start_page_asks_for_a_pipeline_and_writes_nothing(
    qtbot, tmp_path: Path, monkeypatch
):
    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    application()
    monkeypatch.chdir(tmp_path)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.start.on_start_page
    activate(win, qtbot)
    key(win, QtCore.Qt.Key_F5)
    assert win.statusBar().currentMessage() == "Open or create a pipeline first"
    assert not win.runs.running
    assert list(tmp_path.iterdir()) == []  # no pipeline.runs/ in the current folder


def _make_a_cell_fail(notebook: Path) -> tuple[str, int]:
    """Make the first untagged code cell raise; returns its source and its number as the user
    counts cells in their notebook (1-based, every cell)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    index = next(
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and not c["metadata"].get("tags")
    )
    failing = 'print("fitting the model now")\nraise ValueError("labels must be 0 or 1")\n'
    nb["cells"][index]["source"] = failing
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    return failing, index + 1


@pytest.mark.slow
def test_a_failed_node_opens_its_error_traceback_and_cell_in_the_window(
    window, qtbot, example_copy: Path, monkeypatch
):
    pytest.importorskip("app.runner")
    from PySide6 import QtGui

    failing, cell = _make_a_cell_fail(example_copy.parent / "train_logreg.ipynb")
    opened: list[object] = []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", staticmethod(opened.append))
    node = window.document.pipeline.node_by_name("train_logreg")
    with qtbot.waitSignal(window.runs.finished, timeout=300000):
        window.actions_by_name["run"].trigger()
    assert window.canvas.run_state(node.id) == "failed"

    bar = window.run_panel.progress
    assert "failed" in bar.text()
    image = bar.grab().toImage()
    chunk = image.pixelColor(4, image.height() // 2)
    assert chunk.red() > 150 and chunk.blue() < 120, chunk.name()  # red, not the usual blue

    click_node(window, "train_logreg", double=True)
    panel = window.failure_panel
    qtbot.waitUntil(panel.isVisible)
    assert not opened  # nothing was handed to xdg-open
    assert (
        f"in cell {cell}: ValueError: labels must be 0 or 1" in panel.title.text()
    )  # as the user counts
    assert panel.cell.toPlainText() == failing
    assert "labels must be 0 or 1" in panel.traceback.toPlainText()
    assert "\x1b[" not in panel.traceback.toPlainText()
    assert "fitting the model now" in panel.log.toPlainText()
    log = Path(window.run_session.node(node.id).log)  # the node's log file in the run folder
    assert "fitting the model now" in log.read_text(encoding="utf-8")


def test_an_edit_of_a_node_that_is_gone_says_so_and_leaves_no_undo_step(window):
    from graph_editor.qt.commands import UpdateNodeCommand

    pipeline = window.document.pipeline
    node = pipeline.node_by_name("feature_stats")
    pipeline.remove_node(node.id)  # gone (as after an undo) while a panel still held its id
    steps = window.document.undo_stack.count()
    window.push(UpdateNodeCommand(pipeline, node.id, {"description": "lost?"}))
    assert window.document.undo_stack.count() == steps
    assert "no node with id" in window.statusBar().currentMessage()


def test_an_exception_in_any_handler_reaches_the_status_bar_and_the_log(window):
    import sys

    from app.gui.guard import install_excepthook, log_file

    before = sys.excepthook
    install_excepthook(lambda: window)
    try:
        try:
            raise RuntimeError("the profiles file is locked")
        except RuntimeError as exc:  # what PySide6 hands to sys.excepthook from a slot
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = before
    assert "the profiles file is locked" in window.statusBar().currentMessage()
    assert "the profiles file is locked" in log_file().read_text(encoding="utf-8")
