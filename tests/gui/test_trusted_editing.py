"""Editing a node never loses work (issue #12: 1, 2, 4, 6), driven with mouse and keyboard."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtTest import QTest

from tests.gui.driving import (
    activate,
    choose_in_combo,
    click_button_of_modal,
    click_node,
    field,
    key,
    type_into,
    wheel,
)

pytestmark = pytest.mark.qt


def _wires(window) -> int:
    return len(window.canvas.viewer().all_pipes())


def test_choosing_a_kind_with_the_mouse_keeps_wires_undo_and_save(window, qtbot, example_copy):
    from graph_editor import fileformat
    from graph_editor.nodes import NodeKind

    original = example_copy.read_bytes()
    wires = _wires(window)
    click_node(window, "train_mlp")
    node = window.document.pipeline.node_by_name("train_mlp")
    assert window.properties.node_panel.node_id == node.id
    choose_in_combo(qtbot, field(window, "kind", QtWidgets.QComboBox), "RAPIDS")

    changed = window.document.pipeline.node(node.id)
    assert type(changed.kind) is NodeKind and changed.kind == NodeKind.RAPIDS
    assert _wires(window) == wires  # the node's wires are still drawn
    activate(window, qtbot)
    key(window, QtCore.Qt.Key_S, QtCore.Qt.ControlModifier)
    assert not window.isWindowModified()
    assert fileformat.load(example_copy).node(node.id).kind == NodeKind.RAPIDS

    key(window, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert window.document.pipeline.node(node.id) == node
    assert _wires(window) == wires
    key(window, QtCore.Qt.Key_S, QtCore.Qt.ControlModifier)
    assert example_copy.read_bytes() == original


def test_the_model_refuses_a_plain_string_where_a_kind_belongs():
    from graph_editor.errors import ModelError
    from graph_editor.nodes import Node
    from graph_editor.pipeline import Pipeline

    pipeline = Pipeline()
    pipeline.add_node(Node("n1", "prep"))
    with pytest.raises(ModelError, match="kind must be a NodeKind"):
        pipeline.update_node("n1", kind="rapids")
    with pytest.raises(ModelError, match="kind must be a NodeKind"):
        pipeline.replace_node(Node("n1", "prep", kind="rapids"))  # type: ignore[arg-type]
    assert type(pipeline.node("n1").kind).__name__ == "NodeKind"


def test_quit_then_save_that_fails_keeps_the_window_and_the_work(window, qtbot):
    from PySide6 import QtWidgets as W

    click_node(window, "train_mlp")
    type_into(field(window, "description", W.QLineEdit), "kept")
    key(window, QtCore.Qt.Key_Return)
    assert window.isWindowModified()
    folder = window.document.path.parent  # the folder is gone (a removed USB stick, say)...
    shutil.rmtree(folder)
    folder.write_text("not a folder any more\n")  # ...and a file took its name: no save works
    QtCore.QTimer.singleShot(0, lambda: click_button_of_modal(qtbot, "Save"))
    window.actions_by_name["close"].trigger()  # File > Quit, then Save in the prompt
    assert window.isVisible() and window.isWindowModified()
    assert "Save" in window.statusBar().currentMessage()
    dialog = window.findChild(W.QMessageBox, "errorDialog")
    assert dialog is not None and dialog.isVisible()


def test_ctrl_z_on_the_canvas_undoes_the_last_edit_without_shortcut_clashes(window, qtbot, capfd):
    click_node(window, "train_mlp")
    node = window.document.pipeline.node_by_name("train_mlp")
    retries = field(window, "retries", QtWidgets.QSpinBox)
    type_into(retries, "3")
    key(window, QtCore.Qt.Key_Return)
    assert window.document.pipeline.node(node.id).retries == 3
    click_node(window, "train_mlp")  # focus back on the canvas (rebuilds nothing)
    window.canvas.viewer().setFocus()
    activate(window, qtbot)
    key(window, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert window.document.pipeline.node(node.id).retries is None
    assert "Ambiguous shortcut" not in capfd.readouterr().err
    menu = window.canvas.viewer().context_menus()["graph"]
    assert not [a.text() for a in menu.actions() if "Undo" in a.text() or "Redo" in a.text()]
    assert window.canvas.graph.undo_stack().count() == 0  # NodeGraphQt's own stack keeps nothing


def test_undo_follows_the_document_after_new_and_open(window, qtbot, example_copy: Path):
    from graph_editor.nodes import NodeKind

    first = window.document
    window.canvas.editing.add_blank_node(NodeKind.RAPIDS, (0.0, 700.0))
    first.undo_stack.setClean()  # no save prompt
    window.actions_by_name["new"].trigger()
    assert window.document is not first
    assert not window.actions_by_name["undo"].isEnabled()
    window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, 0.0))
    assert window.actions_by_name["undo"].isEnabled()
    window.actions_by_name["undo"].trigger()
    assert len(window.document.pipeline) == 0
    assert len(first.pipeline) == 6  # the first document was not touched
    window.document.undo_stack.setClean()
    assert window.files.open_file(example_copy)
    assert not window.actions_by_name["undo"].isEnabled()


def test_properties_forget_a_node_that_undo_removed(window, qtbot):
    from graph_editor.nodes import NodeKind

    added = window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, 700.0))
    assert window.properties.node_panel.node_id == added.id
    activate(window, qtbot)
    window.canvas.viewer().setFocus()
    key(window, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert not window.document.pipeline.has_node(added.id)
    assert window.properties.currentWidget() is window.properties.pipeline_panel


def test_half_typed_description_goes_to_the_node_it_was_typed_for(window, qtbot):
    click_node(window, "train_mlp")
    node = window.document.pipeline.node_by_name("train_mlp")
    type_into(field(window, "description", QtWidgets.QLineEdit), "my notes")
    activate(window, qtbot)
    key(window, QtCore.Qt.Key_D, QtCore.Qt.ControlModifier)  # duplicate, text not committed
    # The text was committed to train_mlp before the command ran, then train_mlp was copied.
    pipeline = window.document.pipeline
    copy = next(n for n in pipeline.nodes if n.name.startswith("train_mlp_"))
    assert pipeline.node(node.id).description == "my notes"
    assert window.properties.node_panel.node_id == copy.id
    description = field(window, "description", QtWidgets.QLineEdit)
    type_into(description, "the copy's notes")
    click_node(window, "train_logreg")  # selection moves on before Enter
    assert pipeline.node(copy.id).description == "the copy's notes"
    assert pipeline.node(node.id).description == "my notes"
    assert description.text() == pipeline.node_by_name("train_logreg").description


def test_wheel_over_properties_scrolls_instead_of_editing(window, qtbot):
    click_node(window, "train_mlp")
    node = window.document.pipeline.node_by_name("train_mlp")
    panel = window.properties.node_panel
    bar = panel.verticalScrollBar()
    window.resize(1400, 500)  # a short window: the panel must scroll
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(0)
    for name, kind in (("kind", QtWidgets.QComboBox), ("retries", QtWidgets.QSpinBox)):
        widget = field(window, name, kind)
        panel.ensureWidgetVisible(widget)
        before = bar.value()
        wheel(widget, -1)
        assert bar.value() > before, f"wheel over {name} did not scroll the panel"
    gpus = field(window, "gpus", QtWidgets.QSpinBox)
    panel.ensureWidgetVisible(gpus)
    wheel(gpus, 1)
    assert window.document.pipeline.node(node.id) == node  # nothing was edited
    assert not window.isWindowModified()


def test_f2_renames_and_ctrl_f_finds_a_node(window, qtbot):
    click_node(window, "train_mlp")
    node = window.document.pipeline.node_by_name("train_mlp")
    activate(window, qtbot)
    window.canvas.viewer().setFocus()
    key(window, QtCore.Qt.Key_F2)
    dialog = window.findChild(QtWidgets.QInputDialog, "renameDialog")
    qtbot.waitUntil(dialog.isVisible)
    edit = dialog.findChild(QtWidgets.QLineEdit)
    edit.selectAll()
    QTest.keyClicks(edit, "train_net")
    QTest.keyClick(edit, QtCore.Qt.Key_Return)
    assert window.document.pipeline.node(node.id).name == "train_net"
    assert window.canvas.view_of(node.id).name() == "train_net"

    window.canvas.clear_selection()
    activate(window, qtbot)
    key(window, QtCore.Qt.Key_F, QtCore.Qt.ControlModifier)
    finder = window.findChild(QtWidgets.QInputDialog, "findDialog")
    qtbot.waitUntil(finder.isVisible)
    combo = finder.findChild(QtWidgets.QComboBox)
    combo.lineEdit().selectAll()
    QTest.keyClicks(combo.lineEdit(), "compare")
    click_button_of_modal(qtbot, "OK")
    target = window.document.pipeline.node_by_name("compare_models")
    assert window.canvas.selected_ids() == [target.id]
