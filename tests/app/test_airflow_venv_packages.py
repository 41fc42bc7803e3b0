"""An Airflow venv without papermill or nbformat is refused by ``airflow-local start`` and
failed by ``doctor``, each with the pip command that fixes it (every task would fail in it).

The venv is a real one (``python -m venv``) with a stand-in ``airflow`` package: installing
a real Airflow 3 without papermill takes minutes, and both commands look only at what the
venv holds before starting anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.test_cli_doctor import REPO, _doctor, _env


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venvs") / "airflow-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "airflow").mkdir()
    (site / "airflow" / "__init__.py").write_text("")
    (venv / "bin" / "airflow").write_text("#!/bin/sh\nexit 1\n")
    (venv / "bin" / "airflow").chmod(0o755)
    return venv


def test_missing_task_packages_are_read_from_the_venv(bare_venv: Path) -> None:
    from app.deploy.venv_check import missing_task_packages

    assert missing_task_packages(bare_venv) == ["papermill", "nbformat", "ipykernel"]
    site = next(bare_venv.glob("lib/python3*/site-packages"))
    (site / "nbformat").mkdir(exist_ok=True)
    (site / "nbformat" / "__init__.py").write_text("")
    try:
        assert missing_task_packages(bare_venv) == ["papermill", "ipykernel"]
    finally:
        (site / "nbformat" / "__init__.py").unlink()
        (site / "nbformat").rmdir()


@pytest.mark.slow
def test_doctor_fails_the_airflow_venv_check_and_gives_the_pip_command(
    bare_venv: Path, tmp_path: Path
) -> None:
    env = dict(_env(tmp_path), STITCHBOARD_AIRFLOW_VENV=str(bare_venv))
    done = _doctor(env)
    out = done.stdout + done.stderr
    line = next(ln for ln in out.splitlines() if "airflow venv" in ln)
    assert "no papermill, nbformat, ipykernel" in line
    assert f"{bare_venv / 'bin' / 'pip'} install papermill nbformat ipykernel" in out


def test_airflow_local_start_refuses_the_venv_before_starting_anything(
    bare_venv: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "STITCHBOARD_AIRFLOW_VENV": str(bare_venv)}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "airflow-local", "start"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode != 0
    assert "has no papermill, nbformat, ipykernel" in done.stderr
    assert f"{bare_venv / 'bin' / 'pip'} install papermill" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
    assert not list((tmp_path / "data").rglob("*.pid"))  # nothing was started
