"""A short journey in a real X window, driven by xdotool (run under xvfb-run by test_real_window).

Open the pipeline, click a node, choose another Kind in Properties with the mouse, Ctrl+Z,
Ctrl+S, take a screenshot, Ctrl+Q. Every input is a real X event (XTEST) from xdotool; the
window only reports what it saw, as JSON on stdout's last line.

Usage: python3 real_window_journey.py PIPELINE.stitch SCREENSHOT.png
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


def pump_until(app: QtWidgets.QApplication, done, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents(QtCore.QEventLoop.AllEvents, 50)
        if done():
            return True
    return False


def xdotool(app: QtWidgets.QApplication, *args: str) -> None:
    """Run xdotool while the window keeps processing events (it must see the input)."""
    proc = subprocess.Popen(["xdotool", *args])
    pump_until(app, lambda: proc.poll() is not None)
    if proc.returncode:
        raise SystemExit(f"xdotool {' '.join(args)} failed: {proc.returncode}")
    pump_until(app, lambda: False, 0.3)  # let Qt handle what the X server delivered


def click_at(app: QtWidgets.QApplication, point: QtCore.QPoint) -> None:
    xdotool(app, "mousemove", "--sync", str(point.x()), str(point.y()))
    xdotool(app, "click", "1")


def main(path: str, shot: str) -> int:
    app = application()
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    window.files.open_file(Path(path))
    pump_until(app, lambda: window.isVisible() and window.windowHandle().isExposed())
    pump_until(app, lambda: False, 1.0)  # docks and the first fit settle
    xdotool(app, "windowfocus", "--sync", str(int(window.winId())))
    seen: dict[str, object] = {"platform": app.platformName()}

    pipeline = window.document.pipeline
    node = pipeline.node_by_name("train_mlp")
    viewer = window.canvas.viewer()
    rect = window.canvas.view_of(node.id).view.sceneBoundingRect()
    click_at(app, viewer.viewport().mapToGlobal(viewer.mapFromScene(rect.center())))
    seen["selected"] = window.properties.node_panel.node_id == node.id

    kind = window.properties.node_panel.findChild(QtWidgets.QComboBox, "kind")
    window.properties.node_panel.ensureWidgetVisible(kind)
    click_at(app, kind.mapToGlobal(kind.rect().center()))
    seen["popup"] = pump_until(app, lambda: kind.view().isVisible(), 5.0)
    view = kind.view()
    item = view.visualRect(view.model().index(kind.findText("RAPIDS"), 0))
    pump_until(app, lambda: False, 0.6)  # Qt ignores a click in a popup this young
    click_at(app, view.viewport().mapToGlobal(item.center()))
    seen["kind_after_choice"] = str(pipeline.node(node.id).kind)
    seen["wires_after_choice"] = len(viewer.all_pipes())

    xdotool(app, "key", "ctrl+z")
    seen["kind_after_undo"] = str(pipeline.node(node.id).kind)
    xdotool(app, "key", "ctrl+s")
    seen["modified_after_save"] = window.isWindowModified()
    seen["status"] = window.statusBar().currentMessage()
    subprocess.run(["import", "-window", "root", shot], check=False, timeout=30)
    xdotool(app, "key", "ctrl+q")
    seen["closed"] = pump_until(app, lambda: not window.isVisible(), 5.0)
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
