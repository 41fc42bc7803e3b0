"""Ports, search, fit and toolbar behave as a user expects (issue #12: 7 and 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtTest import QTest

from tests.gui.driving import activate, click_node, field, key, type_into

pytestmark = pytest.mark.qt


def _drop_parameter(notebook: Path, name: str) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    lines = "".join(cell["source"]).splitlines(keepends=True)
    cell["source"] = [line for line in lines if not line.startswith(f"{name}:")]
    notebook.write_text(json.dumps(nb), encoding="utf-8")


def test_a_port_gone_from_the_notebook_is_drawn_broken_after_refresh_ports(
    window, qtbot, example_copy: Path
):
    from graph_editor.qt.style import BROKEN_COLOR

    window.watcher.fs.removePaths(window.watcher.fs.files())  # the menu action, not the watcher
    _drop_parameter(example_copy.parent / "train_logreg.ipynb", "train")
    node = window.document.pipeline.node_by_name("train_logreg")
    port = window.canvas.view_of(node.id).inputs()["train"].view
    assert not port.broken  # still declared: the view has not re-read the notebook

    click_node(window, "train_logreg")
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    refresh = next(a for a in edit_menu.actions() if a.text() == "Refresh &Ports")
    refresh.trigger()

    port = window.canvas.view_of(node.id).inputs()["train"].view
    assert port.broken
    assert "no longer in the notebook" in port.toolTip()
    pipe = next(p for p in port.connected_pipes)
    assert pipe.pen().style() == QtCore.Qt.DashLine
    assert pipe.pen().color().getRgb()[:3] == BROKEN_COLOR
    assert "refresh ports" in window.document.undo_stack.undoText()
    assert any(e.target_port == "train" for e in window.document.pipeline.edges_into(node.id))


def test_typing_a_notebook_into_source_loads_its_ports(window, qtbot):
    from graph_editor.nodes import NodeKind

    added = window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, 700.0))
    type_into(field(window, "source", QtWidgets.QLineEdit), "train_logreg.ipynb")
    key(window, QtCore.Qt.Key_Return)
    node = window.document.pipeline.node(added.id)
    assert node.source == "train_logreg.ipynb"
    assert {"train", "test", "epochs"} <= {p.name for p in node.inputs}
    assert "accuracy" in window.canvas.view_of(added.id).outputs()


def test_node_menu_offers_refresh_ports_rename_and_runs(window):
    menu = window.canvas.get_context_menu("nodes")
    node = window.document.pipeline.node_by_name("train_mlp")
    node_menu = menu.qmenu.get_menu(window.canvas.view_of(node.id).type_)
    texts = {a.text() for a in node_menu.actions()}
    assert {"Refresh Ports", "Rename…", "Delete", "Run From Here", "Run Only This"} <= texts


def _in_search(qtbot, window, typed: str, seen: dict) -> None:
    widget = window.canvas.viewer()._search_widget
    qtbot.waitUntil(widget.isVisible)
    seen["offered"] = {a.text() for a in widget.actions() if a.isVisible() and a.text()}
    seen["submenus"] = [a.text() for a in widget.actions() if a.menu() and a.isVisible()]
    QTest.keyClicks(widget.line_edit, typed)
    seen["filtered"] = {a.text() for a in widget.actions() if a.isVisible() and a.text()}
    QTest.keyClick(widget.line_edit, QtCore.Qt.Key_Return)


def test_tab_search_offers_only_stitchboard_kinds_by_their_names(window, qtbot):
    from graph_editor.nodes import NodeKind

    seen: dict = {}
    before = len(window.document.pipeline)
    window.canvas.viewer().setFocus()
    activate(window, qtbot)
    QtCore.QTimer.singleShot(0, lambda: _in_search(qtbot, window, "rap", seen))
    key(window, QtCore.Qt.Key_Tab)
    assert seen["offered"] == {"Notebook", "TensorFlow", "RAPIDS", "Spark"}
    assert seen["submenus"] == []
    assert seen["filtered"] == {"RAPIDS"}
    assert len(window.document.pipeline) == before + 1
    assert window.document.pipeline.nodes[-1].kind == NodeKind.RAPIDS


def test_zoom_to_fit_keeps_a_margin_around_a_two_node_graph(window, qtbot):
    from graph_editor.nodes import NodeKind

    window.actions_by_name["new"].trigger()
    a = window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, 0.0))
    b = window.canvas.editing.add_blank_node(NodeKind.RAPIDS, (330.0, 10.0))
    window.resize(1400, 850)
    activate(window, qtbot)
    window.canvas.viewer().setFocus()
    key(window, QtCore.Qt.Key_F)
    viewer = window.canvas.viewer()
    room = viewer.viewport().rect().adjusted(20, 20, -20, -20)
    for node in (a, b):
        shown = viewer.mapFromScene(window.canvas.view_of(node.id).view.sceneBoundingRect())
        assert room.contains(shown.boundingRect()), (node.name, shown.boundingRect(), room)


def test_zoom_to_selection_zooms_in_on_the_selected_node_of_a_wide_graph(window, qtbot):
    """Shift+F after Zoom to Fit on a wide graph: the clicked node fills the view, readable."""
    from graph_editor.nodes import NodeKind

    window.actions_by_name["new"].trigger()
    ids = [
        window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (x * 400.0, 0.0)).id
        for x in range(12)
    ]
    window.resize(1400, 850)
    activate(window, qtbot)
    viewer = window.canvas.viewer()
    viewer.setFocus()
    key(window, QtCore.Qt.Key_F)
    fitted = viewer.transform().m11()
    assert fitted < 0.5  # twelve nodes side by side: zoomed well out
    window.canvas.select_ids([ids[5]])
    key(window, QtCore.Qt.Key_F, QtCore.Qt.ShiftModifier)
    assert viewer.transform().m11() > 2 * fitted  # zoomed in (at most 100 %)
    shown = viewer.mapFromScene(window.canvas.view_of(ids[5]).view.sceneBoundingRect())
    centre = viewer.viewport().rect().center()
    assert shown.boundingRect().contains(centre)  # the node is in the middle of the view
    assert viewer.viewport().rect().contains(shown.boundingRect())


def test_a_narrow_window_keeps_export_and_deploy_in_the_toolbar_overflow(window, qtbot):
    toolbar = window.findChild(QtWidgets.QToolBar, "MainToolBar")
    window.resize(900, 800)
    button = toolbar.findChild(QtWidgets.QToolButton, "qt_toolbar_ext_button")
    qtbot.waitUntil(button.isVisible)
    QTest.mouseClick(button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QtWidgets.QApplication.activePopupWidget(), QtWidgets.QMenu))
    menu = QtWidgets.QApplication.activePopupWidget()
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert "Export Preview…" in texts and "Deploy…" in texts
    menu.close()
