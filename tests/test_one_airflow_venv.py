"""One Airflow venv serves the tests and `airflow-local`: same place, same builder, same pins."""

from __future__ import annotations

from pathlib import Path

from app.deploy.local import LocalAirflow, default_venv
from tests import conftest
from tests.conftest import AIRFLOW_VENV

REPO = Path(__file__).resolve().parent.parent


def test_the_tests_build_their_airflow_venv_with_airflow_locals_builder() -> None:
    source = Path(conftest.__file__).read_text(encoding="utf-8")
    assert "builder.ensure(AIRFLOW_VENV" in source
    assert not (REPO / ".ci" / "airflow-venv.sh").exists()  # one builder, not two
    assert "airflow-venv.sh" not in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_tests_and_airflow_local_use_the_same_venv(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("STITCHBOARD_AIRFLOW_VENV", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_venv() == tmp_path / "stitchboard" / "airflow-venv"
    assert LocalAirflow(home=tmp_path / "home").venv == default_venv()
    monkeypatch.setenv("STITCHBOARD_AIRFLOW_VENV", str(AIRFLOW_VENV))
    assert LocalAirflow(home=tmp_path / "home").venv == AIRFLOW_VENV
