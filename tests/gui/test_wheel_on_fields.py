"""The mouse wheel over the Properties panel scrolls it; it edits a field only after the user
clicked into that field (a field focused earlier must not take notches as it scrolls past)."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtTest import QTest

from tests.gui.driving import click_node, field, wheel

pytestmark = pytest.mark.qt


def _short_panel(window, qtbot):
    click_node(window, "train_mlp")
    panel = window.properties.node_panel
    bar = panel.verticalScrollBar()
    window.resize(1400, 500)  # a short window: the panel must scroll
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    return panel, bar


def test_a_focused_spin_box_scrolled_under_the_mouse_takes_no_notches(window, qtbot):
    panel, bar = _short_panel(window, qtbot)
    node = window.document.pipeline.node_by_name("train_mlp")
    gpus = field(window, "gpus", QtWidgets.QSpinBox)
    panel.ensureWidgetVisible(gpus)
    QTest.mouseClick(gpus, QtCore.Qt.LeftButton)  # clicked into earlier...
    QtWidgets.QApplication.sendEvent(gpus, QtCore.QEvent(QtCore.QEvent.Leave))  # ...then left
    assert gpus.hasFocus()
    value = gpus.value()
    bar.setValue(0)
    for _ in range(3):  # the panel scrolls; GPUs passes under the mouse, still focused
        before = bar.value()
        wheel(gpus, -1)
        assert gpus.value() == value, "a focused spin box took a wheel notch while scrolling"
        if bar.value() == bar.maximum():
            break
        assert bar.value() > before
    window.commit_pending_edits()
    assert window.document.pipeline.node(node.id) == node
    assert not window.isWindowModified()


def test_a_spin_box_focused_by_tab_leaves_the_wheel_to_the_panel(window, qtbot):
    panel, bar = _short_panel(window, qtbot)
    retries = field(window, "retries", QtWidgets.QSpinBox)
    panel.ensureWidgetVisible(retries)
    retries.setFocus(QtCore.Qt.TabFocusReason)
    value, before = retries.value(), bar.value()
    wheel(retries, -1)
    assert retries.value() == value and bar.value() >= before


def test_the_wheel_edits_a_spin_box_the_user_clicked_into(window, qtbot):
    panel, _bar = _short_panel(window, qtbot)
    retries = field(window, "retries", QtWidgets.QSpinBox)
    panel.ensureWidgetVisible(retries)
    QTest.mouseClick(retries, QtCore.Qt.LeftButton, pos=QtCore.QPoint(8, retries.height() // 2))
    value = retries.value()
    wheel(retries, 1)
    assert retries.value() == value + 1
