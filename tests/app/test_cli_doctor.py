"""``stitchboard doctor`` on a machine with a broken kernel, no profiles, or a dead Airflow."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _kernel(root: Path, name: str, argv0: str) -> None:
    folder = root / "kernels" / name
    folder.mkdir(parents=True)
    spec = {
        "argv": [argv0, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name,
        "language": "python",
    }
    (folder / "kernel.json").write_text(json.dumps(spec))


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "JUPYTER"))}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        JUPYTER_PATH=str(tmp_path / "jupyter"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        PYTHONIOENCODING="utf-8",
        PYTHONPATH=str(REPO),
    )
    return env


def _doctor(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "doctor", *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


@pytest.mark.slow
def test_doctor_names_broken_kernels_with_a_fix_and_passes_without_profiles(
    tmp_path: Path,
) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")])
    _kernel(tmp_path / "jupyter", "gone", str(tmp_path / "no" / "python"))
    _kernel(tmp_path / "jupyter", "bare", str(tmp_path / "bare" / "bin" / "python"))
    env = _env(tmp_path)
    done = _doctor(env, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["kernel python3"]["ok"]
    assert not checks["kernel gone"]["ok"] and "does not exist" in checks["kernel gone"]["detail"]
    assert not checks["kernel bare"]["ok"]
    assert "cannot import ipykernel" in checks["kernel bare"]["detail"]
    assert "jupyter kernelspec remove bare" in checks["kernel bare"]["fix"]
    assert checks["profiles"]["ok"] and "none yet" in checks["profiles"]["detail"]

    text = _doctor(env)
    assert text.returncode == 0 and "Traceback" not in text.stderr
    lines = text.stdout.splitlines()
    assert lines and all(line[0] in "✓✗" for line in lines)
    assert all("fix:" in line for line in lines if line.startswith("✗"))
    assert any(line.startswith("✗ kernel gone:") for line in lines)


@pytest.mark.slow
def test_doctor_fails_on_a_broken_python3_kernel_and_names_an_unreachable_profile(
    tmp_path: Path,
) -> None:
    _kernel(tmp_path / "jupyter", "python3", str(tmp_path / "no" / "python"))
    env = _env(tmp_path)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    added = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "profile", "add", "dead"]
        + ["--url", f"http://127.0.0.1:{port}", "--auth", "none", "--path", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    done = _doctor(env, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["ok"] is False
    assert not checks["kernel python3"]["ok"] and checks["kernel python3"]["required"]
    assert not checks["profile dead"]["ok"]
    assert "unreachable" in checks["profile dead"]["detail"]
    assert "airflow-local start" in checks["profile dead"]["fix"]


def test_doctor_names_the_library_a_notebook_needs_and_skips_optional_ones(tmp_path) -> None:
    from app.doctor import imported_modules
    from tests.helpers import write_notebook

    write_notebook(
        tmp_path / "train.ipynb",
        body=(
            "%matplotlib inline\nimport os, json\nimport pandas as pd\n"
            "from sklearn.linear_model import LogisticRegression\nimport helpers\n"
            "try:\n    import cudf\nexcept ImportError:\n    cudf = None\n"
        ),
    )
    (tmp_path / "helpers.py").write_text("import numpy\n")
    assert imported_modules(tmp_path) == {"pandas", "sklearn", "numpy"}
