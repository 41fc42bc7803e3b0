"""install-desktop.sh run for real into a temp HOME; the MIME database it builds is read by Qt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO

SCRIPT = REPO / "packaging" / "linux" / "install-desktop.sh"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A folder shaped like a built bundle; install-desktop.sh only links its binary, never runs it."""
    folder = tmp_path / "dist" / "stitchboard"
    (folder / "_internal").mkdir(parents=True)
    binary = folder / "stitchboard"
    binary.write_text("#!/bin/sh\nexit 0\n")
    binary.chmod(0o755)
    return folder


def install(home: Path, bundle: Path, *args: str, xdg: bool) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "USER": "tester",
        "STITCHBOARD_NO_XDG": "0" if xdg else "1",
    }
    return subprocess.run(
        ["bash", str(SCRIPT), "--bundle", str(bundle), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def qt_mime_of(path: Path, data_home: Path) -> str:
    """The MIME type Qt's QMimeDatabase gives a file, with the user's data folder at data_home."""
    code = (
        "import sys; from PySide6.QtCore import QMimeDatabase; "
        "print(QMimeDatabase().mimeTypeForFile(sys.argv[1]).name())"
    )
    env = dict(
        os.environ, XDG_DATA_HOME=str(data_home), XDG_DATA_DIRS="/usr/local/share:/usr/share"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


@pytest.mark.parametrize("xdg", [False, True], ids=["copy", "xdg-utils"])
def test_install_registers_menu_entry_icons_and_mime(
    tmp_path: Path, bundle: Path, xdg: bool
) -> None:
    if xdg and not shutil.which("xdg-mime"):
        pytest.skip("xdg-utils not installed (apt-get install -y xdg-utils)")
    if not shutil.which("update-mime-database"):
        pytest.skip("update-mime-database not installed (apt-get install -y shared-mime-info)")
    home = tmp_path / "home"
    home.mkdir()
    result = install(home, bundle, xdg=xdg)
    assert result.returncode == 0, result.stderr
    share = home / ".local" / "share"
    desktop = (share / "applications" / "stitchboard.desktop").read_text()
    assert f"Exec={bundle}/stitchboard %f" in desktop.splitlines()
    assert "MimeType=application/x-stitchboard;" in desktop.splitlines()
    assert (share / "icons/hicolor/256x256/apps/stitchboard.png").is_file()
    assert (share / "icons/hicolor/scalable/apps/stitchboard.svg").is_file()
    assert (home / ".local/bin/stitchboard").resolve() == (bundle / "stitchboard").resolve()
    assert (
        "application/x-stitchboard=stitchboard.desktop"
        in (home / ".config/mimeapps.list").read_text()
    )

    # Qt (and so every desktop built on shared-mime-info) now knows *.stitch, by name and by content
    named = tmp_path / "churn.stitch"
    shutil.copy(EXAMPLE, named)
    unnamed = tmp_path / "pipeline-without-extension"
    shutil.copy(EXAMPLE, unnamed)
    assert qt_mime_of(named, share) == "application/x-stitchboard"
    assert qt_mime_of(unnamed, share) == "application/x-stitchboard"

    result = install(home, bundle, "--uninstall", xdg=xdg)
    assert result.returncode == 0, result.stderr
    assert not (share / "applications" / "stitchboard.desktop").exists()
    assert not (home / ".local/bin/stitchboard").exists()
    assert qt_mime_of(named, share) != "application/x-stitchboard"


def test_install_without_a_bundle_says_so_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = install(home, tmp_path / "nowhere", xdg=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"install-desktop: FAILED: no executable {tmp_path / 'nowhere'}/stitchboard"
    ]
