"""Editor speed: open a 1000-node pipeline offscreen, then add a wire (re-validate + repaint).

Prints absolute times and ratios against a baseline measured in the same run (building the
same pipeline in the pure model only). Aim: open < 2 s; an edit without a visible stall.
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

N = int(os.environ.get("BENCH_NODES", "1000"))


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


def main() -> None:
    import tempfile

    from PySide6 import QtWidgets

    from app.gui.document import Document
    from app.gui.launch import application
    from app.gui.main_window import MainWindow
    from graph_editor import fileformat
    from graph_editor.nodes import Edge

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_file(Path(tmp))
        t0 = time.perf_counter()
        fileformat.load(path)
        baseline = time.perf_counter() - t0

        t0 = time.perf_counter()
        window = MainWindow(Document.open(path))
        built = time.perf_counter() - t0
        window.resize(1400, 850)
        window.show()
        _settle(app)
        opened = time.perf_counter() - t0

        t0 = time.perf_counter()
        window.validator.run_now()
        validate = time.perf_counter() - t0
        _settle(app)  # paint the first problems and badges now, not inside the edit's timing

        viewport = window.canvas.viewer().viewport()
        t0 = time.perf_counter()
        viewport.repaint()
        full_paint = time.perf_counter() - t0

        pipeline = window.document.pipeline
        a, b = pipeline.node_by_name("task_9"), pipeline.node_by_name("task_10")
        t0 = time.perf_counter()
        ok = window.canvas.request_rewire([], [Edge(a.id, b.id, "test", "test")])
        _settle(app)  # the repaint Qt does for the change (the new wire and its ports)
        edit = time.perf_counter() - t0
        t0 = time.perf_counter()
        window.validator.run_now()  # what the debounce timer runs 250 ms later
        _settle(app)
        revalidate = time.perf_counter() - t0
        assert ok and len(pipeline.edges) == len(window.canvas.viewer().all_pipes())

        print(f"nodes: {N}, wires: {len(pipeline.edges)}")
        print(f"baseline  load model only                {baseline:7.3f} s")
        print(
            f"open      window + canvas + first paint  {opened:7.3f} s  ({opened / baseline:5.1f}x baseline)"
            f"  target < 2 s: {'ok' if opened < 2 else 'MISSED'}"
        )
        print(f"          of which window + canvas built {built:7.3f} s")
        print(f"validate  full pipeline                  {validate:7.3f} s")
        print(f"paint     whole view, zoomed to fit      {full_paint:7.3f} s")
        print(
            f"edit      add wire + repaint (sync)      {edit:7.3f} s  ({edit / baseline:5.2f}x baseline)"
            f"  target < 0.1 s: {'ok' if edit < 0.1 else 'MISSED'}"
        )
        print(f"          then debounced validation + badges + repaint {revalidate:7.3f} s")
        window.document.undo_stack.setClean()
        window.close()
        QtWidgets.QApplication.clipboard().clear()


if __name__ == "__main__":
    main()
