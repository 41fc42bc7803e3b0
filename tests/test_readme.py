"""The README's set-up is what CI does: its test command is the one `.ci/run` runs, in a venv,
and every system package CI installs for the app or the tests is named in the README."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")
# CI-only tools (packaging checks, screenshots), not needed to use or test the app.
CI_ONLY = {"desktop-file-utils", "xdg-utils", "shared-mime-info", "imagemagick"}


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README.split("## The notebook contract")[0], re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_set_up_is_two_commands_in_a_venv() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert all(c.startswith("python3 -m venv .venv && .venv/bin/pip install -e ") for c in commands)
    assert "stitchboard resources/examples/churn/churn.stitch" in commands[0]
    assert commands[1].endswith(".venv/bin/python -m pytest -n 2 --dist loadfile")  # both cores


def test_ci_runs_the_readmes_test_command() -> None:
    test_command = readme_commands()[1]
    assert test_command in CI


def test_every_system_package_ci_installs_is_in_the_readme() -> None:
    install = CI.split("install -y -qq --no-install-recommends", 1)[1].split(">/dev/null", 1)[0]
    packages = set(install.replace("\\", " ").split()) - CI_ONLY
    words = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", README.split("## The notebook contract")[0]))
    assert packages <= words, sorted(packages - words)
