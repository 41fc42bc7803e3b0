"""Make the user guide's screenshots: real offscreen renders of the editor with the example.

    python3 docs/make_screenshots.py [--out docs/images] [--only NAME ...]

Everything runs in a throw-away home folder (settings, recent files, the example's copy), so the
pictures never show the developer's own files and nothing of theirs is touched. The dry-run
picture comes from a real dry-run (real kernels, ~20 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZE = (1600, 900)
NAMES = ("start-page", "editor", "dry-run", "export-preview", "deploy-dialog", "profiles-dialog")


def _private_home() -> Path:
    """A fresh HOME with XDG folders, set before Qt or platformdirs read anything."""
    home = Path(tempfile.mkdtemp(prefix="stitchboard-shots-")) / "ana"
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DOCUMENTS_DIR", "Documents"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(home / sub)
    os.environ["HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")
    return home


def _settle(app, rounds: int = 5) -> None:  # noqa: ANN001
    for _ in range(rounds):
        app.processEvents()


def _window(app, path: Path | None):  # noqa: ANN001, ANN202
    from app.gui.document import Document
    from app.gui.main_window import MainWindow

    win = MainWindow(Document.open(path) if path else None)
    win.resize(*SIZE)
    win.show()
    _settle(app)
    if path:
        win.validator.run_now()
        win.canvas.fit_all()
    _settle(app)
    return win


def _save(pixmap, out: Path) -> None:  # noqa: ANN001
    if not pixmap.save(str(out)):
        raise SystemExit(f"{out}: cannot write the PNG")
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")


def _with_dialog(win, dialog, out: Path) -> None:  # noqa: ANN001
    """The window with a dialog over it, drawn with a title bar (offscreen has no window manager)."""
    from PySide6 import QtCore, QtGui

    base = win.grab()
    shot = dialog.grab()
    bar = 30
    painter = QtGui.QPainter(base)
    painter.setRenderHint(QtGui.QPainter.Antialiasing)
    painter.fillRect(base.rect(), QtGui.QColor(0, 0, 0, 110))
    x = (base.width() - shot.width()) // 2
    y = max(20, (base.height() - shot.height() - bar) // 2)
    frame = QtCore.QRect(x - 1, y - 1, shot.width() + 2, shot.height() + bar + 2)
    for grow, alpha in ((14, 25), (8, 45), (3, 70)):  # a soft shadow
        painter.fillRect(
            frame.adjusted(-grow, -grow + 6, grow, grow + 6), QtGui.QColor(0, 0, 0, alpha)
        )
    painter.fillRect(frame, QtGui.QColor("#1d2026"))
    painter.fillRect(QtCore.QRect(x, y, shot.width(), bar), QtGui.QColor("#2d323a"))
    painter.setPen(QtGui.QColor("#d6dbe2"))
    font = painter.font()
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        QtCore.QRect(x, y, shot.width(), bar), QtCore.Qt.AlignCenter, dialog.windowTitle()
    )
    painter.drawPixmap(x, y + bar, shot)
    painter.end()
    _save(base, out)


def _profiles(dags: Path) -> None:
    from app import settings
    from app.settings import Profile, Target

    data = settings.load()
    data.put(
        Profile(
            name="local",
            base_url="http://127.0.0.1:8793",
            username="admin",
            target=Target(kind="folder", path=str(dags)),
            backend="worker",
        )
    )
    data.put(
        Profile(
            name="prod",
            base_url="https://airflow.example.com",
            username="ana",
            target=Target(
                kind="git",
                repo="git@git.example.com:platform/dags.git",
                branch="main",
                subfolder="dags/stitchboard",
            ),
        )
    )
    data.default_profile = "local"
    data.save()


def _dry_run(app, win) -> None:  # noqa: ANN001
    from PySide6 import QtCore

    loop = QtCore.QEventLoop()
    win.runs.finished.connect(loop.quit)
    QtCore.QTimer.singleShot(300000, loop.quit)
    win.running.start_run()
    loop.exec()
    _settle(app)
    prep = win.document.pipeline.node_by_name("train_mlp")
    win.canvas.select_ids([prep.id])
    win.run_dock.raise_()
    _settle(app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--only", nargs="*", choices=NAMES, default=list(NAMES))
    args = parser.parse_args(argv)
    home = _private_home()
    sys.path.insert(0, str(REPO))
    from app.gui.launch import application
    from app.gui.start_page import copy_example

    app = application()
    args.out.mkdir(parents=True, exist_ok=True)
    out = {name: args.out / f"{name}.png" for name in NAMES}
    example = copy_example()  # ~/Documents/Stitchboard/churn/churn.stitch, as a user gets it
    _profiles(home / "airflow" / "dags")
    try:
        if "start-page" in args.only:
            first = _window(app, None)
            first.files.open_file(example)  # opened once: it shows under Recent
            first.close()
            win = _window(app, None)
            _save(win.grab(), out["start-page"])
            win.close()
        win = _window(app, example)
        if "editor" in args.only:
            _save(win.grab(), out["editor"])
        if "export-preview" in args.only:
            dialog = win.export_preview()
            dialog.resize(1100, 700)
            _settle(app)
            _with_dialog(win, dialog, out["export-preview"])
            dialog.close()
        if "deploy-dialog" in args.only:
            dialog = win.deploying.open_deploy_dialog()
            dialog.resize(620, 380)
            _settle(app)
            _with_dialog(win, dialog, out["deploy-dialog"])
            dialog.close()
        if "profiles-dialog" in args.only:
            dialog = win.deploying.open_profiles()
            dialog.list.setCurrentRow(1)
            dialog.resize(900, 560)
            _settle(app)
            _with_dialog(win, dialog, out["profiles-dialog"])
            dialog.close()
        if "dry-run" in args.only:
            _dry_run(app, win)
            _save(win.grab(), out["dry-run"])
        win.document.undo_stack.setClean()
        win.close()
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
