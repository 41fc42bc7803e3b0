"""Deploy fixtures: an in-memory keyring, and one real Airflow 3.3 for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from app.deploy.local import LocalAirflow
from app.settings import Profile


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict (tests only; the real one is the OS's)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring; the previous backend comes back after."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def local_airflow(airflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAirflow]:
    """A real ``airflow standalone`` on loopback, started by airflow-local's own code."""
    local = LocalAirflow(home=tmp_path_factory.mktemp("airflow-home"), venv=airflow_venv)
    try:
        local.start(timeout=240)
        yield local
    finally:
        local.stop()


@pytest.fixture
def local_profile(local_airflow: LocalAirflow) -> Profile:
    return local_airflow.profile()
