"""Journeys in a real X window (run under xvfb-run by test_one_answer_window), driven by xdotool.

``save-as-run PIPELINE TARGET``: open the pipeline, Save As (Ctrl+Shift+S) into another
folder by typing the path into the file dialog, then F5: the dry-run must find the notebooks.
``failing-cell PIPELINE``: F5, then double-click the failed node: what the Failure panel says.
``new-save-run FOLDER TARGET``: a new pipeline of FOLDER's notebooks saved into another
folder (the file says ``../``), then F5.
``wire-bound PIPELINE``: drag a wire onto a parameter-bound input, then Ctrl+Z.

Every input is a real X event (XTEST) from xdotool; the window only reports what it saw, as
JSON on stdout's last line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.gui.launch import application  # noqa: E402
from app.gui.main_window import MainWindow  # noqa: E402
from tests.gui.real_window_journey import click_at, pump_until, xdotool  # noqa: E402

RUN_TIMEOUT = 240.0


def start(path: str) -> tuple[QtWidgets.QApplication, MainWindow]:
    app = application()
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    window.files.open_file(Path(path))
    pump_until(app, lambda: window.isVisible() and window.windowHandle().isExposed())
    pump_until(app, lambda: False, 1.0)  # docks and the first fit settle
    xdotool(app, "windowfocus", "--sync", str(int(window.winId())))
    return app, window


def dry_run(app: QtWidgets.QApplication, window: MainWindow) -> dict[str, str]:
    """Press F5 and wait for the run to end; each node's state."""
    xdotool(app, "windowfocus", "--sync", str(int(window.winId())))  # back from a dialog
    xdotool(app, "key", "F5")
    pump_until(app, lambda: window.runs.running, 10.0)
    pump_until(app, lambda: not window.runs.running, RUN_TIMEOUT)
    pipeline = window.document.pipeline
    return {
        n.name: str(getattr(window.run_session.node(n.id).state, "value", None))
        for n in pipeline.nodes
    }


def type_into_file_dialog(app: QtWidgets.QApplication, text: str, seen: dict) -> None:
    """Once the file dialog is up, type ``text`` into it and press Enter (from timers: the
    dialog runs its own event loop, inside the Ctrl+Shift+S that opened it)."""
    steps = [["key", "ctrl+a"], ["type", "--delay", "15", text], ["key", "Return"]]

    def poll() -> None:
        dialog = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(dialog, QtWidgets.QFileDialog):
            QtCore.QTimer.singleShot(100, poll)
            return
        seen["dialog"] = dialog.windowTitle()
        run_next()

    def run_next() -> None:
        if not steps:
            return
        proc = subprocess.Popen(["xdotool", *steps.pop(0)])

        def wait() -> None:
            if proc.poll() is None:
                QtCore.QTimer.singleShot(50, wait)
            else:
                QtCore.QTimer.singleShot(300, run_next)

        wait()

    QtCore.QTimer.singleShot(300, poll)


def save_as_then_run(path: str, target: str) -> dict:
    app, window = start(path)
    seen: dict[str, object] = {"platform": app.platformName()}
    type_into_file_dialog(app, target, seen)
    xdotool(app, "key", "ctrl+shift+s")
    pump_until(app, lambda: str(window.document.path) == target, 30.0)
    seen["saved_to"] = str(window.document.path)
    seen["states"] = dry_run(app, window)
    seen["status"] = window.statusBar().currentMessage()
    problems = window.issues
    seen["problems"] = [
        problems.topLevelItem(i).text(2) for i in range(problems.topLevelItemCount())
    ]
    xdotool(app, "key", "ctrl+q")
    return seen


def new_then_save_then_run(folder: str, target: str) -> dict:
    """From the start page (cwd ``folder``): Ctrl+N, drop two notebooks on the canvas, Ctrl+S
    into another folder by typing in the dialog, F5."""
    import os

    os.chdir(folder)
    app = application()
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    pump_until(app, lambda: window.isVisible() and window.windowHandle().isExposed())
    xdotool(app, "windowfocus", "--sync", str(int(window.winId())))
    seen: dict[str, object] = {"platform": app.platformName()}
    xdotool(app, "key", "ctrl+n")
    pump_until(app, lambda: window.document is not None and not window.start.on_start_page, 5)
    # what a drop from the file browser hands the canvas (the drag itself is Qt's)
    window.canvas.editing.add_sources([Path("make.ipynb").resolve()], (0.0, 0.0))
    window.canvas.editing.add_sources([Path("use.ipynb").resolve()], (400.0, 0.0))
    pipeline = window.document.pipeline
    make, use = (pipeline.node_by_name(n) for n in ("make", "use"))
    from graph_editor.nodes import Edge

    window.canvas.editing.request_rewire([], [Edge(make.id, use.id, "table", "table")])
    seen["sources"] = [n.source for n in pipeline.nodes]
    type_into_file_dialog(app, target, seen)
    xdotool(app, "key", "ctrl+s")
    pump_until(app, lambda: str(window.document.path) == target, 30.0)
    seen["saved_to"] = str(window.document.path)
    pump_until(app, lambda: False, 1.0)  # validation after the save
    seen["problems"] = problems_of(window)
    seen["states"] = dry_run(app, window)
    seen["status"] = window.statusBar().currentMessage()
    xdotool(app, "key", "ctrl+q")
    return seen


