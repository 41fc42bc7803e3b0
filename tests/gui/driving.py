"""Driving the real window the way a user does: mouse clicks, keys and wheel on actual widgets."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest


def node_point(window, name: str) -> QtCore.QPoint:
    """Where a node's body is on the canvas viewport (scrolled into view first).

    The middle, not the title: a double-click on the title edits the name.
    """
    node = window.document.pipeline.node_by_name(name)
    item = window.canvas.view_of(node.id).view
    viewer = window.canvas.viewer()
    rect = item.sceneBoundingRect()
    viewer.centerOn(rect.center())
    return viewer.mapFromScene(rect.center())


def click_node(window, name: str, double: bool = False) -> None:
    """Click (or double-click) a node on the canvas."""
    viewport = window.canvas.viewer().viewport()
    point = node_point(window, name)
    QTest.mouseClick(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, point)
    if double:
        QTest.mouseDClick(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, point)


def field(window, name: str, kind: type = QtWidgets.QWidget):
    """A Properties field by its object name (the label in lower case: 'kind', 'retries')."""
    found = window.properties.currentWidget().findChild(kind, name)
    assert found is not None, f"no field {name!r} in Properties"
    return found


def scroll_into_view(widget: QtWidgets.QWidget) -> None:
    area = widget.parent()
    while area is not None and not isinstance(area, QtWidgets.QScrollArea):
        area = area.parent()
    if area is not None:
        area.ensureWidgetVisible(widget)


def choose_in_combo(qtbot, combo: QtWidgets.QComboBox, text: str) -> None:
    """Open a combo with the mouse and click one of its items."""
    scroll_into_view(combo)
    QTest.mouseClick(combo, QtCore.Qt.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    # Qt ignores a release in a just-opened popup for one double-click interval (so the click
    # that opened it cannot pick an item); a person's second click comes later too.
    qtbot.wait(QtWidgets.QApplication.doubleClickInterval() + 50)
    row = combo.findText(text)
    assert row >= 0, f"{text!r} is not in the combo"
    rect = view.visualRect(view.model().index(row, 0))
    QTest.mouseClick(view.viewport(), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def type_into(widget: QtWidgets.QWidget, text: str) -> None:
    """Click into a field, select what is there and type ``text`` (without pressing Enter)."""
    scroll_into_view(widget)
    QTest.mouseClick(widget, QtCore.Qt.LeftButton)
    widget.setFocus()
    QTest.keyClick(widget, QtCore.Qt.Key_A, QtCore.Qt.ControlModifier)
    QTest.keyClicks(widget, text)


def key(window, key: QtCore.Qt.Key, modifiers=QtCore.Qt.NoModifier) -> None:
    """Press a key in whatever widget of the window has focus (shortcuts included)."""
    target = QtWidgets.QApplication.focusWidget() or window
    QTest.keyClick(target, key, modifiers)


def wheel(widget: QtWidgets.QWidget, notches: int = -1) -> None:
    """Turn the mouse wheel over ``widget`` (negative: scroll down), as a real mouse would."""
    pos = QtCore.QPointF(widget.rect().center())
    glob = QtCore.QPointF(widget.mapToGlobal(pos.toPoint()))
    event = QtGui.QWheelEvent(
        pos,
        glob,
        QtCore.QPoint(0, 0),
        QtCore.QPoint(0, 120 * notches),
        QtCore.Qt.NoButton,
        QtCore.Qt.NoModifier,
        QtCore.Qt.NoScrollPhase,
        False,
    )
    QtWidgets.QApplication.sendEvent(widget, event)


def activate(window, qtbot) -> None:
    """Make the window the active one, so its shortcuts fire."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window)


def click_button_of_modal(qtbot, text: str) -> None:
    """Click a button of the modal dialog that is open now (call it from a timer)."""
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeModalWidget() is not None)
    dialog = QtWidgets.QApplication.activeModalWidget()
    button = next(
        b
        for b in dialog.findChildren(QtWidgets.QAbstractButton)
        if b.text().replace("&", "") == text
    )
    QTest.mouseClick(button, QtCore.Qt.LeftButton)
