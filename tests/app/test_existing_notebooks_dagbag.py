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
