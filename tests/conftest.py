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


@pytest.fixture(scope="session")
def airflow_venv() -> Path:
    """A venv with a real Airflow 3.3 + cncf-kubernetes provider (created once, then cached)."""
    import subprocess

    script = REPO / ".ci" / "airflow-venv.sh"
    subprocess.run(["bash", str(script), str(AIRFLOW_VENV)], check=True)
    return AIRFLOW_VENV


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests that need a real Airflow last: the session's Airflow then starts once, late,
    and its processes (about 1 GB) do not slow the kernel-heavy tests."""
    items.sort(key=lambda item: item.get_closest_marker("airflow") is not None)


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
