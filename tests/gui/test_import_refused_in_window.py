"""File ▸ Import… of an Elyra file with nothing to import: one line naming the reason, the open
pipeline stays, and no empty ``.stitch`` lands beside the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graph_editor.test_import_elyra_refusals import only_components
from tests.gui.test_import_in_window import _import_from_menu

pytestmark = pytest.mark.qt


def test_an_elyra_file_with_no_importable_node_writes_nothing(window, monkeypatch, tmp_path):
    before = window.document.path
    source = only_components(tmp_path / "kfp.pipeline")
    _import_from_menu(window, monkeypatch, source)
    assert window.document.path == before
    assert "no node could be imported" in window.last_error
    assert "filter_table" in window.last_error and "url-catalog" in window.last_error
    assert list(Path(tmp_path).glob("*.stitch")) == []
