"""The local Airflow stays on loopback, keeps its secrets private, and can run twice side by side."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.deploy.airflow import AirflowApi
from app.deploy.errors import Unreachable
from app.deploy.local import PASSWORD_FILE, LocalAirflow, free_port
from app.settings import Profile, Target

LOOPBACK = {"127.0.0.1", "::1"}


def group_listeners(pgid: int) -> list[tuple[str, int, str]]:
    """(address, port, process name) of every TCP listener of the process group."""
    found = []
    for proc in psutil.process_iter(["pid", "name"]):
        try:
            if os.getpgid(proc.pid) != pgid:
                continue
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    found.append((conn.laddr.ip, conn.laddr.port, proc.info["name"]))
        except (psutil.Error, ProcessLookupError):
            continue
    return found


@pytest.mark.airflow
@pytest.mark.slow
def test_everything_the_local_airflow_starts_listens_on_loopback_only(local_airflow: Any) -> None:
    listeners = group_listeners(local_airflow.status().pid)
    assert listeners, "the API server should be listening"
    public = [entry for entry in listeners if entry[0] not in LOOPBACK]
    assert not public, f"listening beyond loopback: {public}"
    assert 8793 not in {port for _, port, _ in listeners}  # no fixed-port log server


@pytest.mark.airflow
@pytest.mark.slow
def test_the_admin_password_file_is_readable_by_its_owner_only(local_airflow: Any) -> None:
    mode = stat.S_IMODE(local_airflow.password_file.stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)
    assert local_airflow.password()


@pytest.mark.airflow
@pytest.mark.slow
def test_airflow_log_is_readable_by_its_owner_only_and_never_holds_the_password(
    local_airflow: Any,
) -> None:
    log = local_airflow.log_file
    assert log.read_bytes(), "the components write their output there"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert local_airflow.password() not in log.read_text(errors="replace")


@pytest.mark.airflow
@pytest.mark.slow
def test_a_log_an_older_version_left_readable_with_a_password_is_made_private_and_blanked(
    airflow_venv: Path, tmp_path: Path
) -> None:
    home = tmp_path / "older"
    home.mkdir()
    log = home / "airflow.log"
    log.write_text("api-server | Simple auth manager | Password for user 'admin': s3cretOld\n")
    log.chmod(0o644)
    older = LocalAirflow(home=home, venv=airflow_venv)
    try:
        assert older.start(timeout=240).healthy
    finally:
        older.stop()
    text = log.read_text(errors="replace")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "s3cretOld" not in text and older.password() not in text
    assert stat.S_IMODE(older.password_file.stat().st_mode) == 0o600


@pytest.mark.airflow
@pytest.mark.slow
def test_two_local_airflows_run_side_by_side(
    local_airflow: Any, airflow_venv: Path, tmp_path: Path
) -> None:
    second = LocalAirflow(home=tmp_path / "second", venv=airflow_venv)
    try:
        status = second.start(timeout=240)
        assert status.healthy and status.base_url != local_airflow.status().base_url
        assert local_airflow.status().healthy
    finally:
        second.stop()
    assert not second.status().running
    assert local_airflow.status().healthy


def test_a_stopped_local_airflow_says_how_to_start_it(tmp_path: Path) -> None:
    """The `local` profile after `airflow-local stop`: one line with the way on."""
    password = tmp_path / PASSWORD_FILE
    password.write_text('{"admin": "x"}', encoding="utf-8")
    profile = Profile(
        name="local",
        base_url=f"http://127.0.0.1:{free_port()}",
        username="admin",
        password_file=str(password),
        target=Target(kind="folder", path=str(tmp_path)),
        backend="worker",
    )
    with pytest.raises(Unreachable) as caught:
        AirflowApi(profile).token()
    message = str(caught.value)
    assert "unreachable" in message and "stitchboard airflow-local start" in message
    assert "\n" not in message
