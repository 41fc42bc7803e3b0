"""mypy on the pure packages (the model, exporters and the headless services), as STYLE.md asks."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PURE = [
    "graph_editor",
    "exporters",
    "app/runner",
    "app/deploy",
    "app/cli",
    "app/settings.py",
    "app/credentials.py",
    "app/events.py",
    "resources/runtime",
]


@pytest.mark.slow
def test_pure_packages_type_check():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            *PURE,
            "--exclude",
            "graph_editor/qt",
            "--ignore-missing-imports",
            "--follow-imports=silent",
            "--no-error-summary",
            "--cache-dir",
            "/tmp/stitchboard-mypy-cache",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
