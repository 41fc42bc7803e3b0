"""Missing X11 libraries give one line and exit 2, before Qt can print its plugin error (#12.10)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The libraries cannot be uninstalled for a test, so the child process hides two of them from
# ctypes (what the check uses); everything else about `stitchboard gui` is the real thing.
HIDE_TWO = textwrap.dedent(
    """
    import ctypes.util, sys
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda n: None if n in ("xcb-icccm", "xcb-keysyms") else real(n)
    from app.cli.main import main
    sys.exit(main(["gui"]))
    """
)


def _gui(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", HIDE_TWO],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_xcb_libraries_name_the_packages_in_one_line_and_exit_2():
    done = _gui({"DISPLAY": ":97"})  # an X display is set: Qt would pick its xcb plugin
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "libxcb-icccm4" in lines[0] and "libxcb-keysyms1" in lines[0]
    assert "apt-get install" in lines[0]
    assert "Traceback" not in done.stderr and "qt.qpa" not in done.stderr


def test_the_library_check_is_skipped_when_qt_will_not_use_x11(monkeypatch):
    from app.gui.launch import missing_display_packages, platform_is_xcb

    assert missing_display_packages(lambda name: True) == []
    assert missing_display_packages(lambda name: name != "xcb-cursor") == ["libxcb-cursor0"]
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not platform_is_xcb()
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert platform_is_xcb()


def _plain_gui(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")
    }
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "gui"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_display_suggests_a_virtual_screen_not_an_invisible_editor():
    done = _plain_gui({})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "xvfb-run" in lines[0]
    assert "QT_QPA_PLATFORM=offscreen" not in lines[0]


def test_an_offscreen_editor_is_refused_in_one_line_instead_of_hanging():
    """Following the old advice (QT_QPA_PLATFORM=offscreen) started an invisible editor that
    never exited; now it is one line, exit 2, at once (the timeout catches a hang)."""
    done = _plain_gui({"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no one can see" in lines[0] and "xvfb-run" in lines[0]
