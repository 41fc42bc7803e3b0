"""The app's own errors (settings and the credential store), in the product's one family."""

from __future__ import annotations

from graph_editor.errors import StitchboardError

__all__ = ["CredentialError", "SettingsError"]


class CredentialError(StitchboardError):
    """A secret cannot be stored or read (for example, no keyring backend)."""


class SettingsError(StitchboardError):
    """The settings or profiles file is unreadable or a value is invalid."""
