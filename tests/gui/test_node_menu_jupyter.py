"""Right-click a node: "Open in JupyterLab" starts Jupyter on loopback in the notebook's folder
when one is installed, and is disabled with a tooltip saying how to get it otherwise.

JupyterLab is not installed on the test machines and a real one would open a browser, so the
installed case uses a stand-in ``jupyter-lab`` script on PATH that records how it was started.
"""

from __future__ import annotations

import os
import stat
import sys

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest

from tests.gui.driving import node_point

pytestmark = pytest.mark.qt


def _right_click(window, qtbot, name: str, pick: str, seen: dict) -> None:
    """Right-click a node; in its menu note every entry, then click ``pick`` (or close it)."""

    def in_menu() -> None:
        qtbot.waitUntil(
            lambda: isinstance(QtWidgets.QApplication.activePopupWidget(), QtWidgets.QMenu)
        )
        menu = QtWidgets.QApplication.activePopupWidget()
        actions = {a.text(): a for a in menu.actions() if a.text()}
        seen.update({t: (a.isEnabled(), a.toolTip()) for t, a in actions.items()})
        action = actions.get(pick)
        if action is not None and action.isEnabled():
            QTest.mouseClick(
                menu,
                QtCore.Qt.LeftButton,
                QtCore.Qt.NoModifier,
                menu.actionGeometry(action).center(),
            )
        else:
            menu.close()

    viewport = window.canvas.viewer().viewport()
    point = node_point(window, name)
    QTest.mousePress(viewport, QtCore.Qt.RightButton, QtCore.Qt.NoModifier, point)
    QTest.mouseRelease(viewport, QtCore.Qt.RightButton, QtCore.Qt.NoModifier, point)
    QtCore.QTimer.singleShot(0, in_menu)
    event = QtGui.QContextMenuEvent(
        QtGui.QContextMenuEvent.Mouse, point, viewport.mapToGlobal(point)
    )
    QtWidgets.QApplication.sendEvent(viewport, event)  # the menu runs until in_menu() is done


@pytest.fixture
def no_jupyter(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(sys, "executable", str(empty / "python3"))
    return empty


def test_without_jupyter_the_entry_is_disabled_and_says_how_to_get_it(window, qtbot, no_jupyter):
    seen: dict = {}
    _right_click(window, qtbot, "train_mlp", "Open in JupyterLab", seen)
    enabled, tip = seen["Open in JupyterLab"]
    assert not enabled and "pip install jupyterlab" in tip
    assert {"Reveal in File Manager", "Run From Here", "Run Only This"} <= set(seen)


def test_with_jupyter_lab_installed_the_notebook_opens_on_loopback_in_its_folder(
    window, qtbot, no_jupyter, example_copy
):
    record = no_jupyter / "started.txt"
    fake = no_jupyter / "jupyter-lab"
    fake.write_text(f'#!/bin/sh\necho "$PWD" > {record}\necho "$@" >> {record}\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    seen: dict = {}
    _right_click(window, qtbot, "train_mlp", "Open in JupyterLab", seen)
    assert seen["Open in JupyterLab"][0]
    qtbot.waitUntil(
        lambda: record.exists() and len(record.read_text().splitlines()) == 2, timeout=5000
    )
    folder, args = record.read_text().splitlines()
    assert os.path.samefile(folder, example_copy.parent)
    assert args.split() == [
        "--ip=127.0.0.1",
        f"--notebook-dir={example_copy.parent}",
        "train_mlp.ipynb",
    ]
    assert "JupyterLab" in window.statusBar().currentMessage()
