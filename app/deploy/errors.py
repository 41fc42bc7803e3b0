"""Deploy's error family: one ``DeployError`` subclass per thing a user can fix, one line each."""

from __future__ import annotations

from graph_editor.errors import StitchboardError

__all__ = [
    "AuthFailed",
    "Conflict",
    "DagIdTaken",
    "DeployError",
    "ForeignFile",
    "ImportFailed",
    "NotFound",
    "ParseTimeout",
    "TargetNotWritable",
    "TlsFailed",
    "Unreachable",
]


class DeployError(StitchboardError):
    """Delivering, parsing or triggering on a remote Airflow failed."""


class Unreachable(DeployError):
    """The Airflow API does not answer (DNS, refused, timeout)."""


class TlsFailed(DeployError):
    """The TLS handshake failed (unknown CA, wrong host name)."""


class AuthFailed(DeployError):
    """Airflow refused the credentials or the token."""


class TargetNotWritable(DeployError):
    """The delivery target (folder, git remote, bucket) refuses the bundle."""


class DagIdTaken(DeployError):
    """Another file already defines this DAG id."""


class ForeignFile(DeployError):
    """The file deploy or export would replace was written by someone else (or another pipeline)."""


class ParseTimeout(DeployError):
    """Airflow did not show the new DAG version in time."""


class NotFound(DeployError):
    """The DAG (or run) is not known to Airflow."""


class Conflict(DeployError):
    """Airflow answered 409 (e.g. a re-parse of this file is already queued)."""


class ImportFailed(DeployError):
    """Airflow could not import the delivered DAG file; ``traceback`` is Airflow's text."""

    def __init__(self, message: str, traceback: str = "") -> None:
        super().__init__(message)
        self.traceback = traceback
