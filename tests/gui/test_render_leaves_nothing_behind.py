"""``stitchboard render`` draws a pipeline and leaves nothing behind: a process that renders
again and again (CI drawing docs pictures, a notebook of diagrams) does not keep every window.

Before the fix each render kept its hidden window, scene and 17 top-level widgets (+125 MB per
1000-node render; benchmarks/bench_render.py measures it)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def test_each_render_writes_its_picture_and_keeps_no_window(
    qapp, example_copy: Path, tmp_path: Path
) -> None:
    from PySide6 import QtWidgets

    from app.gui.launch import render

    gc.collect()
    before = set(QtWidgets.QApplication.topLevelWidgets())  # other tests' widgets, if any
    counts = []
    for i in range(3):
        out = render(example_copy, tmp_path / f"churn{i}.png", 800, 500)
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        gc.collect()  # NodeGraphQt's parentless tab-search menu goes with its graph's cycle
        widgets = [w for w in QtWidgets.QApplication.topLevelWidgets() if w not in before]
        counts.append(len(widgets))
        assert not [w for w in widgets if w.isVisible()], f"render {i} left a window open"
    assert counts == [0, 0, 0], counts
