"""Find Node zooms to the node it finds; Zoom to Fit of a huge pipeline stays readable (it was
a one-pixel line) and starts at the pipeline's top-left."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.test_big_pipeline_open import _open
from tests.gui.test_perf_smoke import _big_pipeline

pytestmark = pytest.mark.qt


def _on_screen(win, node_id: str):
    viewer = win.canvas.viewer()
    rect = viewer.mapFromScene(win.canvas.view_of(node_id).view.sceneBoundingRect()).boundingRect()
    return rect, viewer.viewport().rect()


def test_find_node_zooms_to_the_node_it_finds(qtbot, tmp_path: Path):
    win = _open(qtbot, _big_pipeline(tmp_path, 120))
    win.canvas.fit_all()
    assert win.canvas.viewer().transform().m11() < 0.6  # the whole pipeline: zoomed out
    assert win.nodes.select_node_named("task_57")
    node = win.document.pipeline.node_by_name("task_57")
    assert win.canvas.selected_ids() == [node.id]
    assert win.canvas.viewer().transform().m11() == pytest.approx(1.0, rel=0.02)
    rect, port = _on_screen(win, node.id)
    assert port.contains(rect)
    assert abs(rect.center().x() - port.center().x()) < 4
    assert abs(rect.center().y() - port.center().y()) < 4


def test_zoom_to_fit_of_a_huge_pipeline_is_readable_boxes_not_a_line(qtbot, tmp_path: Path):
    from graph_editor.qt.canvas import MIN_FIT_SCALE

    win = _open(qtbot, _big_pipeline(tmp_path, 300))  # 30 rows: 4800 scene units tall
    qtbot.waitUntil(lambda: len(win.canvas.views()) == 300, timeout=60000)
    win.actions_by_name["fit"].trigger()
    scale = win.canvas.viewer().transform().m11()
    assert scale == pytest.approx(MIN_FIT_SCALE, rel=0.02)
    first = win.document.pipeline.node_by_name("task_0")  # the layout's top-left node
    rect, port = _on_screen(win, first.id)
    assert port.contains(rect), (rect, port)
    assert rect.width() >= 50 and rect.left() < 100 and rect.top() < 100
    assert "Overview" in win.statusBar().currentMessage()


def test_zoom_to_fit_of_a_small_pipeline_shows_it_all_centred(window):
    assert window.canvas.fit_all()
    viewer = window.canvas.viewer()
    port = viewer.viewport().rect()
    rect = viewer.mapFromScene(window.canvas.nodes_rect()).boundingRect()
    assert port.contains(rect)
    assert abs(rect.center().x() - port.center().x()) < 4
