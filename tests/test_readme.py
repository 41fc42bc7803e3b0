"""The README's set-up is what CI does: CI runs its two commands word for word on a fresh clone,
adds no setting they do not have, and every system package CI installs is named in the README."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")
FRESH = (REPO / ".ci" / "fresh-readme.sh").read_text(encoding="utf-8")
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


def test_ci_runs_both_readme_commands_word_for_word_on_a_fresh_clone() -> None:
    assert "bash .ci/fresh-readme.sh --tests" in CI
    # The script reads the commands out of this README (nothing retyped that could drift).
    assert 'open("README.md"' in FRESH and 'bash -c "${commands[1]}"' in FRESH
    assert "timeout" in FRESH and "LIMIT=1200" in FRESH  # each command fails past 20 minutes


def test_ci_adds_no_setting_that_the_readme_commands_do_not_have() -> None:
    """No constraints file, no pip or Stitchboard variable: CI's install is a newcomer's."""
    for script, text in ((".ci/run", CI), (".ci/fresh-readme.sh", FRESH)):
        code = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
        for setting in ("PIP_CONSTRAINT", "constraints.txt", "--constraint", "STITCHBOARD_"):
            assert setting not in code, f"{script} sets {setting}"
        assert not re.search(r"^\s*export PIP_", code, re.M), script
    # The fresh run's whole environment: a path, a fresh home and temp folder, a locale, and
    # an empty pip cache (slower, never different).
    env = FRESH.split("fresh=(env -i", 1)[1].split(")", 1)[0]
    names = set(re.findall(r"([A-Z_]+)=", env))
    assert names == {"PATH", "HOME", "TMPDIR", "LANG", "PIP_NO_CACHE_DIR"}, names


def test_every_system_package_ci_installs_is_in_the_readme() -> None:
    install = CI.split("install -y -qq --no-install-recommends", 1)[1].split(">/dev/null", 1)[0]
    packages = set(install.replace("\\", " ").split()) - CI_ONLY
    words = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", README.split("## The notebook contract")[0]))
    assert packages <= words, sorted(packages - words)
