"""The product's exception family: one base class, one subclass per area.

Core code raises these (mapping low-level errors with ``raise ... from``); only the app turns
them into dialogs or exit codes. ``str(error)`` is always one line a user can act on.
"""

from __future__ import annotations


class StitchboardError(Exception):
    """Base of every error Stitchboard raises on purpose."""


class PipelineFileError(StitchboardError):
    """A ``*.stitch`` file cannot be read or written (names the path and what is wrong)."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NotebookError(StitchboardError):
    """A notebook or script cannot be read or inspected (names the file)."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ModelError(StitchboardError):
    """An edit the pipeline model refuses (unknown node, cycle, type mismatch...)."""


class ConnectionRefused(ModelError):
    """A wire the model refuses; ``reason`` is a short sentence for a status bar."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ValidationFailed(StitchboardError):
    """A service refuses a pipeline with validation errors; carries the issues."""

    def __init__(self, issues: list) -> None:  # list[Issue]; untyped to avoid an import cycle
        self.issues = issues
        errors = [i for i in issues if getattr(i, "severity", "") == "error"]
        first = errors[0] if errors else None
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"pipeline has errors: {first}{more}" if first else "pipeline has errors")


class RunError(StitchboardError):
    """The local runner cannot start or continue a run."""


class DeployError(StitchboardError):
    """Delivering, parsing or triggering on a remote Airflow failed."""


class CredentialError(StitchboardError):
    """A secret cannot be stored or read (for example, no keyring backend)."""


class SettingsError(StitchboardError):
    """The settings or profiles file is unreadable or a value is invalid."""
