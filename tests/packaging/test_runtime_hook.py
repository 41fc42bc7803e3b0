"""The frozen app's runtime hook, executed as PyInstaller would run it (sys.frozen set)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

HOOK = REPO / "packaging" / "hooks" / "rthook_stitchboard.py"
PROBE = (
    "import json, os, sys; sys.frozen = True; sys._MEIPASS = {meipass!r}; "
    "exec(compile(open({hook!r}).read(), 'rthook', 'exec')); "
    "print(json.dumps({{'executable': sys.executable, 'ld': os.environ.get('LD_LIBRARY_PATH'), "
    "'bundle': os.environ.get('STITCHBOARD_BUNDLE_EXECUTABLE'), "
    "'qt': os.environ.get('QT_PREFERRED_BINDING')}}))"
)


def run_hook(tmp_path: Path, **env: str) -> dict[str, str | None]:
    meipass = str(tmp_path / "_internal")
    code = PROBE.format(meipass=meipass, hook=str(HOOK))
    base = {
        k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "STITCHBOARD_PYTHON")
    }
    base.update({k: v.replace("MEIPASS", meipass) for k, v in env.items()})
    out = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_children_get_the_users_python_and_library_path(tmp_path: Path) -> None:
    fake_python = tmp_path / "bin" / "python3"
    fake_python.parent.mkdir()
    fake_python.write_text("#!/bin/sh\n")
    fake_python.chmod(0o755)
    seen = run_hook(
        tmp_path,
        PATH=f"{fake_python.parent}:/usr/bin:/bin",
        LD_LIBRARY_PATH="MEIPASS:/opt/lib",
        LD_LIBRARY_PATH_ORIG="/opt/lib",
    )
    assert seen["executable"] == str(fake_python)
    assert seen["bundle"] == sys.executable  # the real binary stays findable
    assert seen["ld"] == "/opt/lib"
    assert seen["qt"] == "PySide6"


def test_stitchboard_python_wins_and_bundle_only_library_path_is_dropped(tmp_path: Path) -> None:
    seen = run_hook(
        tmp_path, STITCHBOARD_PYTHON="/opt/py/bin/python3.12", LD_LIBRARY_PATH="MEIPASS"
    )
    assert seen["executable"] == "/opt/py/bin/python3.12"
    assert seen["ld"] is None
