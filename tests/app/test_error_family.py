"""The app's errors live with the layer that raises them and are still one family."""

from __future__ import annotations

import pytest

import graph_editor.errors
from app.deploy.errors import DeployError, TargetNotWritable
from app.errors import CredentialError, SettingsError
from app.runner.errors import RunError
from graph_editor.errors import StitchboardError


@pytest.mark.parametrize(
    "error", [RunError, DeployError, TargetNotWritable, CredentialError, SettingsError]
)
def test_one_except_clause_catches_every_layers_error(error: type[Exception]) -> None:
    with pytest.raises(StitchboardError):
        raise error("x")
    assert not hasattr(graph_editor.errors, error.__name__)  # the model does not define it
