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
    window.canvas.add_blank_node(
        __import__("graph_editor.nodes").nodes.NodeKind.RAPIDS, (5.0, 700.0)
    )
    assert window.isWindowModified()
    target = example_copy.parent / "edited.stitch"
    assert window._save_to(target)
    assert not window.isWindowModified() and window.windowTitle().startswith("edited.stitch")
    saved = target.read_bytes()
    fileformat.save(fileformat.load(target), target)  # the CLI's save of the same file
    assert target.read_bytes() == saved == fileformat.dumps(pipeline).encode()
    assert window.open_file(target)
    assert len(window.document.pipeline) == 6 and len(window.canvas.all_nodes()) == 6
    assert str(target.resolve()) in window.recent_files()


def test_unchanged_example_saves_byte_identical(window, example_copy: Path):
    original = example_copy.read_bytes()
    window.document.undo_stack.clear()
    assert window._save_to(example_copy)
    assert example_copy.read_bytes() == original


def test_broken_and_newer_files_show_an_error_and_lose_nothing(window, tmp_path: Path):
    window.canvas.add_blank_node(
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
        assert not window.open_file(path)
        assert words in window.last_error and str(path.name) in window.last_error
        assert window.document.pipeline.node_by_name("notebook") is not None


def test_recovery_after_a_crash(qtbot, example_copy: Path):
    from app.gui.document import Document, pending_recoveries
    from app.gui.main_window import MainWindow
    from graph_editor.nodes import NodeKind

    first = MainWindow(Document.open(example_copy))
    first.canvas.add_blank_node(NodeKind.TENSORFLOW, (0.0, 800.0))
    qtbot.waitUntil(lambda: bool(pending_recoveries()), timeout=10000)  # the autosave timer fired
    first._detach()
    first.deleteLater()  # "crash": no close, no save, recovery file left behind

    second = MainWindow()
    qtbot.addWidget(
        second,
        before_close_func=lambda w: (
            w.document.discard_recovery() or setattr(w.document, "restored", False)
        ),
    )
    assert second.offer_recovery(ask=False)
    restored = second.document.pipeline
    assert restored.node_by_name("tensorflow") is not None and len(restored) == 6
    assert second.document.path == example_copy.resolve() and second.isWindowModified()
    assert restored.source_path(restored.node_by_name("train_mlp")).exists()  # paths still resolve
    assert example_copy.read_text().count('"id"') == 5  # the file itself was never touched


def test_new_document_and_dirty_title(window):
    assert "[*]" in window.windowTitle()
    window.document.undo_stack.setClean()
    window.new_file()
    assert len(window.document.pipeline) == 0 and len(window.canvas.all_nodes()) == 0
    assert window.windowTitle().startswith("untitled.stitch")