def failing_cell(path: str) -> dict:
    app, window = start(path)
    seen: dict[str, object] = {"platform": app.platformName()}
    seen["states"] = dry_run(app, window)
    node = window.document.pipeline.node_by_name("use")
    viewer = window.canvas.viewer()
    rect = window.canvas.view_of(node.id).view.sceneBoundingRect()
    viewer.centerOn(rect.center())
    pump_until(app, lambda: False, 0.3)
    point = viewer.viewport().mapToGlobal(viewer.mapFromScene(rect.center()))
    click_at(app, point)
    xdotool(app, "click", "--repeat", "2", "--delay", "80", "1")  # a double-click
    panel = window.failure_panel
    seen["panel_shown"] = pump_until(app, panel.isVisible, 10.0)
    seen["title"] = panel.title.text()
    seen["cell"] = panel.cell.toPlainText()
    seen["traceback"] = panel.traceback.toPlainText()
    seen["run_log"] = window.run_panel.log.toPlainText()
    xdotool(app, "key", "ctrl+q")
    return seen


def port_point(window: MainWindow, node_name: str, port: str, out: bool) -> QtCore.QPoint:
    node = window.document.pipeline.node_by_name(node_name)
    view = window.canvas.view_of(node.id)
    item = (view.outputs() if out else view.inputs())[port].view
    viewer = window.canvas.viewer()
    return viewer.viewport().mapToGlobal(viewer.mapFromScene(item.sceneBoundingRect().center()))


def problems_of(window: MainWindow) -> list[str]:
    problems = window.issues
    return [problems.topLevelItem(i).text(2) for i in range(problems.topLevelItemCount())]


def wire_bound_input(path: str) -> dict:
    """Drag a wire from ``greet.text`` onto ``shout.text`` (bound to a parameter), then Ctrl+Z."""
    app, window = start(path)
    seen: dict[str, object] = {"platform": app.platformName()}
    window.canvas.fit_all()
    pump_until(app, lambda: False, 0.5)
    start_at = port_point(window, "greet", "text", out=True)
    end_at = port_point(window, "shout", "text", out=False)
    xdotool(app, "mousemove", "--sync", str(start_at.x()), str(start_at.y()))
    xdotool(app, "mousedown", "1")
    for step in range(1, 6):  # a hand moves through the points between
        x = start_at.x() + (end_at.x() - start_at.x()) * step // 5
        y = start_at.y() + (end_at.y() - start_at.y()) * step // 5
        xdotool(app, "mousemove", "--sync", str(x), str(y))
    xdotool(app, "mouseup", "1")
    pump_until(app, lambda: False, 1.0)  # validation runs after a short pause
    pipeline = window.document.pipeline
    shout = pipeline.node_by_name("shout")
    seen["wires"] = [e.describe(pipeline.names()) for e in pipeline.edges]
    seen["bindings"] = dict(pipeline.node(shout.id).bindings)
    seen["status"] = window.statusBar().currentMessage()
    seen["problems"] = problems_of(window)
    xdotool(app, "key", "ctrl+z")
    seen["bindings_after_undo"] = dict(pipeline.node(shout.id).bindings)
    seen["wires_after_undo"] = [e.describe(pipeline.names()) for e in pipeline.edges]
    window.document.undo_stack.setClean()  # nothing to ask about on quit
    xdotool(app, "key", "ctrl+q")
    return seen


def main(argv: list[str]) -> int:
    started = time.monotonic()
    if argv[0] == "save-as-run":
        seen = save_as_then_run(argv[1], argv[2])
    elif argv[0] == "new-save-run":
        seen = new_then_save_then_run(argv[1], argv[2])
    elif argv[0] == "wire-bound":
        seen = wire_bound_input(argv[1])
    else:
        seen = failing_cell(argv[1])
    seen["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(seen, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
