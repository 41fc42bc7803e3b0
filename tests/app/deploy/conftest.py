"""Deploy fixtures: an in-memory keyring (the session's real Airflow lives in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from tests.helpers import MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring; the previous backend comes back after."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)
