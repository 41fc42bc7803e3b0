"""``stitchboard doctor --image IMAGE``: does an image carry what the runtime needs in a pod?

This machine has no Docker engine, so the image itself cannot run here. The "cannot check"
answers are real (no docker on PATH; docker without its daemon). For the answers about an
image's contents, a stand-in ``docker`` on PATH runs the same probe with a local Python in
place of the image's (said here plainly: it is a stand-in for ``docker run``, nothing else).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.test_cli_doctor import _env

STANDIN = """#!/bin/sh
# docker run --rm --entrypoint python3 IMAGE -c PROBE NEEDS...: the image's python3 is $IMAGE_PYTHON
shift 5
exec "$IMAGE_PYTHON" "$@"
"""


def _doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "doctor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _standin(tmp_path: Path, python: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "docker").write_text(STANDIN)
    (bin_dir / "docker").chmod(0o755)
    env = _env(tmp_path)
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", IMAGE_PYTHON=python)
    return env


def test_without_docker_doctor_says_it_cannot_check_the_image_and_how_to(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env["PATH"] = str(Path(sys.executable).parent)  # no docker on it
    done = _doctor(env, "--image", "registry.example/team/nb:3")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stdout.strip().splitlines()
    assert "cannot check it here: no docker command" in line
    assert "docker run --rm --entrypoint python3 registry.example/team/nb:3" in line


def test_docker_without_its_daemon_is_cannot_check_too(tmp_path: Path) -> None:
    if shutil.which("docker") is None:  # this machine has one, without a daemon
        pytest.skip("no docker command here")
    done = _doctor(_env(tmp_path), "--image", "registry.example/team/nb:3")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot check it here: docker run failed" in done.stdout


def test_an_image_with_the_runtimes_needs_passes(tmp_path: Path) -> None:
    env = _standin(tmp_path, sys.executable)  # this venv has papermill, ipykernel, pyarrow...
    done = _doctor(env, "--image", "ghcr.io/stitchboard/runtime:0.1.0", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["name"].strip(): c for c in json.loads(done.stdout)["checks"]}
    for need in ("papermill", "ipykernel", "pyarrow", "pandas", "fsspec", "nbformat"):
        assert checks[need]["ok"], need


def test_an_image_without_papermill_fails_naming_what_to_install(tmp_path: Path) -> None:
    bare = shutil.which("python3", path="/usr/bin")
    assert bare is not None
    env = _standin(tmp_path, bare)  # Debian's python3: no papermill, no pyarrow
    done = _doctor(env, "--image", "quay.io/jupyter/scipy-notebook:latest")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    papermill = next(line for line in done.stdout.splitlines() if "papermill:" in line)
    assert "missing" in papermill and "pip install papermill" in papermill


def test_doctor_says_notebooks_on_the_worker_need_ipykernel_in_its_own_python(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "airflow-venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to("/usr/bin/python3")  # no ipykernel, no papermill
    env = _env(tmp_path)
    env["STITCHBOARD_AIRFLOW_VENV"] = str(venv)
    done = _doctor(env, "--json")
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    worker = checks["worker kernel"]
    assert (
        not worker["ok"] and "notebooks run in the Airflow worker's own Python" in worker["detail"]
    )
    assert "pip install papermill ipykernel" in worker["fix"]
