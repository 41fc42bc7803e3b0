"""The product's exception family: one base class, one subclass per area.

Core code raises these (mapping low-level errors with ``raise ... from``); only the app turns
them into dialogs or exit codes. ``str(error)`` is always one line a user can act on. The errors
of the app's layers live with the layer that raises them, still in this family:
``app.runner.errors.RunError``, ``app.deploy.errors.DeployError`` (and its subclasses),
``app.errors.CredentialError`` and ``app.errors.SettingsError``.
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
