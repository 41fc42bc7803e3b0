"""Editor speed for 100 and 1000 nodes: open until painted, every view built, a node drag's frame
time (and whether it leaves stale pixels), and an edit (add a wire, re-validate, repaint).

Prints absolute times and ratios against a baseline measured in the same run (loading the same
pipeline into the pure model only). Targets (issue #12): painted <= 2 s after the window is
created for 1000 nodes; a drag <= 50 ms per frame; an edit without a visible stall. Run it
offscreen (default) and in a real X server: ``xvfb-run -a env QT_QPA_PLATFORM=xcb python3
benchmarks/bench_editor.py``. ``BENCH_NODES=1000`` measures one size only.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZES = [int(n) for n in os.environ.get("BENCH_NODES", "100,1000").split(",")]
N = SIZES[-1]  # make_file's size (set per run by main)


def make_file(folder: Path) -> Path:
    """A layered pipeline of N copies of the example notebooks, each wired to the previous one."""
    import shutil

    from graph_editor import fileformat
    from graph_editor.build import apply_layout
    from graph_editor.nodes import Edge, Node, Port
    from graph_editor.pipeline import Pipeline
    from graph_editor.types import PortType

    for nb in (REPO / "resources/examples/churn").glob("*.ipynb"):
        shutil.copy(nb, folder / nb.name)
    path = folder / "big.stitch"
    pipeline = Pipeline(path=path)
    ports_in = (Port("train", PortType.DICT), Port("test", PortType.DICT))
    ports_out = (Port("train", PortType.DICT), Port("test", PortType.DICT))
    previous = None
    for i in range(N):
        node = pipeline.add_node(
            Node(
                id=f"n{i:05d}",
                name=f"task_{i}",
                source="prepare_data.ipynb",
                inputs=ports_in if i else (),
                outputs=ports_out,
            )
        )
        if previous is not None and i % 10:
            pipeline.add_edge(Edge(previous.id, node.id, "train", "train"))
        previous = node
    apply_layout(pipeline)
    fileformat.save(pipeline, path)
    return path


def _settle(app: object) -> None:
    """Run queued work (zoom-to-fit is queued by the window) and the paints it causes."""
    for _ in range(3):
        app.processEvents()


class _FirstPaint:
    """Notes when the canvas's viewport has finished its first paint."""

    def __init__(self, viewport: object) -> None:
        from PySide6 import QtCore

        class Filter(QtCore.QObject):
            painted = False

            def eventFilter(self, watched, event):  # noqa: N802 - Qt calls this
                if event.type() == QtCore.QEvent.Paint:
                    QtCore.QTimer.singleShot(0, lambda: setattr(self, "painted", True))
                return False

        self.filter = Filter()
        viewport.installEventFilter(self.filter)


def _drag_frames(app: object, window: object, frames: int = 20) -> tuple[list[float], bool]:
    """Drag a visible node by mouse; the time of each frame (move + repaint), and stale pixels."""
    from PySide6 import QtCore
    from PySide6.QtTest import QTest

    viewer = window.canvas.viewer()
    viewport = viewer.viewport()
    shown = viewer.mapToScene(viewport.rect()).boundingRect()
    node = next(
        n
        for n in window.document.pipeline.nodes
        if n.id in window.canvas._views
        and shown.contains(window.canvas.nodes_rect([n.id]).center())
    )
    start = viewer.mapFromScene(window.canvas.nodes_rect([node.id]).center())
    QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    times = []
    for step in range(1, frames + 1):
        t0 = time.perf_counter()
        QTest.mouseMove(viewport, start + QtCore.QPoint(4 * step, 3 * step))
        viewport.repaint()  # the frame the user sees, painted now
        times.append(time.perf_counter() - t0)
    end = start + QtCore.QPoint(4 * frames, 3 * frames)
    QTest.mouseRelease(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, end)
    _settle(app)
    after_drag = viewport.grab().toImage()
    viewport.update()  # a full repaint: what the canvas should have shown all along
    _settle(app)
    stale = after_drag != viewport.grab().toImage()
    window.document.undo_stack.undo()  # the move was one undo step
    _settle(app)
    return times, stale


