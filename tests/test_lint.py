"""The tree stays ruff-clean (the house's lint), so style drift fails CI, not review."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or f"{sys.executable} -m ruff"
    done = subprocess.run(
        [
            *ruff.split(),
            "check",
            "--output-format",
            "concise",
            "app",
            "graph_editor",
            "exporters",
            "benchmarks",
            "tests",
            "resources/runtime",
            "packaging",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean():
    """The style guide says Ruff formats: a module it would rewrite fails here, not in review."""
    ruff = shutil.which("ruff") or f"{sys.executable} -m ruff"
    done = subprocess.run(
        [*ruff.split(), "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
