"""Profiles and deploy from the window: secrets to the keyring, one-line errors, a real Airflow run."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import settings
from app.deploy.local import free_port
from app.settings import Profile, Target

pytestmark = [pytest.mark.qt]

SECRET = "s3cr3t-never-in-a-file"


@pytest.fixture
def profiles(qtbot):
    from app.gui.profiles_dialog import ProfilesDialog

    dialog = ProfilesDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(
    dialog, tmp_path: Path, name: str = "prod", url: str = "https://airflow.example.com"
) -> None:
    form = dialog.form
    dialog.add_button.click()
    form.name.setText(name)
    form.url.setText(url)
    form.auth.setCurrentText("password")
    form.username.setText("ana")
    form.secret.setText(SECRET)
    form.backend.setCurrentText("worker")
    form.target_kind.setCurrentText("folder")
    form.fields["folder.path"].setText(str(tmp_path / "dags"))


def _settings_text() -> str:
    return (settings.config_dir() / settings.FILE_NAME).read_text(encoding="utf-8")


def test_profiles_dialog_puts_the_password_in_the_keyring_not_in_the_settings_file(
    profiles, memory_keyring, tmp_path: Path, qtbot
):
    _fill(profiles, tmp_path)
    profiles.save_button.click()
    assert "keyring" in profiles.message.text()
    assert memory_keyring.store[("stitchboard", "prod:password")] == SECRET
    saved = settings.load().profile("prod")
    assert saved.username == "ana" and saved.backend == "worker"
    assert saved.target == Target(kind="folder", path=str(tmp_path / "dags"))
    assert SECRET not in _settings_text()
    assert [profiles.list.item(i).text() for i in range(profiles.list.count())] == ["prod"]
    # picked again: fields from the file, the secret field empty (it stays in the keyring)
    profiles.form.show_profile(None)
    profiles.list.setCurrentRow(0)
    profiles._on_pick("prod")
    assert profiles.form.url.text() == "https://airflow.example.com"
    assert profiles.form.secret.text() == "" and profiles.form.name.isReadOnly()


def test_without_a_keyring_the_dialog_says_so_and_stores_no_secret(profiles, tmp_path: Path):
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())
    _fill(profiles, tmp_path, name="far")
    profiles.save_button.click()
    text = profiles.message.text()
    assert "No keyring" in text and "STITCHBOARD_SECRET_FAR_PASSWORD" in text
    assert "asks for it" in text and "\n" not in text
    assert settings.load().profile("far").base_url == "https://airflow.example.com"
    assert SECRET not in _settings_text()


def test_invalid_fields_are_named_and_nothing_is_saved(profiles, tmp_path: Path):
    _fill(profiles, tmp_path)
    profiles.form.url.setText("airflow.example.com")
    profiles.save_button.click()
    assert "base URL" in profiles.message.text()
    assert settings.load().profiles == {}


def test_edit_and_remove_a_profile(profiles, memory_keyring, tmp_path: Path):
    _fill(profiles, tmp_path)
    profiles.save_button.click()
    profiles.form.url.setText("https://other.example.com")
    profiles.form.target_kind.setCurrentText("git")
    profiles.form.fields["git.repo"].setText("git@example.com:dags.git")
    profiles.form.fields["git.subfolder"].setText("dags/sb")
    profiles.save_button.click()
    edited = settings.load().profile("prod")
    assert edited.base_url == "https://other.example.com"
    assert edited.target == Target(
        kind="git", repo="git@example.com:dags.git", branch="main", subfolder="dags/sb"
    )
    assert memory_keyring.store[("stitchboard", "prod:password")] == SECRET  # kept
    assert profiles.remove_selected(confirm=False)
    assert settings.load().profiles == {}
    assert not memory_keyring.store


def test_test_button_shows_each_verdict_without_freezing(profiles, tmp_path: Path, qtbot):
    _fill(profiles, tmp_path, url=f"http://127.0.0.1:{free_port()}")
    (tmp_path / "dags").mkdir()
    assert profiles.test_profile()
    qtbot.waitUntil(lambda: profiles.thread is None, timeout=60000)
    lines = [profiles.verdicts.item(i).text() for i in range(profiles.verdicts.count())]
    assert len(lines) == 3, lines
    assert lines[0].startswith("✕ api") and "unreachable" in lines[0]
    assert lines[2].startswith("✓ target")
    assert "2 check(s) failed" in profiles.message.text()


def _save_profile(profile: Profile) -> None:
    data = settings.load()
    data.put(profile)
    data.save()


def test_deploy_to_an_unreachable_url_shows_one_line_in_the_dialog(window, qtbot, tmp_path: Path):
    url = f"http://127.0.0.1:{free_port()}"
    _save_profile(
        Profile(
            name="far",
            base_url=url,
            username="ana",
            target=Target(kind="folder", path=str(tmp_path / "dags")),
            backend="worker",
        )
    )
    asked: list[str] = []
    window.deploys.ask = lambda label: asked.append(label) or "typed-password"
    dialog = window.deploying.open_deploy_dialog()
    assert dialog.profile.currentText() == "far" and url in dialog.where.text()
    with qtbot.waitSignal(window.deploys.finished, timeout=60000):
        dialog.deploy_button.click()
    status = dialog.status.text()
    assert status == f"Airflow at {url} is unreachable (NewConnectionError)"
    assert asked == ["password for profile 'far': "]  # asked on the GUI thread, not stored
    assert "Deploy failed" in window.run_panel.state.text()
    assert dialog.deploy_button.isEnabled() and window.actions_by_name["deploy"].isEnabled()
    assert "typed-password" not in window.run_panel.log.toPlainText()
    assert not (tmp_path / "dags").exists()


def test_deploy_dialog_offers_typed_parameter_editors(window):
    from PySide6 import QtWidgets

    dialog = window.deploying.open_deploy_dialog()
    editors = dialog.params.editors
    assert isinstance(editors["n_rows"], QtWidgets.QSpinBox)
    assert isinstance(editors["min_accuracy"], QtWidgets.QDoubleSpinBox)
    editors["n_rows"].setValue(240)
    editors["min_accuracy"].setValue(0.5)
    values = dialog.params.values()
    assert values == {"n_rows": 240, "min_accuracy": 0.5} and isinstance(values["n_rows"], int)
    assert not dialog.deploy_button.isEnabled()  # no profile yet
    assert "No profile yet" in dialog.where.text()
    dialog.trigger.setChecked(False)
    assert not dialog.params_box.isEnabled()
    assert dialog.options().params == {}


@pytest.mark.airflow
@pytest.mark.slow
def test_deploy_from_the_window_runs_on_airflow_and_colours_the_nodes(window, qtbot, local_airflow):
    """A real Airflow (airflow-local, worker backend, folder target): success, then a failed task."""
    _save_profile(local_airflow.profile())
    pipeline = window.document.pipeline
    # unscheduled (no run of its own on unpause), no retries: the failing run ends quickly
    pipeline.update_settings(schedule="", retry_delay_seconds=5, default_retries=0)
    dialog = window.deploying.open_deploy_dialog()
    assert dialog.profile.currentText() == "local"
    dialog.params.editors["n_rows"].setValue(240)
    dialog.params.editors["min_accuracy"].setValue(0.5)
    with qtbot.waitSignal(window.deploys.finished, timeout=400000):
        dialog.deploy_button.click()
    states = {n.name: window.canvas.run_state(n.id) for n in pipeline.nodes}
    assert set(states.values()) == {"succeeded"}, (states, dialog.status.text())
    assert "Run succeeded" in dialog.status.text()
    assert "Airflow run succeeded" in window.run_panel.state.text()

    # a bar no model clears: compare_models fails on Airflow; its log opens from the node
    dialog.params.editors["min_accuracy"].setValue(1.5)
    with qtbot.waitSignal(window.deploys.finished, timeout=400000):
        dialog.deploy_button.click()
    compare = pipeline.node_by_name("compare_models")
    assert window.canvas.run_state(compare.id) == "failed", dialog.status.text()
    assert "Run failed (failed: compare_models)" in dialog.status.text()
    window.canvas.node_activated.emit(compare.id)  # what a double-click on the node emits
    viewers = [
        w for w in window.findChildren(type(dialog).__mro__[1], "logViewer") if w.isVisible()
    ]
    assert viewers and "below the bar 1.5" in viewers[-1].text.toPlainText()


def test_a_failed_tasks_log_opens_from_its_node(window, qtbot):
    """As after a deployed run in which compare_models failed (the Airflow test shows the real one)."""
    from app.events import LogEvent, NodeEvent, NodeState

    node = window.document.pipeline.node_by_name("compare_models")
    window.deploying._on_deploy_event(NodeEvent(node.id, node.name, NodeState.FAILED, "failed"))
    window.deploying._on_deploy_event(
        LogEvent(
            "ValueError: best accuracy 0.72 is below the bar 1.5", node.id, node.name, level="error"
        )
    )
    assert window.canvas.run_state(node.id) == "failed"
    assert "below the bar" in window.run_panel.log.toPlainText()
    window.canvas.node_activated.emit(node.id)  # a double-click on the node
    viewer = window.findChild(QtDialog(), "logViewer")
    assert viewer.isVisible() and "below the bar 1.5" in viewer.text.toPlainText()
    assert "compare_models" in viewer.windowTitle()
    viewer.close()
    # right-click ▸ Show Task Log
    action = window.canvas.get_context_menu("nodes").get_command("Show Task Log").qaction
    action.node_id = window.canvas.view_of(node.id).id
    action.trigger()
    shown = [v for v in window.findChildren(QtDialog(), "logViewer") if v.isVisible()]
    assert shown and "below the bar" in shown[-1].text.toPlainText()
    # a node without a failed task: a status message instead
    prep = window.document.pipeline.node_by_name("prepare_data")
    assert window.deploying.show_task_log(prep.id) is None
    assert "No task log" in window.statusBar().currentMessage()


def QtDialog():  # noqa: N802 - a type, looked up late (Qt loads in the fixtures)
    from PySide6 import QtWidgets

    return QtWidgets.QDialog