def measure(app: object, size: int, tmp: Path) -> None:
    global N
    from app.gui.document import Document
    from app.gui.main_window import MainWindow
    from graph_editor import fileformat
    from graph_editor.nodes import Edge

    N = size
    folder = tmp / f"n{size}"
    folder.mkdir()
    path = make_file(folder)
    t0 = time.perf_counter()
    fileformat.load(path)
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    window = MainWindow(Document.open(path))
    built = time.perf_counter() - t0
    first = _FirstPaint(window.canvas.viewer().viewport())
    window.resize(1400, 850)
    window.show()
    while not first.filter.painted:
        app.processEvents()
    opened = time.perf_counter() - t0
    zoom = window.canvas.viewer().transform().m11()
    canvas = window.canvas
    first_area = len(canvas._sliced.first_ids) if canvas._sliced is not None else size
    while canvas._sliced is not None and not canvas._sliced.done:
        app.processEvents()
    _settle(app)
    complete = time.perf_counter() - t0

    t0 = time.perf_counter()
    window.validator.run_now()
    validate = time.perf_counter() - t0
    _settle(app)  # paint the first problems and badges now, not inside the edit's timing

    viewport = canvas.viewer().viewport()
    t0 = time.perf_counter()
    viewport.repaint()
    full_paint = time.perf_counter() - t0

    frames, stale = _drag_frames(app, window)
    frame_ms = 1000 * sum(frames) / len(frames)
    worst_ms = 1000 * max(frames)

    pipeline = window.document.pipeline
    a, b = pipeline.node_by_name("task_9"), pipeline.node_by_name("task_10")
    t0 = time.perf_counter()
    ok = canvas.editing.request_rewire([], [Edge(a.id, b.id, "test", "test")])
    _settle(app)  # the repaint Qt does for the change (the new wire and its ports)
    edit = time.perf_counter() - t0
    t0 = time.perf_counter()
    window.validator.run_now()  # what the debounce timer runs 250 ms later
    _settle(app)
    revalidate = time.perf_counter() - t0
    assert ok and len(pipeline.edges) == len(canvas.viewer().all_pipes())
    assert len(canvas.all_nodes()) == len(pipeline)

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"nodes: {N}, wires: {len(pipeline.edges)}  ({os.environ.get('QT_QPA_PLATFORM')})")
    print(f"baseline  load model only                {baseline:7.3f} s")
    print(
        f"open      window created -> first paint  {opened:7.3f} s  ({opened / baseline:5.1f}x baseline)"
        f"  target <= 2 s: {verdict(opened <= 2)}"
    )
    print(
        f"          of which window + first area   {built:7.3f} s"
        f" ({first_area} nodes); first zoom {zoom:4.2f}"
    )
    print(
        f"          every node built               {complete:7.3f} s  ({complete / baseline:5.1f}x baseline)"
    )
    print(f"validate  full pipeline                  {validate:7.3f} s")
    print(f"paint     whole view                     {full_paint:7.3f} s")
    print(
        f"drag      a node, per frame              {frame_ms:7.1f} ms (worst {worst_ms:.1f} ms)"
        f"  target <= 50 ms: {verdict(frame_ms <= 50)}; stale pixels after: {'YES' if stale else 'none'}"
    )
    print(
        f"edit      add wire + repaint (sync)      {edit:7.3f} s  ({edit / baseline:5.2f}x baseline)"
        f"  target < 0.1 s: {verdict(edit < 0.1)}"
    )
    print(f"          then debounced validation + badges + repaint {revalidate:7.3f} s")
    window.document.undo_stack.setClean()
    window.close()


def _warm_up(app: object, tmp: Path) -> None:
    """One small window first: Qt's fonts, icons and lazy imports are paid once, outside timings."""
    from app.gui.document import Document
    from app.gui.main_window import MainWindow

    example = REPO / "resources/examples/churn/churn.stitch"
    window = MainWindow(Document.open(example))
    window.show()
    _settle(app)
    window.validator.run_now()
    window.document.undo_stack.setClean()
    window.close()
    _settle(app)


def main() -> None:
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        # A private user folder: the edits below must not leave a recovery file (or recent
        # files, settings) in the user's own, which the next real start would offer to restore.
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())
        _run(Path(tmp))


def _run(tmp: Path) -> None:
    from PySide6 import QtWidgets

    from app.gui.launch import application

    app = application()
    _warm_up(app, tmp)
    for size in SIZES:
        measure(app, size, tmp)
        print()
    QtWidgets.QApplication.clipboard().clear()


if __name__ == "__main__":
    main()
