"""The restore prompt after a crash says which file it means when two files share a name in
different folders (both churn.stitch: "Restore ... churn.stitch?" was a guess)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.gui.test_document import _crashed_with_edit

pytestmark = pytest.mark.qt


def _asked(qtbot, monkeypatch, answer_yes: bool = False) -> tuple[list[str], object]:
    from PySide6 import QtWidgets

    from app.gui.main_window import MainWindow

    asked: list[str] = []

    def answer(_parent, _title, text, *_rest):
        asked.append(text)
        return QtWidgets.QMessageBox.Yes if answer_yes else QtWidgets.QMessageBox.No

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", answer)
    window = MainWindow()
    qtbot.addWidget(
        window,
        before_close_func=lambda w: (
            w.document.discard_recovery() or setattr(w.document, "restored", False)
        ),
    )
    window.files.offer_recovery(ask=True)
    return asked, window


def test_two_crashed_files_with_one_name_are_told_apart_by_folder(
    qtbot, example_copy: Path, tmp_path: Path, monkeypatch
):
    other = tmp_path / "other"
    shutil.copytree(example_copy.parent, other)
    twin = other / example_copy.name
    _crashed_with_edit(qtbot, example_copy)
    _crashed_with_edit(qtbot, twin)  # the newest: offered first
    asked, _window = _asked(qtbot, monkeypatch)
    assert len(asked) == 1
    assert f"{twin.name} in {twin.parent.resolve()}" in asked[0]
    assert str(example_copy.parent.resolve()) not in asked[0]


def test_a_file_whose_name_is_unique_is_named_alone(qtbot, example_copy: Path, monkeypatch):
    _crashed_with_edit(qtbot, example_copy)
    asked, _window = _asked(qtbot, monkeypatch)
    assert len(asked) == 1 and f"to {example_copy.name}?" in asked[0]
