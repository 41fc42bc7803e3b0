"""Failures the user sees: a handler's exception goes to the status bar, a dialog and the log.

PySide6 prints an exception raised in a slot to stderr and carries on, so a failed save or a
failed edit looked like nothing happened (issue #12). Every action of the main window runs
through ``guarded``; ``install_excepthook`` catches what other widgets' handlers raise.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import platformdirs

log = logging.getLogger("stitchboard.gui")


class Shows(Protocol):
    """What a window needs to show a failure."""

    def show_status(self, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...


def log_file() -> Path:
    """The editor's log (the user's state folder; tests point it at a temp dir)."""
    return Path(platformdirs.user_log_dir("stitchboard")) / "editor.log"


def _handler_installed() -> bool:
    return any(getattr(h, "stitchboard", False) for h in log.handlers)


def ensure_log() -> Path:
    """Send the editor's errors to ``log_file()`` (once per process and per folder)."""
    path = log_file()
    for handler in list(log.handlers):
        if getattr(handler, "stitchboard", False) and Path(handler.baseFilename) != path:  # type: ignore[attr-defined]
            log.removeHandler(handler)
            handler.close()
    if not _handler_installed():
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.stitchboard = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


def message_of(where: str, exc: BaseException) -> str:
    """One line for the status bar: what failed and why."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{where} failed: {text}"


def report(window: Shows, where: str, exc: BaseException, dialog: bool = False) -> str:
    """Show a failure in ``window`` (status bar; a dialog too when ``dialog``) and log it."""
    message = message_of(where, exc)
    log.error("%s\n%s", message, "".join(traceback.format_exception(exc)).rstrip())
    try:
        window.show_status(message)
        if dialog:
            window.show_error(f"{where} failed", message)
    except RuntimeError:  # the window is already gone (closing)
        pass
    return message


def guarded(
    window: Shows, where: str, slot: Callable[[], Any], dialog: bool = False
) -> Callable[[], Any]:
    """``slot`` that reports its exceptions in ``window`` instead of losing them on stderr."""

    def run() -> Any:
        try:
            return slot()
        except Exception as exc:
            report(window, where, exc, dialog)
            return False

    return run


def install_excepthook(current_window: Callable[[], Shows | None]) -> None:
    """Report exceptions that escape any Qt handler in the current window (and on stderr)."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        window = current_window()
        if window is None or not isinstance(exc, Exception):
            previous(kind, exc, tb)
            return
        report(window, "An action", exc.with_traceback(tb))
        sys.stderr.write(message_of("An action", exc) + "\n")

    sys.excepthook = hook
