"""What an Airflow venv needs to run Stitchboard's tasks, besides Airflow itself.

Every task runs the shipped runtime in the worker's Python, which imports papermill and
nbformat (and starts an ipykernel kernel): a venv without them passed ``doctor`` and
``airflow-local start``, and then every task failed at run time (issue #21).
"""

from __future__ import annotations

from pathlib import Path

TASK_PACKAGES = ("papermill", "nbformat", "ipykernel")


def missing_task_packages(venv: Path) -> list[str]:
    """The packages of ``TASK_PACKAGES`` that ``venv`` does not have (read from its
    site-packages: no interpreter is started)."""
    found = [
        name
        for name in TASK_PACKAGES
        if any(venv.glob(f"lib/python3*/site-packages/{name}/__init__.py"))
    ]
    return [name for name in TASK_PACKAGES if name not in found]


def install_fix(venv: Path, missing: list[str]) -> str:
    """The command that puts the missing packages into the venv."""
    return f"{venv / 'bin' / 'pip'} install {' '.join(missing)}"


def refusal(venv: Path, missing: list[str]) -> str:
    """One line: what is missing from which venv, and the command that fixes it."""
    return (
        f"the Airflow venv {venv} has no {', '.join(missing)}, so every Stitchboard task "
        f"would fail; install them with `{install_fix(venv, missing)}`"
    )
