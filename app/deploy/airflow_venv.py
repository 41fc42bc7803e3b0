"""The one builder of the Airflow venv that ``airflow-local`` and the test suite share.

Pinned: pip installs with a constraints file of exact versions frozen from a verified install
of this Airflow (Airflow's own published constraints are the documented way; they are not
reachable from every machine, so the pins travel with Stitchboard in the same format), so the
resolver has nothing to search. Shows pip's progress package by package. Survives being
interrupted: a marker is written before the first package and removed after the last import
check, so a half-built venv is found and rebuilt, never reused. One builder at a time (a lock
beside the venv): a second process waits and then finds the venv ready.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from app.deploy.errors import DeployError
from app.deploy.venv_check import refusal

AIRFLOW_VERSION = "3.3.2"
VENV_PACKAGES = (
    f"apache-airflow=={AIRFLOW_VERSION}",
    "apache-airflow-providers-cncf-kubernetes",
    "papermill",
    "ipykernel",
    "nbformat",
    "numpy",
    "pandas",
    "pyarrow",
    "fsspec",
    "s3fs",
    "scikit-learn",
    "jupytext",
)
# For Spark nodes on the worker backend (a local Spark in the worker): ~400 MB more, so only
# with ``airflow-local start --spark`` (the tests' venv always has it).
SPARK_PACKAGES = ("pyspark>=4.0",)
# What every task needs in the worker's Python: an Airflow venv without one of these runs no node.
NEEDED_MODULES = {  # module -> the package that brings it
    "papermill": "papermill",
    "nbformat": "nbformat",
    "ipykernel": "ipykernel",
    "airflow.sdk": "apache-airflow",
    "pyarrow": "pyarrow",
    "pandas": "pandas",
}
BUILDING = ".stitchboard-building"  # present while a build runs; left behind by an interrupted one
# Measured (2026-12, 2 cores): 1.5 minutes on an idle machine with a fast network, over
# 10 minutes on a busy one; 1.1 GB, 1.6 GB with pyspark.
ESTIMATE = "once: ~1.1 GB (1.6 GB with Spark), 2-10 minutes depending on the network and load"
_COLLECTING = re.compile(r"^(?:Collecting|Requirement already satisfied:) ([A-Za-z0-9_.\-]+)")

Progress = Callable[[str], None]


class AirflowVenvError(DeployError):
    """The Airflow venv cannot be built or lacks what tasks need."""


def constraints_file() -> Path:
    """The pinned versions for this Airflow (frozen for CPython 3.11; pip refuses a pin that
    has no wheel for another Python, and then says which)."""
    return Path(
        str(resources.files("resources") / "airflow" / f"constraints-{AIRFLOW_VERSION}.txt")
    )


def pinned_count() -> int:
    """How many packages the constraints file pins (the progress bar's total)."""
    text = constraints_file().read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if line and not line.startswith("#"))


