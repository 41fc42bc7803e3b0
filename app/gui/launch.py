"""Starting the editor (with a display check) and rendering a pipeline to PNG offscreen."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Qt loads only once a display is known to be there
    from app.gui.main_window import MainWindow

NO_DISPLAY = (
    "no display found (DISPLAY/WAYLAND_DISPLAY unset): the editor needs a screen; start it "
    "on a virtual one (xvfb-run -a stitchboard FILE), or work headless "
    "(stitchboard validate|dry-run|export|render, see stitchboard --help)"
)
# Platforms on which the editor would run but no one could see it (and it would never exit).
INVISIBLE_PLATFORMS = ("offscreen", "minimal", "vnc")


def invisible_platform_message() -> str:
    """Why ``stitchboard FILE`` refuses QT_QPA_PLATFORM=offscreen (empty when it is fine)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if platform not in INVISIBLE_PLATFORMS or os.environ.get("STITCHBOARD_INVISIBLE_EDITOR"):
        return ""
    return (
        f"QT_QPA_PLATFORM={platform} would start an editor no one can see, that never exits; "
        "unset it (a real display), use xvfb-run -a stitchboard FILE (a virtual one), or "
        "stitchboard render FILE -o OUT.png to draw the pipeline"
    )


def has_display() -> bool:
    """Whether creating a QApplication is safe (without one, Qt aborts the process)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# What Qt's xcb platform plugin loads beyond libxcb itself: (library name, Debian/Ubuntu package).
# Without one of them Qt prints a dozen lines naming only libxcb-cursor0, then aborts.
XCB_LIBRARIES = (
    ("xcb-cursor", "libxcb-cursor0"),
    ("xcb-icccm", "libxcb-icccm4"),
    ("xcb-keysyms", "libxcb-keysyms1"),
    ("xcb-image", "libxcb-image0"),
    ("xcb-randr", "libxcb-randr0"),
    ("xcb-render-util", "libxcb-render-util0"),
    ("xcb-shape", "libxcb-shape0"),
    ("xcb-xkb", "libxcb-xkb1"),
    ("xkbcommon-x11", "libxkbcommon-x11-0"),
)


def platform_is_xcb() -> bool:
    """Whether Qt will pick its X11 (xcb) plugin: Linux, an X display, no other platform asked."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0] == "xcb"
    if not sys.platform.startswith("linux"):
        return False
    return bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")


def _loadable(name: str) -> bool:
    found = ctypes.util.find_library(name)
    if found is None:
        return False
    try:
        ctypes.CDLL(found)
    except OSError:
        return False
    return True


def missing_display_packages(loadable: Callable[[str], bool] = _loadable) -> list[str]:
    """Debian/Ubuntu packages of xcb libraries Qt needs for a real window and cannot load."""
    return [package for library, package in XCB_LIBRARIES if not loadable(library)]


def missing_libraries_message(packages: list[str]) -> str:
    """The one line a user sees instead of Qt's multi-line plugin error."""
    return (
        "the editor's X11 window needs system libraries that are missing: "
        f"{' '.join(packages)} (Debian/Ubuntu: sudo apt-get install {' '.join(packages)})"
    )


# Harmless notes from Qt's offscreen/xcb platform plugins that users cannot act on.
_PLATFORM_NOISE = ("does not support propagateSizeHints", "This plugin does not support")


def _quiet_platform_noise(mode: object, context: object, message: str) -> None:
    """Qt's messages go to stderr as usual, minus platform-plugin noise."""
    if not any(noise in message for noise in _PLATFORM_NOISE):
        sys.stderr.write(message + "\n")


def application() -> object:
    """The QApplication (created once), with the house stylesheet."""
    from PySide6 import QtCore, QtGui, QtWidgets

    from app.gui.look import stylesheet

    app = QtWidgets.QApplication.instance()
    if app is None:
        QtCore.qInstallMessageHandler(_quiet_platform_noise)
        QtGui.QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            QtCore.Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QtWidgets.QApplication(sys.argv[:1])
        app.setApplicationName("Stitchboard")
        app.setOrganizationName("Stitchboard")
        app.setStyle("Fusion")
        app.setStyleSheet(stylesheet())
        # Data left on the clipboard at exit crashes PySide6 (seen offscreen): leave it empty.
        app.aboutToQuit.connect(lambda: QtWidgets.QApplication.clipboard().clear())
    return app


def run_editor(path: str | None = None) -> int:
    """Open the main window (and ``path``); returns the exit code."""
    app = application()
    from app.gui.guard import install_excepthook
    from app.gui.main_window import MainWindow

    window = MainWindow()
    install_excepthook(lambda: window if window.isVisible() else None)
    window.show()
    start(window, path)
    return int(app.exec())  # type: ignore[attr-defined]


def start(window: MainWindow, path: str | None) -> None:
    """What a start shows: ``path`` (or its unsaved changes after a crash), else any crash's."""
    restored = window.files.offer_recovery(ask=True, path=Path(path) if path else None)
    if path and not restored:
        window.files.open_file(Path(path))


def render(
    path: str | Path, out: str | Path, width: int = 1600, height: int = 900, window: bool = True
) -> Path:
    """Draw a pipeline (the whole editor window, or only the canvas) to a PNG file."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    from app.gui.document import Document
    from app.gui.main_window import MainWindow

    document = Document.open(Path(path))
    win = MainWindow(document)
    # One static picture needs no scene index: the BSP tree Qt builds on the first paint took
    # ~800 MB for 2,000 nodes (28,000 items; render peaked at 1.19 GB, without it 0.41 GB).
    from PySide6.QtWidgets import QGraphicsScene

    win.canvas.viewer().scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
    win.resize(width, height)
    win.show()
    app.processEvents()  # type: ignore[attr-defined]
    win.validator.run_now()
    win.canvas.fit_all()
    app.processEvents()  # type: ignore[attr-defined]
    widget = win if window else win.canvas.widget
    out = Path(out)
    if not widget.grab().save(str(out)):
        from graph_editor.errors import StitchboardError

        raise StitchboardError(f"{out}: cannot write the PNG")
    win.document.undo_stack.setClean()
    win.close()
    # A closed window is only hidden: without deleting it, each render in one process kept its
    # window, scene and 17 top-level widgets (+125 MB per 1000-node render, measured by
    # benchmarks/bench_render.py); deleted now, RSS stays flat from the second render on.
    from PySide6.QtCore import QCoreApplication, QEvent

    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return out
