"""Properties, validation badges, the problems panel, and notebooks changing on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def _select(window, name: str):
    node = window.document.pipeline.node_by_name(name)
    window.canvas.select_ids([node.id])
    return node


def test_property_edits_are_undoable_and_show_on_the_canvas(window):
    node = _select(window, "train_mlp")
    panel = window.properties.node_panel
    assert window.properties.currentWidget() is panel
    panel.name_edit.setText("train_net")
    panel.name_edit.editingFinished.emit()
    assert window.document.pipeline.node(node.id).name == "train_net"
    assert window.canvas.view_of(node.id).name() == "train_net"
    image = panel.findChild(type(panel.name_edit), "image")
    image.setText("tensorflow/tensorflow:2.17.0-gpu")
    image.editingFinished.emit()
    assert window.document.pipeline.node(node.id).image == "tensorflow/tensorflow:2.17.0-gpu"
    window.actions_by_name["undo"].trigger()
    window.actions_by_name["undo"].trigger()
    assert window.document.pipeline.node(node.id) == node
    assert panel.name_edit.text() == "train_mlp" and image.text() == node.image


def test_typed_input_values_refuse_bad_text(window):
    node = _select(window, "train_logreg")
    editor = window.properties.node_panel.inputs.editors["epochs"]
    editor.setText("many")
    editor.editingFinished.emit()
    assert "expected an int" in window.statusBar().currentMessage()
    assert "epochs" not in window.document.pipeline.node(node.id).values
    editor.setText("12")
    editor.editingFinished.emit()
    assert window.document.pipeline.node(node.id).values["epochs"] == 12
    assert "train" not in window.properties.node_panel.inputs.editors  # wired: read-only


def test_env_secrets_and_pipeline_parameters(window):
    from graph_editor.nodes import SecretSource

    node = _select(window, "compare_models")
    panel = window.properties.node_panel
    panel.env.add_row(["MODE", "fast"])
    panel.secrets.add_row(["DB_PASSWORD", "kubernetes", "db-creds", "password"])
    edited = window.document.pipeline.node(node.id)
    assert edited.env == {"MODE": "fast"}
    assert (
        edited.secrets[0].source == SecretSource.KUBERNETES and edited.secrets[0].name == "db-creds"
    )
    window.canvas.select_ids([])
    assert window.properties.currentWidget() is window.properties.pipeline_panel
    window.properties.pipeline_panel.params.add_row(["threshold", "float", "0.5", "cut-off"])
    param = window.document.pipeline.settings.parameter("threshold")
    assert param is not None and param.default == 0.5
    window.actions_by_name["undo"].trigger()
    assert window.document.pipeline.settings.parameter("threshold") is None


def test_validation_badges_and_problem_click_selects_the_node(window, qtbot):
    node = _select(window, "train_logreg")
    panel = window.properties.node_panel
    panel.res_form.layout.parentWidget().findChild(type(panel.name_edit), "cpu").setText("lots")
    panel.res_form.layout.parentWidget().findChild(
        type(panel.name_edit), "cpu"
    ).editingFinished.emit()
    qtbot.waitUntil(lambda: window.canvas.issue_counts(node.id)[0] >= 1, timeout=5000)
    assert window.issues.topLevelItemCount() >= 1
    window.canvas.select_ids([])
    item = next(
        window.issues.topLevelItem(i)
        for i in range(window.issues.topLevelItemCount())
        if "lots" in window.issues.topLevelItem(i).text(2)
    )
    window.issues.itemClicked.emit(item, 2)
    assert window.canvas.selected_ids() == [node.id]
    window.actions_by_name["undo"].trigger()
    qtbot.waitUntil(lambda: window.canvas.issue_counts(node.id) == (0, 0), timeout=5000)


def test_notebook_changed_on_disk_refreshes_ports_and_flags_broken_wires(
    window, qtbot, example_copy: Path
):
    node = window.document.pipeline.node_by_name("train_logreg")
    path = example_copy.parent / "train_logreg.ipynb"
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            text = "".join(cell["source"])
            cell["source"] = text.replace("epochs", "n_epochs").replace("test:", "holdout:")
    path.write_text(json.dumps(nb))
    window.watcher.on_file_changed(str(path))  # what QFileSystemWatcher calls
    view = window.canvas.view_of(node.id)
    assert "n_epochs" in view.inputs()
    qtbot.waitUntil(lambda: window.canvas.issue_counts(node.id)[0] >= 1, timeout=5000)
    assert "refreshed" in window.statusBar().currentMessage()
    window.actions_by_name["undo"].trigger()
    assert "n_epochs" not in window.canvas.view_of(node.id).inputs()
