"""One background job at a time on its own QThread: start it, hear its end, stop it on close.

Subclasses declare their ``event`` and ``failed`` signals and how to cancel; the worker they
launch is a QObject with ``work()`` and ``event``/``failed``/``finished`` signals.
"""

from __future__ import annotations

from PySide6 import QtCore


class BackgroundController(QtCore.QObject):
    """Owns the worker thread of the current job (at most one at a time)."""

    finished = QtCore.Signal()
    shutdown_ms = 10000

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.thread: QtCore.QThread | None = None
        self.worker: QtCore.QObject | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None

    def _launch(self, worker: QtCore.QObject) -> None:
        self.thread = QtCore.QThread()
        self.worker = worker
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.work)
        worker.event.connect(self.event)
        worker.failed.connect(self.failed)
        worker.finished.connect(self._done)
        self.thread.start()

    def cancel(self) -> None:  # pragma: no cover - every subclass says how it cancels
        raise NotImplementedError

    def _done(self) -> None:
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
        self.thread, self.worker = None, None
        self.finished.emit()

    def shutdown(self) -> None:
        """Cancel and wait (window closing)."""
        if self.thread is not None:
            self.cancel()
            self.thread.quit()
            self.thread.wait(self.shutdown_ms)
