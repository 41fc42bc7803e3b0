"""File ▸ Import… in the editor: an Elyra pipeline (or a Kale notebook) opens as a pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtWidgets

from tests.graph_editor.test_import_elyra import hello_world_v8  # noqa: F401  (a fixture)

pytestmark = pytest.mark.qt


def _import_from_menu(window, monkeypatch, path: Path) -> None:
    """File ▸ Import Elyra or Kale…, and the user picks ``path`` in the file dialog."""
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    action = next(a for a in file_menu.actions() if a.text().startswith("&Import"))
    action.trigger()


def test_an_elyra_pipeline_imported_from_the_file_menu_opens_beside_it(
    window,
    monkeypatch,
    hello_world_v8: Path,  # noqa: F811
) -> None:
    from graph_editor import fileformat
    from graph_editor.importers.elyra import import_elyra

    expected, _ = import_elyra(hello_world_v8)
    _import_from_menu(window, monkeypatch, hello_world_v8)
    target = hello_world_v8.with_suffix(".stitch")
    assert window.document.path == target and target.exists()
    names = sorted(n.name for n in window.document.pipeline.nodes)
    assert names == sorted(n.name for n in expected.nodes)
    assert len(window.canvas.all_nodes()) == len(expected)  # drawn, not only loaded
    assert f"Imported {hello_world_v8.name} as {target.name}" in window.statusBar().currentMessage()
    assert fileformat.load(target).edges == window.document.pipeline.edges
    # importing again never overwrites the first import
    _import_from_menu(window, monkeypatch, hello_world_v8)
    assert window.document.path == target.with_name(f"{hello_world_v8.stem}-2.stitch")


def test_a_file_that_is_not_a_pipeline_says_so_and_keeps_the_open_one(
    window, monkeypatch, tmp_path: Path
) -> None:
    before = window.document.path
    broken = tmp_path / "broken.pipeline"
    broken.write_text("{")
    _import_from_menu(window, monkeypatch, broken)
    assert window.document.path == before
    assert "not valid JSON" in window.last_error and "broken.pipeline" in window.last_error
    assert not (tmp_path / "broken.stitch").exists()
