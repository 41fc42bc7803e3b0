"""Fixtures for the editor tests: a main window over a private copy of the example."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")


@pytest.fixture
def window(qtbot, example_copy: Path):
    """The editor with the example open (as a user who ran ``stitchboard churn.stitch``)."""
    from PySide6 import QtCore, QtWidgets

    from app.gui.document import Document
    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    application()
    QtCore.QSettings("Stitchboard", "Stitchboard").clear()
    win = MainWindow(Document.open(example_copy))

    def forget_changes(w) -> None:  # pytest-qt closes widgets before fixtures tear down
        w.document.undo_stack.setClean()
        w.document.restored = False
        w.runs.shutdown()
        # A clipboard still holding our data when the process exits crashes PySide6 offscreen.
        QtWidgets.QApplication.clipboard().clear()

    qtbot.addWidget(win, before_close_func=forget_changes)
    win.resize(1400, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win


@pytest.fixture(autouse=True)
def _private_qsettings(isolated_user_dirs: Path):
    """QSettings under the test's temp config dir, never the developer's."""
    from PySide6 import QtCore

    QtCore.QSettings.setPath(
        QtCore.QSettings.NativeFormat,
        QtCore.QSettings.UserScope,
        str(isolated_user_dirs / "config"),
    )
    QtCore.QSettings.setPath(
        QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, str(isolated_user_dirs / "config")
    )
    yield


@pytest.fixture(autouse=True)
def _private_documents(isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's Documents folder (where 'Open the example' copies it) under the test's temp dir."""
    documents = isolated_user_dirs / "documents"
    documents.mkdir(exist_ok=True)
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    return documents


@pytest.fixture(autouse=True)
def memory_keyring():
    """An empty in-memory keyring per test (never the developer's real one)."""
    import keyring

    from tests.helpers import MemoryKeyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


# A real Airflow for the deploy-from-the-window test (session-wide; started only when asked for).
