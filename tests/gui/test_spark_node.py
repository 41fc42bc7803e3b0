"""A Spark node in the editor: from the palette, with its driver/executor settings panel."""

from __future__ import annotations

import pytest
from Qt import QtCore, QtWidgets

pytestmark = pytest.mark.qt


def _palette_item(window, kind: str):
    palette = window.palette
    return next(
        palette.item(i)
        for i in range(palette.count())
        if palette.item(i).data(QtCore.Qt.UserRole) == kind
    )


def test_the_palette_offers_spark_and_says_scala_notebooks_are_not_supported(window):
    item = _palette_item(window, "spark")
    assert item.text() == "Spark"
    tip = item.toolTip()
    assert "PySpark" in tip and "Scala notebooks are not supported" in tip and "almond" in tip


def test_spark_settings_are_edited_in_the_panel_and_undone(window):
    from graph_editor.nodes import NodeKind, SparkSettings

    window.palette.kind_activated.emit("spark")
    node = window.document.pipeline.node_by_name("spark")
    assert node is not None and node.kind == NodeKind.SPARK
    window.canvas.select_ids([node.id])
    panel = window.properties.node_panel
    assert not panel.spark_box.isHidden() and panel.dist_box.isHidden()
    executors = panel.findChild(QtWidgets.QSpinBox, "executors")
    executors.setValue(6)
    memory = panel.findChild(QtWidgets.QLineEdit, "executor_memory")
    memory.setText("4g")
    memory.editingFinished.emit()
    edited = window.document.pipeline.node(node.id).spark
    assert edited == SparkSettings(executors=6, executor_memory="4g")
    window.actions_by_name["undo"].trigger()
    window.actions_by_name["undo"].trigger()
    assert window.document.pipeline.node(node.id).spark == SparkSettings()
    assert executors.value() == 2 and memory.text() == "1g"
