"""smoke.sh's verdicts, on a bundle-shaped folder whose binary runs the installed CLI.

The frozen bundle itself is smoke-tested by packaging/ci.sh (a PyInstaller build takes about a
minute of both cores, too slow for the test suite); here the binary is a wrapper around the real
``stitchboard`` CLI of this checkout, so validate and render run for real (each CLI start
costs ~2 s from source, hence the slow markers).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_DIR, REPO

SMOKE = REPO / "packaging" / "smoke.sh"


def make_bundle(dist: Path, body: str) -> Path:
    """dist/stitchboard/stitchboard = a shell script; ``$REAL`` in body runs the real CLI."""
    folder = dist / "stitchboard"
    inside = folder / "_internal" / "resources" / "examples" / "churn"
    shutil.copytree(EXAMPLE_DIR, inside, ignore=shutil.ignore_patterns("*.runs", "__pycache__"))
    real = f"{sys.executable} -c 'import sys; from app.cli.main import main; sys.exit(main())'"
    binary = folder / "stitchboard"
    binary.write_text(f"#!/bin/sh\ncd {REPO}\n{body.replace('$REAL', real)}\n")
    binary.chmod(0o755)
    return dist


def smoke(dist: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(dist)}
    return subprocess.run(
        ["bash", str(SMOKE), str(dist)],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_smoke_passes_on_a_working_cli_including_render(tmp_path: Path) -> None:
    dist = make_bundle(tmp_path / "dist", 'exec $REAL "$@"')
    result = smoke(dist)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke: ok   render -> 800x500 PNG" in result.stdout
    assert result.stdout.strip().endswith("smoke: passed")


@pytest.mark.slow
def test_smoke_fails_with_one_line_when_render_breaks(tmp_path: Path) -> None:
    body = (
        '[ "$1" = render ] && { echo "Fatal: no Qt platform plugin" >&2; exit 3; }\nexec $REAL "$@"'
    )
    result = smoke(make_bundle(tmp_path / "dist", body))
    assert result.returncode == 1
    assert last_line(result) == "smoke: FAILED: render: exit code 3"
    assert "no Qt platform plugin" in result.stderr  # the cause is shown above the verdict


@pytest.mark.slow
def test_smoke_fails_when_render_writes_a_blank_picture(tmp_path: Path) -> None:
    blank = (
        "from PySide6.QtGui import QImage, QGuiApplication; import sys; "
        "a = QGuiApplication(['x', '-platform', 'offscreen']); i = QImage(800, 500, QImage.Format_RGB32); "
        "i.fill(0xffffff); i.save(sys.argv[1])"
    )
    body = (
        f'if [ "$1" = render ]; then exec {sys.executable} -c "{blank}" "$4"; fi\nexec $REAL "$@"'
    )
    result = smoke(make_bundle(tmp_path / "dist", body))
    assert result.returncode == 1
    assert last_line(result).startswith("smoke: FAILED: render: PNG is only ")


@pytest.mark.slow
def test_smoke_skips_render_until_the_build_has_it_then_requires_it(tmp_path: Path) -> None:
    body = '[ "$1" = --help ] && { $REAL --help | grep -v "^ *render "; exit 0; }\nexec $REAL "$@"'
    dist = make_bundle(tmp_path / "dist", body)
    result = smoke(dist)
    assert result.returncode == 0, result.stderr
    assert "render: not available in this build" in result.stdout
    required = smoke(dist, STITCHBOARD_SMOKE_REQUIRE_RENDER="1")
    assert required.returncode == 1
    assert "render" in last_line(required) and last_line(required).startswith("smoke: FAILED:")


def test_smoke_fails_when_version_does_not_come_from_metadata(tmp_path: Path) -> None:
    body = '[ "$1" = --version ] && { echo "stitchboard 0+unknown"; exit 0; }\nexec $REAL "$@"'
    result = smoke(make_bundle(tmp_path / "dist", body))
    assert result.returncode == 1
    assert last_line(result).startswith("smoke: FAILED: --version: printed 'stitchboard 0+unknown'")


def test_smoke_without_a_build_says_how_to_make_one(tmp_path: Path) -> None:
    result = smoke(tmp_path / "empty")
    assert result.returncode == 1
    assert "no executable at" in last_line(result) and "build_linux.sh" in last_line(result)
