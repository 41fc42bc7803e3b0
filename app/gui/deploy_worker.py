"""Deploy in the window: a worker thread that relays ``app.deploy.deploy`` events as Qt signals."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtWidgets

from app.deploy.airflow import preload as preload_client
from app.gui.background import BackgroundController
from graph_editor.errors import StitchboardError
from graph_editor.pipeline import Pipeline

AskSecret = Callable[[str], "str | None"]


def ask_secret_dialog(label: str) -> str | None:
    """Ask for a password or token in a modal dialog (GUI thread); None when cancelled."""
    parent = QtWidgets.QApplication.activeWindow()
    text, ok = QtWidgets.QInputDialog.getText(
        parent,
        "Stitchboard: secret needed",  # type: ignore[arg-type]
        label.rstrip(": ") + " (not stored)",
        QtWidgets.QLineEdit.Password,
    )
    return text if ok else None


class SecretBridge(QtCore.QObject):
    """Lets a worker thread ask the user for a secret on the GUI thread and wait for the answer."""

    _asked = QtCore.Signal(str, object)

    def __init__(self, ask: AskSecret, cancel: threading.Event) -> None:
        super().__init__()
        self.ask = ask
        self.cancel = cancel
        self._asked.connect(self._on_asked, QtCore.Qt.QueuedConnection)

    def _on_asked(self, label: str, box: dict) -> None:
        try:
            box["value"] = self.ask(label)
        finally:
            box["done"].set()

    def prompt(self, label: str) -> str:
        """The ``credentials.Prompt`` for services: called on the worker thread, blocks until answered."""
        box: dict[str, Any] = {"value": None, "done": threading.Event()}
        self._asked.emit(label, box)
        while not box["done"].wait(0.1):
            if self.cancel.is_set():
                return ""
        return box["value"] or ""


def one_line(exc: BaseException) -> str:
    """A failure as the one line a user reads."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class DeployWorker(QtCore.QObject):
    """Runs one deploy (``app.deploy.deploy``) in its own thread; events arrive on the GUI thread."""

    event = QtCore.Signal(object)
    failed = QtCore.Signal(str, str)  # one line, details (an import traceback or "")
    finished = QtCore.Signal()

    def __init__(
        self,
        pipeline: Pipeline,
        profile: Any,
        options: Any,
        prompt: Callable[[str], str] | None,
        cancel: threading.Event,
    ) -> None:
        super().__init__()
        # A snapshot: the user may keep editing while the deploy goes on.
        self.pipeline = pipeline.copy()
        self.profile, self.options, self.prompt, self.cancel = profile, options, prompt, cancel

    @QtCore.Slot()
    def work(self) -> None:
        from app.deploy import deploy

        try:
            for event in deploy(
                self.pipeline, self.profile, self.options, prompt=self.prompt, cancel=self.cancel
            ):
                self.event.emit(event)
                if self.cancel.is_set() and not self.options.wait:
                    break
        except StitchboardError as exc:
            self.failed.emit(one_line(exc), str(getattr(exc, "traceback", "") or ""))
        except Exception as exc:  # a bug in a service must not take the window down
            self.failed.emit(f"internal error: {type(exc).__name__}: {one_line(exc)}", "")
        finally:
            self.finished.emit()


class DeployController(BackgroundController):
    """Owns the worker thread of the current deploy (at most one at a time)."""

    event = QtCore.Signal(object)
    failed = QtCore.Signal(str, str)
    shutdown_ms = 15000

    def __init__(
        self, parent: QtCore.QObject | None = None, ask: AskSecret = ask_secret_dialog
    ) -> None:
        super().__init__(parent)
        self.ask = ask
        self.cancel_event = threading.Event()
        self.bridge: SecretBridge | None = None

    def start(self, pipeline: Pipeline, profile: Any, options: Any) -> bool:
        """Start a deploy; False when one is already running."""
        if self.running:
            return False
        preload_client()
        self.cancel_event = threading.Event()
        self.bridge = SecretBridge(self.ask, self.cancel_event)
        self._launch(
            DeployWorker(pipeline, profile, options, self.bridge.prompt, self.cancel_event)
        )
        return True

    def cancel(self) -> None:
        """Stop waiting for the run (the deploy itself finishes its current step)."""
        self.cancel_event.set()
