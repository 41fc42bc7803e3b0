"""Results in the window: a node's last outputs on hover and in Properties, the run history with
re-opening, the artifact folder, and a deployed run's task states through the same run session.

One real dry-run (real kernels) per module; the windows then find it in the runs folder, or
get its real events replayed through the run controller's signal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.app.runner.builders import notebook, pipeline

pytestmark = [pytest.mark.qt]

MAKE_OUT = """\
import pandas as pd
table = pd.DataFrame({"id": [1, 2, 3], "spend": [1.5, 2.5, 4.0]})
count = 3
"""


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Path, list]:
    """A two-node pipeline (a DataFrame wired on) and the events of one real dry-run of it."""
    from app.runner import DryRun, RunOptions

    folder = tmp_path_factory.mktemp("results")
    make = notebook(folder / "make.ipynb", outputs=MAKE_OUT)
    use = notebook(folder / "use.ipynb", parameters="table = None", outputs="rows = len(table)")
    p = pipeline(folder, {"make": make, "use": use}, ["make.table->use.table"])
    events = list(DryRun(p, RunOptions(jobs=1)).events())
    assert events[-1].state.value == "succeeded", events[-1]
    return folder / "test.stitch", events


@pytest.fixture
def opened(ran, qtbot, tmp_path: Path):
    """The editor on a private copy of the pipeline and its runs folder."""
    from PySide6 import QtCore

    from app.gui.document import Document
    from app.gui.launch import application
    from app.gui.main_window import MainWindow

    source, _events = ran
    target = tmp_path / "p"
    shutil.copytree(source.parent, target)
    application()
    QtCore.QSettings("Stitchboard", "Stitchboard").clear()
    win = MainWindow(Document.open(target / "test.stitch"))
    qtbot.addWidget(win, before_close_func=lambda w: w.runs.shutdown())
    win.resize(1400, 850)
    win.show()
    qtbot.waitExposed(win)
    return win


class _Opened:
    """Where 'Open Artifact Folder' would send the file manager (Qt's own URL-handler hook)."""

    def __init__(self) -> None:
        from PySide6 import QtCore

        class Sink(QtCore.QObject):
            def __init__(self) -> None:
                super().__init__()
                self.urls: list[str] = []

            @QtCore.Slot(QtCore.QUrl)
            def open(self, url) -> None:
                self.urls.append(url.toLocalFile())

        self.sink = Sink()

    def __enter__(self) -> list[str]:
        from PySide6 import QtGui

        QtGui.QDesktopServices.setUrlHandler("file", self.sink, "open")
        return self.sink.urls

    def __exit__(self, *exc: object) -> None:
        from PySide6 import QtGui

        QtGui.QDesktopServices.unsetUrlHandler("file")


@pytest.mark.slow
def test_an_earlier_run_in_the_runs_folder_is_listed_and_shows_again_on_the_canvas(opened) -> None:
    window = opened
    p = window.document.pipeline
    make, use = p.node_by_name("make"), p.node_by_name("use")
    history = window.run_panel.history
    assert history.count() == 1 and "succeeded" in history.item(0).text()
    assert "2 succeeded" in window.run_panel.report.text()
    assert window.canvas.run_state(make.id) is None  # listed, not shown until asked
    window.run_panel.reopen.click()
    assert window.canvas.run_state(make.id) == "succeeded"
    assert window.canvas.run_state(use.id) == "succeeded"
    tip = window.canvas.view_of(make.id).view.toolTip()
    assert "table = dataframe 3 x 2 [id, spend]" in tip and "count = 3" in tip
    assert "id=1, spend=1.5" in tip  # the table's first rows
    assert "rows = 3" in window.canvas.view_of(use.id).view.toolTip()
    (pipe,) = [pp for pp in window.canvas.viewer().all_pipes() if pp.toolTip().startswith("table")]
    assert "3 x 2" in pipe.toolTip()


@pytest.mark.slow
def test_a_run_in_this_session_shows_outputs_in_properties_and_opens_the_artifact_folder(
    opened, ran, qtbot
) -> None:
    window = opened
    _source, events = ran
    make = window.document.pipeline.node_by_name("make")

    def replay(*_args: object, **_kwargs: object) -> None:
        # The run controller's thread, replaced by the real events of the module's real run.
        for event in events:
            window.runs.event.emit(event)
        window.runs.finished.emit()

    window.runs.start = replay
    window.actions_by_name["run"].trigger()  # F5, as a user starts it
    assert window.canvas.run_state(make.id) == "succeeded"
    top = window.run_panel.history.item(0).text()
    assert top.startswith("▶ dry-run") and "succeeded" in top
    window.canvas.select_ids([make.id])
    box = window.properties.node_panel.last_run
    assert box.isVisibleTo(window.properties) and "last run: succeeded" in box.text.text()
    assert "table = dataframe 3 x 2 [id, spend]" in box.text.text()
    assert "id=3, spend=4.0" in box.text.text()
    with _Opened() as urls:
        box.open_folder.click()
    assert len(urls) == 1 and any(Path(urls[0]).glob("*.parquet")), urls
    window.canvas.select_ids([])  # the pipeline panel: no node, no last run
    window.canvas.select_ids([make.id])
    window.run_session.begin(window.run_session.runs[-1])  # a new run starts: nothing shown yet
    assert not box.isVisibleTo(window.properties)


def test_a_deployed_runs_task_states_reach_the_canvas_the_dialog_and_the_task_log(
    window, qtbot
) -> None:
    """Deploy events as the deploy worker emits them (a real Airflow run: test_deploy_ui.py)."""
    from app.deploy import DeployOptions
    from app.events import LogEvent, LogLevel, NodeEvent, NodeState

    node = window.document.pipeline.nodes[0]
    dialog = window.deploying.open_deploy_dialog()
    window.deploying._on_deploy_started(DeployOptions(trigger=True, wait=True))
    window.deploys.event.emit(NodeEvent(node.id, node.name, NodeState.RUNNING))
    assert (
        window.canvas.run_state(node.id) == "running" and dialog.tasks.text() == "Tasks: 1 running"
    )
    window.deploys.event.emit(NodeEvent(node.id, node.name, NodeState.FAILED, "exit 1"))
    log = "Traceback (most recent call last):\nValueError: bad rows"
    window.deploys.event.emit(LogEvent(log, node.id, node.name, LogLevel.ERROR))
    assert window.canvas.run_state(node.id) == "failed" and dialog.tasks.text() == "Tasks: 1 failed"
    assert window.run_session.shown.kind == "deployed"
    viewer = window.deploying.show_task_log(node.id)
    assert viewer is not None and "ValueError: bad rows" in viewer.text.toPlainText()
    viewer.close()
    dialog.close()
