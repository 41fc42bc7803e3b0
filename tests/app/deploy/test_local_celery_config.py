"""``airflow-local start --celery``'s set-up, without starting it (test_celery.py runs it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.deploy.local import LocalAirflow, LocalAirflowError
from tests.conftest import AIRFLOW_VENV


def test_celery_runs_on_a_loopback_redis_broker(tmp_path: Path) -> None:
    env = LocalAirflow(home=tmp_path / "home", venv=AIRFLOW_VENV).environment(8080, 6390)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6390/0"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("redis://127.0.0.1:6390/")
    plain = LocalAirflow(home=tmp_path / "home", venv=AIRFLOW_VENV).environment(8080)
    assert plain["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert not any(k.startswith("AIRFLOW__CELERY__") for k in plain)


def test_without_redis_server_start_celery_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (AIRFLOW_VENV / "bin" / "airflow").exists():
        pytest.skip("no Airflow venv yet")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no redis-server on it
    local = LocalAirflow(home=tmp_path / "home", venv=AIRFLOW_VENV)
    try:
        with pytest.raises(LocalAirflowError) as caught:
            local.start(celery=True)
    finally:
        local.stop()
    assert str(caught.value) == (
        "the Celery executor needs a Redis broker: install a Redis server "
        "(Debian/Ubuntu: apt-get install redis-server)"
    )
    assert not local.status().running
