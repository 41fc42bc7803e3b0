"""Autosave of a big pipeline in the window: how long the window's event loop is held.

Issue #21: autosaving a 1000-node file stalled the window for 5-10 s. The window autosaves
2 s after each edit; this measures, for 100 and 1000 nodes, the longest gap between two turns
of the event loop from the autosave's start until the recovery file is on disk, against a
baseline measured in the same run (``fileformat.dumps`` of the same pipeline, the least any
save must do). Run offscreen (default): ``python3 benchmarks/bench_autosave.py``.
``BENCH_NODES=1000`` measures one size only. ``BENCH_SLOW_DISK=2`` makes every fsync take
2 s (a busy disk, as on the reviewer's loaded machine): the window must not wait for it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import bench_editor  # noqa: E402  (same folder: the same big pipeline)

SIZES = [int(n) for n in os.environ.get("BENCH_NODES", "100,1000").split(",")]


def measure(app: object, size: int, tmp: Path) -> None:
    from PySide6 import QtCore

    from app.gui.document import Document
    from app.gui.main_window import MainWindow
    from graph_editor import fileformat
    from graph_editor.nodes import NodeKind

    bench_editor.N = size
    folder = tmp / f"n{size}"
    folder.mkdir()
    path = bench_editor.make_file(folder)
    window = MainWindow(Document.open(path))
    window.resize(1400, 850)
    window.show()
    window.canvas.finish_building()
    for _ in range(5):
        app.processEvents()
    t0 = time.perf_counter()
    fileformat.dumps(window.document.pipeline, folder)
    baseline = time.perf_counter() - t0

    window.autosave_timer.stop()
    window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, -400.0))  # an edit
    window.autosave_timer.stop()  # started by the edit: fired by hand below
    settle = time.perf_counter()
    while time.perf_counter() - settle < 2.0:  # the edit's own work (validation) is done first
        app.processEvents(QtCore.QEventLoop.AllEvents, 5)
    recovery = window.document.recovery_file.with_suffix(".json")  # written last
    recovery.unlink(missing_ok=True)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QtCore.QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(tick)
    ticker.start()
    t0 = time.perf_counter()
    QtCore.QTimer.singleShot(0, window.autosave_timer.timeout.emit)  # as the timer fires it
    while not recovery.exists() and time.perf_counter() - t0 < 60:
        app.processEvents(QtCore.QEventLoop.AllEvents, 5)
    done = time.perf_counter() - t0
    ticker.stop()
    stall = max(gaps, default=0.0)
    print(
        f"{size:5d} nodes: autosave written after {done * 1000:7.1f} ms; longest event-loop "
        f"stall {stall * 1000:7.1f} ms = {stall / baseline:5.1f}x dumps ({baseline * 1000:.1f} ms)"
    )
    window.document.discard_recovery()
    window.document.undo_stack.setClean()
    window.close()


def main() -> None:
    from app.gui.launch import application

    slow = float(os.environ.get("BENCH_SLOW_DISK", "0") or 0)
    if slow:
        real_fsync = os.fsync

        def slow_fsync(fd: int) -> None:
            time.sleep(slow)
            real_fsync(fd)

        os.fsync = slow_fsync  # type: ignore[assignment]
        print(f"(every fsync takes {slow:g} s more)")

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            measure(app, size, Path(tmp))


if __name__ == "__main__":
    main()
