"""A worker-backend DAG hands a DataFrame on with default settings (no artifact store named):
on a real Airflow 3.3 (LocalExecutor, loopback) the artifacts go to the workers' default
folder store under AIRFLOW_HOME, and the downstream task reads them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.deploy import AirflowApi, DeployOptions, deploy
from app.events import RunFinished, RunState
from app.settings import Profile
from graph_editor import fileformat
from graph_editor.nodes import Edge, Node, PipelineSettings, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import validate
from tests.exporters.helpers import write_notebook

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


def handoff(folder: Path) -> Pipeline:
    """make (a DataFrame) -> count (its rows and a column's sum); no store in the settings."""
    folder.mkdir(parents=True, exist_ok=True)
    write_notebook(
        folder / "make.ipynb",
        "import pandas as pd\nn: int = 5\n",
        "table: pd.DataFrame = pd.DataFrame({'x': list(range(n))})\n",
    )
    write_notebook(
        folder / "count.ipynb",
        "table = None\n",
        "rows: int = len(table)\ntotal: int = int(table['x'].sum())\n",
    )
    settings = PipelineSettings(name="Hand-off", dag_id="default_store_handoff", schedule="")
    p = Pipeline(settings, path=folder / "handoff.stitch")
    p.add_node(
        Node(
            id="a",
            name="make",
            source="make.ipynb",
            inputs=(Port("n", PortType.INT, 5),),
            outputs=(Port("table", PortType.DATAFRAME),),
        )
    )
    p.add_node(
        Node(
            id="b",
            name="count",
            source="count.ipynb",
            inputs=(Port("table", PortType.DATAFRAME),),
            outputs=(Port("rows", PortType.INT), Port("total", PortType.INT)),
        )
    )
    p.add_edge(Edge("a", "b", "table", "table"))
    fileformat.save(p, folder / "handoff.stitch")
    return fileformat.load(folder / "handoff.stitch")


def test_a_dataframe_hand_off_with_default_settings_runs_on_the_worker_backend(
    local_airflow: object, local_profile: Profile, tmp_path: Path
) -> None:
    pipeline = handoff(tmp_path / "src")
    defaults = dataclasses.replace(local_profile, artifact_store="")  # nothing names a store
    issues = validate(pipeline, backend="worker")  # type: ignore[arg-type]
    assert not [i for i in issues if i.is_error]
    (note,) = [i for i in issues if i.code == "default-worker-store"]
    assert "LocalExecutor" in note.message and "artifact_store" in note.message
    events = list(deploy(pipeline, defaults, DeployOptions(trigger=True, wait=True)))
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    assert finished.state == RunState.SUCCEEDED, finished.summary
    run_id = finished.summary["run"]["run_id"]
    counted = AirflowApi(defaults).xcom("default_store_handoff", run_id, "count")
    assert counted["rows"] == 5 and counted["total"] == 10
    # the DataFrame went through the default store under the Airflow home, as the DAG says
    home = Path(local_airflow.home)  # type: ignore[attr-defined]
    stored = list((home / "stitchboard" / "artifacts").rglob("table*"))
    assert stored, "no artifact in the default store"
