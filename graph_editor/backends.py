"""The export backends a pipeline can target (a closed vocabulary shared by every layer)."""

from __future__ import annotations

from enum import StrEnum


class Backend(StrEnum):
    """Where the exported DAG runs each node."""

    KUBERNETES = "kubernetes"  # one KubernetesPodOperator (or cluster job) per node
    WORKER = "worker"  # a PythonOperator on the Airflow worker itself


def parse_backend(text: str) -> Backend:
    """The backend named ``text``; ``ValueError`` naming the choices otherwise."""
    try:
        return Backend(text)
    except ValueError as exc:
        choices = " or ".join(b.value for b in Backend)
        raise ValueError(f"unknown backend {text!r} (use {choices})") from exc
