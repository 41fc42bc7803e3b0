"""The Airflow venv builder: pinned, shows progress, and an interrupted set-up is rebuilt.

The interrupted-build tests build a real venv with one small package (the builder is the
same one ``airflow-local start`` runs; a real Airflow install takes minutes and ~1 GB, and
the suite's own Airflow venv is built by this builder too).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.deploy import airflow_venv as builder
from app.deploy.local import CELERY_PACKAGES

REPO = Path(__file__).resolve().parents[3]
SMALL = ("six",)
SMALL_MODULES = {"six": "six"}


def pins() -> dict[str, str]:
    text = builder.constraints_file().read_text(encoding="utf-8")
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)$", text, re.M)
    return {name.lower().replace("_", "-"): version for name, version in found}


def test_every_package_airflow_local_installs_is_pinned_and_airflow_at_its_version() -> None:
    pinned = pins()
    assert pinned["apache-airflow"] == builder.AIRFLOW_VERSION
    for requirement in (*builder.VENV_PACKAGES, *builder.SPARK_PACKAGES, *CELERY_PACKAGES):
        name = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower()
        assert name in pinned, f"{name} is not pinned"


@pytest.mark.slow
def test_an_interrupted_set_up_is_rebuilt_not_reused_and_shows_progress(tmp_path: Path) -> None:
    venv = tmp_path / "airflow-venv"
    code = (
        "import sys; from pathlib import Path; from app.deploy import airflow_venv as b; "
        "b.ensure(Path(sys.argv[1]), print, packages=('six',), modules={'six': 'six'})"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", code, str(venv)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not (venv / builder.BUILDING).exists() and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()[0]
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)  # the user's Ctrl-C in the middle of the set-up
    first.communicate(timeout=60)
    assert builder.is_half_built(venv)

    said: list[str] = []
    builder.ensure(venv, said.append, packages=SMALL, modules=SMALL_MODULES)

    assert any("half-built" in line and "rebuilding" in line for line in said), said
    assert any(re.match(r"\[\s*\d+/\d+\] six", line) for line in said), said
    assert not builder.is_half_built(venv)
    assert builder.missing_modules(venv, SMALL_MODULES) == []
    # A ready venv is reused as it is: nothing is said, nothing rebuilt.
    again: list[str] = []
    builder.ensure(venv, again.append, packages=SMALL, modules=SMALL_MODULES)
    assert again == []


@pytest.mark.slow
def test_a_venv_without_what_tasks_need_is_refused_in_one_line(tmp_path: Path) -> None:
    venv = tmp_path / "their-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    with pytest.raises(builder.AirflowVenvError) as caught:
        builder.ensure(venv, packages=SMALL)  # what tasks need: papermill, ipykernel, ...
    message = str(caught.value)
    assert "\n" not in message
    assert "papermill" in message and str(venv) in message and "install" in message
    assert (venv / "bin" / "python").exists()  # a venv we did not build is never deleted
