"""Opening a big pipeline: the nodes a window shows first are built at once, the rest in slices.

Building a node view costs ~4-5 ms here (NodeGraphQt's item, title, ports, tooltips), so 1000
nodes took ~4.7 s before the canvas could paint (issue #12: black for ~9 s, then a fit so far
out that names were unreadable). Now the canvas builds the nodes in the graph's top-left corner
(what the window shows at a readable zoom), paints, and builds the others in slices of
``SLICE`` nodes per event-loop turn, nearest first, wiring each edge once both of its ends exist.
Model events during the build need nothing special: a removed node is skipped, a changed one is
built from the model as it is then, a new one is built by the canvas as usual.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from Qt import QtCore

EAGER_MAX = 400  # up to this many nodes, open builds everything before the first paint
FIRST_AREA = (1500.0, 900.0)  # scene units from the graph's top-left built before painting
SLICE = 60  # nodes per event-loop turn afterwards (~0.25 s: the window stays responsive)


class SlicedBuild(QtCore.QObject):
    """Builds a big pipeline's views: the first area now, the others after the first paint."""

    finished = QtCore.Signal()

    def __init__(self, canvas: Any) -> None:
        super().__init__()
        self.canvas = canvas
        nodes = list(canvas.pipeline.nodes)
        left = min((n.position[0] for n in nodes), default=0.0)
        top = min((n.position[1] for n in nodes), default=0.0)
        width, height = FIRST_AREA

        def first(node: Any) -> bool:
            x, y = node.position
            return left <= x <= left + width and top <= y <= top + height

        def distance(node: Any) -> float:
            return abs(node.position[0] - left) + abs(node.position[1] - top)

        self.first_ids = [n.id for n in nodes if first(n)]
        self._queue = deque(n.id for n in sorted(nodes, key=distance) if not first(n))
        self.cancelled = False
        viewer = canvas.viewer()
        # No index while building: Qt's BSP index, updated per inserted item, made a slice's
        # nodes ~5x dearer than a build without it; one index rebuild at the end instead.
        canvas.scene_index.pause()
        viewer.setUpdatesEnabled(False)
        try:
            canvas.build_views(self.first_ids)
        finally:
            viewer.setUpdatesEnabled(True)
        self._started = False
        viewer.viewport().installEventFilter(self)
        QtCore.QTimer.singleShot(1000, self._start)  # also when nothing ever paints (renders)

    @property
    def done(self) -> bool:
        return not self._queue

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        if event.type() == QtCore.QEvent.Paint and not self._started:
            QtCore.QTimer.singleShot(0, self._start)  # after this first paint has shown
        return False

    def _start(self) -> None:
        if self._started or self.cancelled:
            return
        self._started = True
        self.canvas.viewer().viewport().removeEventFilter(self)
        self._step()

    def _slice(self) -> None:
        ids = [self._queue.popleft() for _ in range(min(SLICE, len(self._queue)))]
        viewer = self.canvas.viewer()
        viewer.setUpdatesEnabled(False)
        try:
            self.canvas.build_views(ids)
        finally:
            viewer.setUpdatesEnabled(True)
        self.canvas.update_proxy_modes()
        self.canvas.views_built.emit()
        if not self._queue:
            self._restore_index()
            self.finished.emit()

    def _restore_index(self) -> None:
        self.canvas.scene_index.resume()

    def _step(self) -> None:
        if self.cancelled or not self._queue:
            return
        self._slice()
        if self._queue:
            QtCore.QTimer.singleShot(0, self._step)

    def finish_now(self) -> None:
        """Build everything that is left at once (before an operation that needs every view)."""
        self._started = True
        while self._queue and not self.cancelled:
            self._slice()

    def cancel(self) -> None:
        self.cancelled = True
        self._queue.clear()
        self._restore_index()
