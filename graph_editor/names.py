"""The name rules, in one place: what Airflow, Python and Kubernetes accept as a name.

Validation reports a name that breaks one of these; the exporter only asserts them. Every
check matches the whole string (``fullmatch``): a trailing newline is never a valid name.
"""

from __future__ import annotations

import keyword
import re
from functools import lru_cache

TASK_ID = re.compile(r"[A-Za-z0-9_.-]{1,250}")  # Airflow task id (also dag id)
CONN_ID = re.compile(r"[A-Za-z0-9_.-]{1,250}")  # Airflow connection id
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a Python name (ASCII, as DAG code needs)
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # an environment variable name
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # Kubernetes namespace, label
K8S_SECRET = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")  # Kubernetes Secret name
CPU = re.compile(r"(\d+(\.\d+)?|\d+m)")  # Kubernetes CPU quantity
MEMORY = re.compile(r"\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?")  # memory quantity

TAG_MAX = 100  # Airflow refuses DAG tags longer than this
# DAG ids Stitchboard keeps for itself: the parse anchor that ``airflow-local`` keeps in its DAG
# folder (``app.deploy.local.ANCHOR_SOURCE``); deploy needs that DAG to ask for re-scans.
RESERVED_DAG_IDS = frozenset({"stitchboard_parse_anchor"})
# An Airflow connection's parts a secret may ask for ("" means the whole URI).
CONNECTION_PARTS = {
    "": "uri",
    "uri": "uri",
    "password": "password",
    "login": "login",
    "host": "host",
    "schema": "schema",
    "port": "port",
    "extra": "extra",
}


@lru_cache(maxsize=8192)  # names repeat across nodes; validation runs on every edit
def is_task_id(name: str) -> bool:
    """An Airflow task or DAG id."""
    return TASK_ID.fullmatch(name) is not None


def is_conn_id(name: str) -> bool:
    """An Airflow connection id."""
    return CONN_ID.fullmatch(name) is not None


@lru_cache(maxsize=8192)
def is_identifier(name: str) -> bool:
    """A Python name that is not a keyword (ports become Python variables)."""
    return IDENTIFIER.fullmatch(name) is not None and not keyword.iskeyword(name)


@lru_cache(maxsize=8192)
def is_env_name(name: str) -> bool:
    """An environment variable name."""
    return ENV_NAME.fullmatch(name) is not None


def is_dns_label(name: str) -> bool:
    """A Kubernetes DNS label (namespace)."""
    return DNS_LABEL.fullmatch(name) is not None


def is_k8s_secret_name(name: str) -> bool:
    """A Kubernetes Secret name (DNS subdomain)."""
    return K8S_SECRET.fullmatch(name) is not None


def is_cpu(text: str) -> bool:
    return CPU.fullmatch(text) is not None


def is_memory(text: str) -> bool:
    return MEMORY.fullmatch(text) is not None
