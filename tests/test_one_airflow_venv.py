"""One Airflow venv serves the tests and `airflow-local`: same place, same packages."""

from __future__ import annotations

import re
from pathlib import Path

from app.deploy.local import (
    CELERY_PACKAGES,
    SPARK_PACKAGES,
    VENV_PACKAGES,
    LocalAirflow,
    default_venv,
)
from tests.conftest import AIRFLOW_VENV

REPO = Path(__file__).resolve().parent.parent


def test_the_ci_script_installs_what_airflow_local_installs() -> None:
    script = (REPO / ".ci" / "airflow-venv.sh").read_text(encoding="utf-8")
    line = script.split('"$venv/bin/pip" install -q "apache-airflow==', 1)[1].split("\necho", 1)[0]
    installed = {"apache-airflow==" + line.split('"', 1)[0]}
    installed |= set(re.sub(r"\\\s*\n", " ", line.split('"', 1)[1]).replace('"', "").split())
    # the tests run Spark nodes and a Celery worker
    assert installed == set(VENV_PACKAGES) | set(SPARK_PACKAGES) | set(CELERY_PACKAGES)


def test_tests_and_airflow_local_use_the_same_venv(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("STITCHBOARD_AIRFLOW_VENV", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_venv() == tmp_path / "stitchboard" / "airflow-venv"
    assert LocalAirflow(home=tmp_path / "home").venv == default_venv()
    monkeypatch.setenv("STITCHBOARD_AIRFLOW_VENV", str(AIRFLOW_VENV))
    assert LocalAirflow(home=tmp_path / "home").venv == AIRFLOW_VENV
