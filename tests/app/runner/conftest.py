import pytest

from tests.app.runner.builders import mark_baseline


@pytest.fixture(autouse=True)
def only_processes_this_test_starts():
    """Leak checks look only at processes started during the test (not a session's Airflow)."""
    mark_baseline()
    yield
