"""Keeping work safe: save gives the CLI's bytes, reopen, broken files, crash recovery, title."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def test_save_writes_the_same_bytes_as_the_model_and_reopens(
    window, tmp_path: Path, example_copy: Path
):
    from graph_editor import fileformat

    pipeline = window.document.pipeline
    window.canvas.editing.add_blank_node(
        __import__("graph_editor.nodes").nodes.NodeKind.RAPIDS, (5.0, 700.0)
    )
    assert window.isWindowModified()
    target = example_copy.parent / "edited.stitch"
    assert window.files.save_to(target)
    assert not window.isWindowModified() and window.windowTitle().startswith("edited.stitch")
    saved = target.read_bytes()
    fileformat.save(fileformat.load(target), target)  # the CLI's save of the same file
    assert target.read_bytes() == saved == fileformat.dumps(pipeline).encode()
    assert window.files.open_file(target)
    assert len(window.document.pipeline) == 6 and len(window.canvas.all_nodes()) == 6
    assert str(target.resolve()) in window.files.recent_files()


def test_unchanged_example_saves_byte_identical(window, example_copy: Path):
    original = example_copy.read_bytes()
    window.document.undo_stack.clear()
    assert window.files.save_to(example_copy)
    assert example_copy.read_bytes() == original


def test_broken_and_newer_files_show_an_error_and_lose_nothing(window, tmp_path: Path):
    window.canvas.editing.add_blank_node(
        __import__("graph_editor.nodes").nodes.NodeKind.NOTEBOOK, (0.0, 700.0)
    )
    broken = tmp_path / "broken.stitch"
    broken.write_text(
        '{"format": "stitchboard.pipeline", "version": 1, "pipeline": {', encoding="utf-8"
    )
    newer = tmp_path / "newer.stitch"
    newer.write_text('{"format": "stitchboard.pipeline", "version": 99}', encoding="utf-8")
    window.document.undo_stack.setClean()  # no save prompt; the edit is still in the model
    for path, words in ((broken, "not valid JSON"), (newer, "newer Stitchboard")):
        assert not window.files.open_file(path)
        assert words in window.last_error and str(path.name) in window.last_error
        assert window.document.pipeline.node_by_name("notebook") is not None


def test_recovery_after_a_crash(qtbot, example_copy: Path):
    from app.gui.document import Document, pending_recoveries
    from app.gui.main_window import MainWindow
    from graph_editor.nodes import NodeKind

    first = MainWindow(Document.open(example_copy))
    first.canvas.editing.add_blank_node(NodeKind.TENSORFLOW, (0.0, 800.0))
    qtbot.waitUntil(lambda: first.document.recovery_file.exists(), timeout=10000)  # autosaved
    assert pending_recoveries() == []  # its window is still open: not offered to anyone
    first._detach()
    first.document.release_lock()  # "crash": the process's lock goes with it
    first.deleteLater()  # no close, no save, recovery file left behind

    second = MainWindow()
    qtbot.addWidget(
        second,
        before_close_func=lambda w: (
            w.document.discard_recovery() or setattr(w.document, "restored", False)
        ),
    )
    assert second.files.offer_recovery(ask=False)
    restored = second.document.pipeline
    assert restored.node_by_name("tensorflow") is not None and len(restored) == 6
    assert second.document.path == example_copy.resolve() and second.isWindowModified()
    assert restored.source_path(restored.node_by_name("train_mlp")).exists()  # paths still resolve
    assert example_copy.read_text().count('"id"') == 5  # the file itself was never touched


def _crashed_with_edit(qtbot, path: Path) -> None:
    """A window on ``path`` that autosaves an edit and then dies (no close, no save)."""
    from app.gui.document import Document
    from app.gui.main_window import MainWindow
    from graph_editor.nodes import NodeKind

    gone = MainWindow(Document.open(path))
    gone.canvas.editing.add_blank_node(NodeKind.TENSORFLOW, (0.0, 800.0))
    qtbot.waitUntil(lambda: gone.document.recovery_file.exists(), timeout=10000)
    gone._detach()
    gone.document.release_lock()
    gone.deleteLater()


def test_stitchboard_file_opens_that_file_when_another_ones_work_waits(
    qtbot, example_copy: Path, tmp_path: Path, monkeypatch
):
    """`stitchboard B` after a crash while editing A: B opens; A's changes wait for their turn."""
    import shutil

    from PySide6 import QtWidgets

    from app.gui.document import pending_recoveries
    from app.gui.launch import start
    from app.gui.main_window import MainWindow

    other = tmp_path / "other"
    shutil.copytree(example_copy.parent, other)
    b_file = other / example_copy.name
    _crashed_with_edit(qtbot, example_copy)
    asked: list[str] = []

    def answer(_parent, _title, text, *_rest):
        asked.append(text)
        return QtWidgets.QMessageBox.Yes

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", answer)
    second = MainWindow()
    qtbot.addWidget(second)
    start(second, str(b_file))
    assert second.document.path == b_file.resolve() and not second.isWindowModified()
    assert asked == []  # nothing about A was asked while opening B
    assert [r.original for r in pending_recoveries()] == [example_copy.resolve()]

    third = MainWindow()
    qtbot.addWidget(
        third,
        before_close_func=lambda w: (
            w.document.discard_recovery() or setattr(w.document, "restored", False)
        ),
    )
    start(third, None)  # a plain start offers A's changes
    assert len(asked) == 1 and example_copy.name in asked[0]
    assert third.document.path == example_copy.resolve()
    assert third.document.pipeline.node_by_name("tensorflow") is not None


def test_stitchboard_file_offers_that_files_own_unsaved_changes(
    qtbot, example_copy: Path, monkeypatch
):
    from PySide6 import QtWidgets

    from app.gui.document import pending_recoveries
    from app.gui.launch import start
    from app.gui.main_window import MainWindow

    _crashed_with_edit(qtbot, example_copy)
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *_a: QtWidgets.QMessageBox.No)
    window = MainWindow()
    qtbot.addWidget(window)
    start(window, str(example_copy))  # declined: the file opens as saved, its recovery goes
    assert window.document.path == example_copy.resolve()
    assert window.document.pipeline.node_by_name("tensorflow") is None
    assert pending_recoveries() == []


def test_a_second_instance_is_not_offered_a_live_windows_work(window, tmp_path: Path):
    """Another running Stitchboard (a real second process) does not see this window's autosave."""
    import os
    import subprocess
    import sys

    from graph_editor.nodes import NodeKind

    window.canvas.editing.add_blank_node(NodeKind.RAPIDS, (0.0, 900.0))
    assert window.document.autosave() is not None
    probe = "from app.gui.document import pending_recoveries as p; print(len(p()))"
    seen = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ, check=True
    )
    assert seen.stdout.strip() == "0"
    window.document.release_lock()  # as if this process had died
    seen = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ, check=True
    )
    assert seen.stdout.strip() == "1"
    window.document.discard_recovery()


def test_new_document_and_dirty_title(window):
    assert "[*]" in window.windowTitle()
    window.document.undo_stack.setClean()
    window.files.new_file()
    assert len(window.document.pipeline) == 0 and len(window.canvas.all_nodes()) == 0
    assert window.windowTitle().startswith("untitled.stitch")
