"""The start page (no file open): the example as a private copy, recent files, new; layout memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_DIR

pytestmark = [pytest.mark.qt]


def _make_window(qtbot, document=None):
    from PySide6 import QtWidgets

    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    application()
    win = MainWindow(document)

    def forget_changes(w) -> None:
        w.document.undo_stack.setClean()
        w.document.restored = False
        QtWidgets.QApplication.clipboard().clear()

    qtbot.addWidget(win, before_close_func=forget_changes)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def blank(qtbot):
    """The editor as ``stitchboard`` opens it with no file."""
    return _make_window(qtbot)


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}


def test_no_file_shows_the_start_page_and_new_shows_an_empty_canvas(blank, qtbot):
    assert blank.start.on_start_page
    note = blank.start.page.findChild(type(blank.start.page.no_recent), "portsNote").text()
    assert "parameters" in note and "outputs" in note and "STITCHBOARD_OUTPUTS" in note
    assert blank.start.page.no_recent.isVisible() and not blank.start.page.recent.isVisible()
    blank.start.page.new_button.click()
    assert not blank.start.on_start_page
    assert blank.canvas.widget.isVisible()
    assert len(blank.document.pipeline) == 0 and blank.document.path is None


def test_open_example_opens_a_fresh_copy_never_the_installed_files(
    blank, qtbot, _private_documents: Path
):
    installed = _snapshot(EXAMPLE_DIR)
    blank.start.page.example_button.click()
    opened = blank.document.path
    assert opened == (_private_documents / "Stitchboard" / "churn" / "churn.stitch").resolve()
    assert opened != EXAMPLE.resolve()
    assert not blank.start.on_start_page
    assert {n.name for n in blank.document.pipeline.nodes} >= {"prepare_data", "compare_models"}
    assert (opened.parent / "prepare_data.ipynb").exists() and (
        opened.parent / "feature_stats.py"
    ).exists()
    assert str(opened) in blank.files.recent_files()
    # a second time gives a second copy: the first one (maybe edited) is never overwritten
    blank.start.page.example_button.click()
    assert (
        blank.document.path
        == (_private_documents / "Stitchboard" / "churn-2" / "churn.stitch").resolve()
    )
    assert _snapshot(EXAMPLE_DIR) == installed


def test_copy_example_to_a_folder_the_user_picks(blank, qtbot, tmp_path: Path, monkeypatch):
    from PySide6 import QtWidgets

    picked = tmp_path / "my work"
    picked.mkdir()
    monkeypatch.setattr(QtWidgets.QFileDialog, "getExistingDirectory", lambda *a, **k: str(picked))
    blank.start.page.example_to_button.click()
    assert blank.document.path == (picked / "churn" / "churn.stitch").resolve()
    assert not blank.start.on_start_page


def test_recent_files_are_listed_and_open(qtbot, example_copy: Path):
    first = _make_window(qtbot)
    assert first.files.open_file(example_copy)
    first.close()
    win = _make_window(qtbot)
    assert win.start.on_start_page
    recent = win.start.page.recent
    assert recent.isVisible() and recent.count() == 1
    assert "churn.stitch" in recent.item(0).text()
    rect = recent.visualItemRect(recent.item(0))
    from PySide6 import QtCore

    qtbot.mouseClick(recent.viewport(), QtCore.Qt.LeftButton, pos=rect.center())
    assert win.document.path == example_copy.resolve()
    assert not win.start.on_start_page


def test_palette_double_click_leaves_the_start_page(blank):
    blank.tools.add_node_at_center("notebook")
    assert not blank.start.on_start_page and len(blank.document.pipeline) == 1


def test_window_layout_is_remembered(qtbot):
    from PySide6 import QtCore

    first = _make_window(qtbot)
    first.removeDockWidget(first.run_dock)
    first.addDockWidget(QtCore.Qt.RightDockWidgetArea, first.run_dock)
    first.run_dock.show()
    first.resize(1000, 700)
    first.close()
    second = _make_window(qtbot)
    assert second.dockWidgetArea(second.run_dock) == QtCore.Qt.RightDockWidgetArea
    assert second.dockWidgetArea(second.issues_dock) == QtCore.Qt.BottomDockWidgetArea
