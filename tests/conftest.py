"""Test-wide set-up: offscreen Qt, and no test ever touches the developer's real settings."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO / "resources" / "examples" / "churn"
EXAMPLE = EXAMPLE_DIR / "churn.stitch"
PAPERMILL_NOTEBOOKS = Path(__import__("papermill").__file__).parent / "tests" / "notebooks"


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point config/data/cache folders at a temp dir so tests never read or write real ones."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled example (tests may edit or run it freely)."""
    target = tmp_path / "churn"
    shutil.copytree(EXAMPLE_DIR, target, ignore=shutil.ignore_patterns("*.runs", "__pycache__"))
    return target / "churn.stitch"


# The real HOME, read before any fixture isolates the user folders.
# The same venv as ``airflow-local`` uses (app.deploy.local.default_venv): one, not two.
AIRFLOW_VENV = Path(
    os.environ.get("STITCHBOARD_AIRFLOW_VENV")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "stitchboard"
    / "airflow-venv"
)


# The tests' Airflow venv has pyspark too (Spark nodes run on its workers), as
# ``airflow-local start --spark`` gives users, and the Celery provider with redis (the Celery
# worker tests), as ``--celery`` does.
TEST_VENV_EXTRAS: tuple[str, ...] = ("pyspark>=4.0", "apache-airflow-providers-celery", "redis")
_PREBUILD: list[Any] = []


def _venv_ready() -> bool:
    from app.deploy import airflow_venv as builder

    return (AIRFLOW_VENV / "bin" / "airflow").exists() and not builder.is_half_built(AIRFLOW_VENV)


@pytest.fixture(scope="session")
def airflow_venv() -> Path:
    """A venv with a real Airflow 3.3 + cncf-kubernetes provider, built by airflow-local's own
    builder (pinned; once, then cached; a build started at collection is waited for)."""
    from app.deploy import airflow_venv as builder

    builder.ensure(AIRFLOW_VENV, extras=TEST_VENV_EXTRAS)
    return AIRFLOW_VENV


def _prebuild_airflow_venv() -> None:
    """Start building the Airflow venv in the background while the kernel tests run (a fresh
    machine needs a few minutes for it): the fixture then waits on the builder's lock."""
    import subprocess
    import sys

    if _PREBUILD or _venv_ready():
        return
    AIRFLOW_VENV.parent.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys; from pathlib import Path; from app.deploy import airflow_venv as b; "
        "b.ensure(Path(sys.argv[1]), print, tuple(sys.argv[2:]))"
    )
    with open(AIRFLOW_VENV.parent / "airflow-venv-build.log", "a") as log:
        _PREBUILD.append(
            subprocess.Popen(
                [sys.executable, "-c", code, str(AIRFLOW_VENV), *TEST_VENV_EXTRAS],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests that need a real Airflow last: the session's Airflow then starts once, late,
    and its processes (about 1 GB) do not slow the kernel-heavy tests. Their venv starts
    building now if it is missing."""
    items.sort(key=lambda item: item.get_closest_marker("airflow") is not None)
    if any(item.get_closest_marker("airflow") for item in items):
        _prebuild_airflow_venv()


def pytest_unconfigure(config: pytest.Config) -> None:
    """A background venv build still running when the tests end is stopped (its marker makes
    the next run rebuild it, never reuse half of it)."""
    import signal

    for proc in _PREBUILD:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def local_airflow(airflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real ``airflow standalone`` on loopback for the whole session (deploy and GUI tests),
    started and stopped by airflow-local's own code."""
    from app.deploy.local import LocalAirflow

    local = LocalAirflow(home=tmp_path_factory.mktemp("airflow-home"), venv=airflow_venv)
    try:
        local.start(timeout=240)
        yield local
    finally:
        local.stop()


@pytest.fixture
def local_profile(local_airflow: Any) -> Any:
    return local_airflow.profile()
