"""The scene's item index: Qt's BSP tree, given the area the nodes cover so that it can work.

Qt's BSP index splits the last scene rect it heard of: one given to ``setSceneRect``, or the
scene's growing item rect when someone asks for it and it has changed. NodeGraphQt sets only the
view's rect, and a big pipeline opens with no index (``lazy_build``); the index made afterwards
heard of no rect at all, split an empty one, and answered every lookup with every item. Each
paint, hover and drag frame then asked all 6,000 ports and 6,000 port captions of a 1000-node
pipeline for their bounding rects: a drag frame cost ~35-90 ms, a lookup of a 5 x 5 area 20 ms.
With the nodes' area as the scene rect that lookup asks ~10 items and a drag frame costs ~5 ms
(issue #12; ``benchmarks/bench_editor.py``).

Items outside the area are still found (the tree's edge cells hold them), only less cheaply,
so the area grows after an edit rather than on every mouse move, with ``MARGIN`` to spare.
"""

from __future__ import annotations

from Qt import QtCore, QtWidgets

MARGIN = 2000.0  # scene units of room around the nodes before the index is rebuilt (~35 ms)


class SceneIndex:
    """Keeps a scene's rect around its nodes (for the BSP index); pauses it for bulk builds."""

    def __init__(self, scene: QtWidgets.QGraphicsScene) -> None:
        self._scene = scene
        self._area = QtCore.QRectF()
        self._paused: QtWidgets.QGraphicsScene.ItemIndexMethod | None = None

    @property
    def area(self) -> QtCore.QRectF:
        """The scene rect the index is built over (null until something was covered)."""
        return QtCore.QRectF(self._area)

    def cover(self, rect: QtCore.QRectF) -> None:
        """Grow the indexed area to hold ``rect`` (some nodes' scene rect), with room to spare."""
        if rect.isNull() or self._area.contains(rect):
            return
        grown = rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self._area = grown if self._area.isNull() else self._area.united(grown)
        self._scene.setSceneRect(self._area)

    def reset(self) -> None:
        """Forget the area (another pipeline is shown); the next ``cover`` starts afresh."""
        self._area = QtCore.QRectF()
        self._scene.setSceneRect(QtCore.QRectF())

    def pause(self) -> None:
        """No index while many items are added: one rebuild at ``resume`` instead of N updates."""
        if self._paused is None:
            self._paused = self._scene.itemIndexMethod()
            self._scene.setItemIndexMethod(QtWidgets.QGraphicsScene.NoIndex)

    def resume(self) -> None:
        """Index again, over the area: a new index does not learn an unchanged scene rect."""
        if self._paused is None:
            return
        self._scene.setItemIndexMethod(self._paused)
        self._paused = None
        if not self._area.isNull():
            self._scene.setSceneRect(QtCore.QRectF())  # setSceneRect tells the index on changes
            self._scene.setSceneRect(self._area)
