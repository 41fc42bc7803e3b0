"""The dry-run in the window: a worker thread that relays the runner's events as Qt signals."""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore

from app.gui.background import BackgroundController
from graph_editor.errors import StitchboardError
from graph_editor.pipeline import Pipeline


class RunWorker(QtCore.QObject):
    """Runs ``DryRun.events()`` in its own thread; every event arrives on the GUI thread."""

    event = QtCore.Signal(object)
    failed = QtCore.Signal(str)
    finished = QtCore.Signal()

    def __init__(
        self,
        pipeline: Pipeline,
        overrides: dict[str, Any] | None = None,
        only: tuple[str, ...] = (),
        from_node: str | None = None,
    ) -> None:
        super().__init__()
        self.only, self.from_node = only, from_node
        # A snapshot: the user may keep editing while the run goes on.
        self.pipeline = pipeline.copy()
        self.overrides = dict(overrides or {})
        self.run: Any = None
        self._cancelled = False

    @QtCore.Slot()
    def work(self) -> None:
        from app.runner import DryRun, RunOptions

        try:
            self.run = DryRun(
                self.pipeline,
                RunOptions(
                    overrides=self.overrides,
                    jobs=None,
                    run_dir=None,
                    prepare_only=False,
                    only=self.only,
                    from_node=self.from_node,
                    use_cache=True,
                ),
            )
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


class RunController(BackgroundController):
    """Owns the worker thread of the current run (at most one at a time)."""

    event = QtCore.Signal(object)
    failed = QtCore.Signal(str)

    def start(
        self,
        pipeline: Pipeline,
        overrides: dict[str, Any] | None = None,
        only: tuple[str, ...] = (),
        from_node: str | None = None,
    ) -> None:
        if not self.running:
            self._launch(RunWorker(pipeline, overrides, only, from_node))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
