"""The Problems panel checks the backend the user exports with (kubernetes until they choose)."""

from __future__ import annotations

import pytest

from graph_editor.backends import Backend
from graph_editor.nodes import SecretRef, SecretSource
from tests.graph_editor.test_backend_rules import CASES


def _problems(window) -> list[str]:
    panel = window.issues
    return [panel.topLevelItem(i).text(2) for i in range(panel.topLevelItemCount())]


def test_the_problems_panel_shows_the_worker_backend_secret_issue(window, qtbot):
    pipeline = window.document.pipeline
    node = pipeline.node_by_name("train_logreg")
    secret = SecretRef("DB_PASSWORD", SecretSource.KUBERNETES, "db", "pw")
    pipeline.update_node(node.id, secrets=(secret,))
    window.validate_now()
    assert window.validator.backend == Backend.KUBERNETES
    assert not any("cannot read" in text for text in _problems(window))  # fine on kubernetes

    dialog = window.export_preview()
    dialog.backend.setCurrentIndex(dialog.backend.findData("worker"))  # the user picks workers
    qtbot.waitUntil(lambda: any("cannot read" in t for t in _problems(window)), timeout=5000)
    row = next(
        window.issues.topLevelItem(i)
        for i in range(window.issues.topLevelItemCount())
        if "cannot read" in window.issues.topLevelItem(i).text(2)
    )
    assert row.text(1) == "train_logreg"
    assert "kubernetes-secret-on-worker" in row.toolTip(2)
    assert window.canvas.issue_counts(node.id)[0] >= 1
    dialog.close()

    again = window.export_preview()  # the next preview opens on the backend last used
    assert again.backend.currentData() == "worker"
    again.close()


def test_after_a_deploy_the_problems_panel_checks_the_profiles_backend(window, qtbot, tmp_path):
    from app import settings
    from app.deploy.service import DeployOptions

    config = settings.load()
    target = settings.Target(kind="folder", path=str(tmp_path / "dags"))
    config.put(settings.Profile("local", "http://127.0.0.1:9", target=target, backend="worker"))
    config.save()
    pipeline = window.document.pipeline
    node = pipeline.node_by_name("train_logreg")
    pipeline.update_node(node.id, secrets=(SecretRef("TOKEN", SecretSource.KUBERNETES, "a", "b"),))
    dialog = window.deploying.open_deploy_dialog()
    dialog.profile.setCurrentText("local")
    # What the dialog announces when the user clicks Deploy (no Airflow needed for this part).
    dialog.deploy_started.emit(DeployOptions())
    assert window.validator.backend == Backend.WORKER
    qtbot.waitUntil(lambda: any("cannot read" in t for t in _problems(window)), timeout=5000)
    dialog.close()


def _rows(window) -> list[tuple[str, str]]:
    """(node column, tooltip) of every row of the Problems panel."""
    panel = window.issues
    return [
        (panel.topLevelItem(i).text(1), panel.topLevelItem(i).toolTip(2))
        for i in range(panel.topLevelItemCount())
    ]


@pytest.mark.parametrize("case", list(CASES))
def test_each_pipeline_export_used_to_refuse_shows_its_problem_in_the_window(window, case):
    """The four pipelines that passed validation and then failed in export: the Problems panel
    names each one, with its code and node, before the user tries to export."""
    change, backend, code, node_name, _field, _words = CASES[case]
    change(window.document.pipeline)
    window.validator.set_backend(Backend(backend))
    window.validate_now()
    found = [(node, tip) for node, tip in _rows(window) if code in tip]
    assert found, _rows(window)
    assert found[0][0] == (node_name or "pipeline")  # settings problems sit on the pipeline
    assert "No problems" not in window.statusBar().currentMessage()
