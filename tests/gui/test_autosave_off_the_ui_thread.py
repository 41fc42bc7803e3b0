"""Autosave takes a snapshot and writes it on another thread: a disk that does not answer
never holds the window (a 1000-node file stalled it 5-10 s; benchmarks/bench_autosave.py
measures the stall), and the recovery file written is the snapshot's."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.qt


def test_the_window_goes_on_while_a_slow_disk_writes_the_autosave(window, qtbot, monkeypatch):
    from app.gui import document as document_module
    from graph_editor import fileformat
    from graph_editor.nodes import NodeKind

    disk = threading.Event()  # the disk answers when the test says so
    writing = threading.Event()
    real_write = document_module._write_recovery

    def slow_write(target, text, meta):
        writing.set()
        assert disk.wait(30), "the disk was never released"
        real_write(target, text, meta)

    monkeypatch.setattr(document_module, "_write_recovery", slow_write)
    added = window.canvas.editing.add_blank_node(NodeKind.RAPIDS, (0.0, 900.0))
    window.autosave_timer.stop()
    recovery = window.autosave()  # what the timer calls: returns with the disk still busy
    assert recovery is not None and writing.wait(10)
    assert not recovery.with_suffix(".json").exists()
    window.actions_by_name["undo"].trigger()  # the window still edits meanwhile
    assert not window.document.pipeline.has_node(added.id)
    disk.set()
    window.document.flush_autosave()
    snapshot = fileformat.loads(recovery.read_text(encoding="utf-8"), window.document.path)
    assert snapshot.has_node(added.id)  # the state at autosave time, not after the undo
    assert recovery.with_suffix(".json").exists()
    window.document.discard_recovery()
    assert not recovery.exists() and not recovery.with_suffix(".json").exists()


def test_a_discard_waits_for_a_write_under_way_so_no_recovery_file_comes_back(window, monkeypatch):
    from app.gui import document as document_module
    from graph_editor.nodes import NodeKind

    disk = threading.Event()
    real_write = document_module._write_recovery

    def slow_write(target, text, meta):
        disk.wait(30)
        real_write(target, text, meta)

    monkeypatch.setattr(document_module, "_write_recovery", slow_write)
    window.canvas.editing.add_blank_node(NodeKind.RAPIDS, (0.0, 900.0))
    recovery = window.autosave()
    threading.Timer(0.2, disk.set).start()
    window.document.discard_recovery()  # Save, Close or New after the autosave began
    assert not recovery.exists() and not recovery.with_suffix(".json").exists()
