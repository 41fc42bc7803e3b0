"""Dry-run from the window with real kernels, and the export preview of the generated DAG."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.qt]


@pytest.mark.slow
def test_dry_run_shows_node_states_and_keeps_the_window_responsive(window, qtbot):
    """Real papermill kernels run the example; the GPU nodes may be sampled (no GPU here)."""
    pytest.importorskip("app.runner")
    pipeline = window.document.pipeline
    prep = pipeline.node_by_name("prepare_data")
    seen: set[str] = set()
    window.runs.event.connect(lambda e: seen.add(getattr(getattr(e, "state", None), "value", "")))
    window.actions_by_name["run"].trigger()
    assert window.runs.running and window.actions_by_name["stop"].isEnabled()
    # the event loop keeps running while kernels work: the window never freezes
    qtbot.waitUntil(
        lambda: (
            window.canvas.run_state(prep.id) == "running"
            or window.canvas.run_state(prep.id) in ("succeeded", "cached")
        ),
        timeout=60000,
    )
    with qtbot.waitSignal(window.runs.finished, timeout=300000):
        pass
    states = {n.name: window.canvas.run_state(n.id) for n in pipeline.nodes}
    assert states["prepare_data"] in ("succeeded", "cached")
    assert states["compare_models"] in ("succeeded", "cached")
    assert all(s in ("succeeded", "cached", "sampled") for s in states.values()), states
    assert "running" in seen or "cached" in seen
    assert "Run succeeded" in window.run_panel.state.text()
    assert window.run_panel.log.toPlainText()
    assert (
        window.actions_by_name["run"].isEnabled() and not window.actions_by_name["stop"].isEnabled()
    )
    if window.run_session.node(prep.id).notebook:
        assert Path(window.run_session.node(prep.id).notebook).exists()


def test_dry_run_refused_by_validation_says_why(window, qtbot):
    pytest.importorskip("app.runner")
    node = window.document.pipeline.node_by_name("train_logreg")
    window.document.pipeline.update_node(node.id, source="")  # an error: no source
    with qtbot.waitSignal(window.runs.finished, timeout=30000):
        window.actions_by_name["run"].trigger()
    assert "error" in window.run_panel.log.toPlainText()
    assert window.actions_by_name["run"].isEnabled()


def test_export_preview_shows_the_dag_and_saves_the_bundle(window, tmp_path: Path):
    pytest.importorskip("exporters.airflow")
    dialog = window.export_preview()
    source = dialog.text.toPlainText()
    assert dialog.text.isReadOnly()
    assert "customer_churn" in source and "DAG" in source
    compile(source, "dag.py", "exec")  # what the user sees is valid Python
    assert dialog.highlighter.document() is dialog.text.document()
    dialog.backend.setCurrentIndex(1)
    assert dialog.text.toPlainText() != source
    folder = tmp_path / "bundle"
    folder.mkdir()
    assert dialog.save(str(folder))
    assert any(p.suffix == ".py" for p in folder.rglob("*"))
    dialog.close()
