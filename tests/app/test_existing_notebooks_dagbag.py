"""A real Airflow 3.3 DagBag loads the DAGs exported from existing notebooks (issue #13): papermill's,
a jupytext script, a VS Code notebook without kernelspec, Ploomber's and Kale's, a plain script."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from exporters.airflow import export_pipeline
from graph_editor.build import chain
from tests.app.test_existing_notebooks import CASES, VALUES

pytestmark = pytest.mark.airflow
PROBE = Path(__file__).resolve().parents[1] / "exporters" / "dagbag_probe.py"


@pytest.fixture(scope="module")
def loaded(airflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("existing-dagbag")
    folders: dict[str, tuple[Any, str]] = {}
    for case, make in sorted(CASES.items()):
        src = root / "src" / case
        src.mkdir(parents=True)
        sources = [make(src)]
        if case == "jupytext_percent":  # and a plain script next to it: a CPU job
            script = src / "plain.py"
            script.write_text("import json, os\nprint(json.dumps({}))\n", encoding="utf-8")
            sources.append(script)
        pipeline = chain(sources, src / f"{case}.stitch")
        if case in VALUES:
            pipeline.update_node(pipeline.nodes[0].id, values=VALUES[case])
        for backend in ("kubernetes", "worker"):
            folder = root / "dags" / f"{case}-{backend}"
            export_pipeline(pipeline, backend).write(folder)
            folders[str(folder)] = (pipeline, backend)
    home = root / "airflow_home"
    home.mkdir()
    result = root / "result.json"
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    done = subprocess.run(
        [str(airflow_venv / "bin" / "python"), str(PROBE), str(result), "{}", *folders],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(result.read_text())
    return {
        folder: (pipeline, backend, facts[folder])
        for folder, (pipeline, backend) in folders.items()
    }


def test_every_existing_notebook_exports_a_dag_airflow_loads(loaded: dict[str, Any]) -> None:
    assert len(loaded) == 2 * len(CASES)
    for folder, (pipeline, backend, facts) in loaded.items():
        assert facts["import_errors"] == {}, folder
        dag = facts["dags"][pipeline.settings.dag_id]
        assert set(dag["tasks"]) == {n.name for n in pipeline.nodes}, folder
        for task in dag["tasks"].values():
            expected = "KubernetesPodOperator" if backend == "kubernetes" else "PythonOperator"
            assert task["type"] == expected, folder
            assert "nvidia.com/gpu" not in json.dumps(task.get("resources")), folder


RUNNABLE = [
    "papermill_simple",
    "papermill_result",
    "no_kernelspec",
    "jupytext_percent",
    "ploomber",
    "kale",
]


@pytest.mark.slow
def test_existing_notebooks_run_on_airflow_with_the_dry_runs_values(
    local_profile: Any, tmp_path: Path
) -> None:
    """One worker-backend DAG with a node per kind of existing notebook (papermill's, a VS Code
    notebook without kernelspec, a jupytext script, Ploomber's, Kale's) deployed to the test
    Airflow and run there: every task succeeds with the outputs the dry-run gave."""
    from app.deploy import AirflowApi, DeployOptions, deploy
    from app.events import RunFinished, RunState
    from app.runner import DryRun, RunOptions
    from graph_editor import fileformat
    from tests.app.test_existing_notebooks import EXPECTED

    sources = [CASES[case](tmp_path) for case in RUNNABLE]
    pipeline = chain(sources, tmp_path / "existing.stitch")
    for edge in list(pipeline.edges):  # independent nodes: each kind on its own
        pipeline.remove_edge(edge)
    for case, node in zip(RUNNABLE, pipeline.nodes, strict=True):
        if case in VALUES:
            pipeline.update_node(node.id, values=VALUES[case])
    # One retry 5 s later: a kernel start can time out on a loaded 2-core CI machine.
    pipeline.update_settings(
        dag_id="existing_notebooks", schedule="", default_retries=1, retry_delay_seconds=5
    )
    fileformat.save(pipeline, tmp_path / "existing.stitch")
    events = list(deploy(pipeline, local_profile, DeployOptions(trigger=True, wait=True)))
    finished = next(e for e in reversed(events) if isinstance(e, RunFinished))
    assert finished.state == RunState.SUCCEEDED, (
        finished.summary,
        [getattr(e, "text", "") for e in events][-30:],
    )
    run = finished.summary["run"]
    assert set(run["tasks"].values()) == {"succeeded"}, run
    local = list(DryRun(pipeline, RunOptions(use_cache=False)).events())[-1]
    api = AirflowApi(local_profile)
    for case, node in zip(RUNNABLE, pipeline.nodes, strict=True):
        remote = api.xcom("existing_notebooks", run["run_id"], node.name)
        dry = next(n for n in local.summary["nodes"] if n["name"] == node.name)
        assert dry["state"] == "succeeded" and remote == dry["outputs"] == EXPECTED[case][1], case
