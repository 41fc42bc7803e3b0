"""The dry-run in the window: a worker thread that relays the runner's events as Qt signals."""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore

from graph_editor import fileformat
from graph_editor.errors import StitchboardError
from graph_editor.pipeline import Pipeline


class RunWorker(QtCore.QObject):
    """Runs ``DryRun.events()`` in its own thread; every event arrives on the GUI thread."""

    event = QtCore.Signal(object)
    failed = QtCore.Signal(str)
    finished = QtCore.Signal()

    def __init__(self, pipeline: Pipeline, overrides: dict[str, Any] | None = None) -> None:
        super().__init__()
        # A snapshot: the user may keep editing while the run goes on.
        self.pipeline = fileformat.loads(fileformat.dumps(pipeline), pipeline.path or "<memory>")
        self.overrides = dict(overrides or {})
        self.run: Any = None
        self._cancelled = False

    @QtCore.Slot()
    def work(self) -> None:
        from app.runner import DryRun, RunOptions

        try:
            self.run = DryRun(self.pipeline, RunOptions(overrides=self.overrides, jobs=None, run_dir=None,
                                                        prepare_only=False, only=(), from_node=None,
                                                        use_cache=True))
            if self._cancelled:
                self.run.cancel()
            for event in self.run.events():
                self.event.emit(event)
        except StitchboardError as exc:
            self.failed.emit(str(exc).splitlines()[0])
        except Exception as exc:  # a bug in a service must not take the window down
            self.failed.emit(f"internal error: {type(exc).__name__}: {exc}")
        finally:
            self.finished.emit()

    def cancel(self) -> None:
        """Ask the run to stop (safe from the GUI thread)."""
        self._cancelled = True
        if self.run is not None:
            self.run.cancel()


class RunController(QtCore.QObject):
    """Owns the worker thread of the current run (at most one at a time)."""

    event = QtCore.Signal(object)
    failed = QtCore.Signal(str)
    finished = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.thread: QtCore.QThread | None = None
        self.worker: RunWorker | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None

    def start(self, pipeline: Pipeline, overrides: dict[str, Any] | None = None) -> None:
        if self.running:
            return
        self.thread = QtCore.QThread()
        self.worker = RunWorker(pipeline, overrides)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.work)
        self.worker.event.connect(self.event)
        self.worker.failed.connect(self.failed)
        self.worker.finished.connect(self._done)
        self.thread.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

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
            self.thread.wait(10000)