@contextmanager
def _build_lock(venv: Path) -> Iterator[None]:
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def missing_modules(venv: Path, modules: dict[str, str] = NEEDED_MODULES) -> list[str]:
    """The needed modules the venv's Python cannot import (all of them if it has no Python)."""
    python = venv / "bin" / "python"
    if not python.exists():
        return list(modules)
    probe = (
        "import importlib.util, sys\n"
        "for m in sys.argv[1:]:\n"
        "    try:\n"
        "        found = importlib.util.find_spec(m) is not None\n"
        "    except ImportError:\n"
        "        found = False\n"
        "    if not found:\n"
        "        print(m)\n"
    )
    done = subprocess.run(
        [str(python), "-c", probe, *modules], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        return list(modules)
    return done.stdout.split()


def is_half_built(venv: Path) -> bool:
    """Whether an earlier build of this venv was interrupted (its marker is still there)."""
    return (venv / BUILDING).exists()


def ensure(
    venv: Path,
    progress: Progress = lambda _t: None,
    extras: tuple[str, ...] = (),
    packages: tuple[str, ...] = VENV_PACKAGES,
    modules: dict[str, str] = NEEDED_MODULES,
    constraints: Path | None = None,
) -> None:
    """Make ``venv`` ready: build it once (pinned), rebuild it if a build was interrupted,
    refuse an existing one without what tasks need, and add ``extras`` (e.g. SPARK_PACKAGES)."""
    constraints = constraints_file() if constraints is None else constraints
    with _build_lock(venv):
        if is_half_built(venv):
            progress(f"{venv} was left half-built by an interrupted set-up: rebuilding it")
            shutil.rmtree(venv)
        if not (venv / "bin" / "python").exists():
            _build(venv, progress, (*packages, *extras), modules, constraints)
            return
        # An existing venv (perhaps one the user made): read, never changed but for extras.
        lacking = missing_modules(venv, modules)
        if lacking:  # every task would fail at run time: refuse now, with the fix
            raise AirflowVenvError(refusal(venv, [modules[m] for m in lacking]))
        add = [p for p in extras if not _has_distribution(venv, p)]
        if add:
            progress(f"adding {' '.join(add)} to {venv}")
            _pip(venv, add, progress, constraints)


def _build(
    venv: Path,
    progress: Progress,
    packages: tuple[str, ...],
    modules: dict[str, str],
    constraints: Path,
) -> None:
    progress(f"creating {venv} with Airflow {AIRFLOW_VERSION} ({ESTIMATE}; {_machine()})")
    venv.mkdir(parents=True, exist_ok=True)
    (venv / BUILDING).write_text("an Airflow venv set-up is running or was interrupted\n")
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise AirflowVenvError(
            f"cannot create the Airflow venv in {venv}: {detail.strip()}"
        ) from exc
    _pip(venv, list(packages), progress, constraints)
    lacking = missing_modules(venv, modules)
    if lacking:
        raise AirflowVenvError(f"the new Airflow venv {venv} cannot import {', '.join(lacking)}")
    (venv / BUILDING).unlink()
    progress(f"Airflow venv ready: {venv}")


def _machine() -> str:
    """This machine's cores and load: a busy 2-core machine takes the longer end."""
    load = os.getloadavg()[0]
    busy = " (busy: expect the longer end)" if load >= (os.cpu_count() or 1) else ""
    return f"this machine: {os.cpu_count()} cores, load {load:.1f}{busy}"


def _has_distribution(venv: Path, requirement: str) -> bool:
    name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0]
    pattern = name.replace("-", "_").lower()
    return any(
        p.name.lower().startswith(pattern + "-")
        for p in venv.glob("lib/python3*/site-packages/*.dist-info")
    )


def _pip(venv: Path, packages: list[str], progress: Progress, constraints: Path) -> None:
    """``pip install`` with the pins, streaming its progress a package at a time."""
    total = pinned_count()
    command = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--progress-bar",
        "off",
        "--constraint",
        str(constraints),
        *packages,
    ]
    env = {k: v for k, v in os.environ.items() if k != "PIP_CONSTRAINT"}
    tail: list[str] = []
    seen = 0
    try:
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        ) as proc:
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.rstrip()
                tail = [*tail[-19:], line]
                match = _COLLECTING.match(line)
                if match:
                    seen += 1
                    progress(f"[{seen:>3}/{max(total, seen)}] {match.group(1)}")
                elif line.startswith("Installing collected packages"):
                    progress(f"installing {seen} packages (the longest step)")
            code = proc.wait()
    except OSError as exc:
        raise AirflowVenvError(f"cannot run pip in {venv}: {exc}") from exc
    if code != 0:
        errors = [ln for ln in tail if ln.startswith("ERROR")] or tail[-1:]
        raise AirflowVenvError(
            f"pip could not install {' '.join(packages)} into {venv}: "
            f"{errors[-1] if errors else f'exit {code}'}"
        )
