"""The worker and pod code (``stitchboard_task``), run directly with real kernels.

``run_node`` gets a stand-in for Airflow's task context: a ``ti`` whose ``xcom_pull`` answers
from a dict and a ``params`` dict (Airflow itself runs it in tests/exporters/test_parity.py).
The pod bootstrap runs as a pod runs it: ``python3 -c`` with the environment a pod gets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exporters.airflow import inline
from exporters.airflow.plan import RESERVED
from exporters.content import make, support_contents
from resources.runtime import stitchboard_task
from resources.runtime.stitchboard_runtime import NodeSpec
from tests.exporters.helpers import ECHO_OUTPUTS, ECHO_PARAMS, write_notebook


class FakeTI:
    """Stand-in for Airflow's TaskInstance: XCom values from a dict."""

    dag_id, run_id, task_id = "dag", "manual__1", "echo"

    def __init__(self, xcoms: dict[str, dict[str, Any]]) -> None:
        self.xcoms = xcoms

    def xcom_pull(self, task_ids: str) -> dict[str, Any]:
        return self.xcoms[task_ids]


def _spec(**changes: Any) -> NodeSpec:
    base = NodeSpec(
        task_id="echo",
        source="echo.ipynb",
        inputs=("text", "data", "n"),
        outputs=("out", "size"),
        values={"data": {"a": 1, "b": 2}, "n": 100},
        params={"n": "limit"},
        wires={"text": ("fetch", "greeting")},
    )
    return NodeSpec(**{**base.__dict__, **changes})


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The DAG module's CONTENT for the runtime and an echo notebook (key -> packed)."""
    notebook = write_notebook(tmp_path / "echo.ipynb", ECHO_PARAMS, ECHO_OUTPUTS)
    support = support_contents()
    source = make("echo.ipynb", notebook.read_text(encoding="utf-8"))
    content = {c.key: c.packed for c in [*support, source]}
    monkeypatch.setattr(stitchboard_task, "CONTENT", content)
    monkeypatch.setattr(
        stitchboard_task,
        "SHIPPED",
        {c.name: c.key for c in support if c.name != "stitchboard_task.py"},
    )
    return {"source": source.key, **{c.name: c.key for c in support}}


@pytest.mark.slow
def test_run_node_resolves_wire_parameter_and_value_and_runs_the_notebook(
    shipped: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STITCHBOARD_TEST_MODE", "before")
    spec = _spec(content=shipped["source"], env={"STITCHBOARD_TEST_MODE": "strict"})
    ti = FakeTI({"fetch": {"greeting": "hello from upstream"}})
    outputs = stitchboard_task.run_node(spec.to_json(), ti=ti, params={"limit": 5})
    # text from the wire, n from the parameter (not the set 100), data from the set value
    assert outputs == {"out": "hello from upstream", "size": 2 + 5}
    assert os.environ["STITCHBOARD_TEST_MODE"] == "strict"


@pytest.mark.slow
def test_pod_bootstrap_runs_a_node_from_its_environment(
    shipped: dict[str, str], tmp_path: Path
) -> None:
    result = tmp_path / "return.json"
    spec = _spec(content=shipped["source"], flags=("--result", str(result)))
    content = stitchboard_task.CONTENT
    ship = {name: key for name, key in shipped.items() if name.startswith("stitchboard_")}
    ship["echo.ipynb"] = shipped["source"]
    env = dict(
        os.environ,
        STITCHBOARD_NODE=json.dumps(spec.to_json()),
        STITCHBOARD_SHIP=json.dumps(ship),
        **{f"STITCHBOARD_FILE_{key}": content[key] for key in ship.values()},
    )
    payload = {"params": {"limit": 7}, "upstream": {"fetch": {"greeting": "hi"}}}
    done = subprocess.run(
        [sys.executable, "-c", inline.bootstrap_program(), json.dumps(payload)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(result.read_text()) == {"out": "hi", "size": 2 + 7}


def test_bootstrap_text_is_jinja_inert_and_self_contained() -> None:
    program = inline.bootstrap_program()
    assert not any(d in program for d in ("{{", "{%", "{#"))
    compile(program, "<pod>", "exec", dont_inherit=True)  # no __future__ import needed


def test_cluster_jobs_fetch_only_what_the_node_names() -> None:
    ti = FakeTI({"fetch": {"greeting": "hi", "other": 1}})
    context = {"ti": ti, "params": {"limit": 3, "unused": 4}}
    payload = stitchboard_task.job_payload(_spec().to_json(), context)
    assert payload["params"] == {"limit": 3}
    assert payload["upstream"] == {"fetch": {"greeting": "hi"}}
    assert payload["run"] == ["dag", "manual__1"]  # where the job's artifacts go


def test_job_state_reads_tfjob_and_daskjob_status() -> None:
    done = {"conditions": [{"type": "Succeeded", "status": "True"}]}
    assert stitchboard_task.job_state("TFJob", done) == "succeeded"
    assert stitchboard_task.job_state("TFJob", {"conditions": []}) == ""
    assert stitchboard_task.job_state("DaskJob", {"jobStatus": "Failed"}) == "failed"


def test_every_name_the_inlined_code_defines_is_reserved() -> None:
    assert inline.defined_names() <= RESERVED
    assert {"run_node", "job_payload", "POD_BOOTSTRAP", "CONTENT"} <= RESERVED


def test_a_worker_without_a_store_keeps_artifacts_under_its_airflow_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    folder = stitchboard_task.default_store()
    assert folder == str(tmp_path / "home" / "stitchboard" / "artifacts")
    assert Path(folder).is_dir()  # created if missing


def test_a_celery_worker_refuses_the_default_folder_store_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "CeleryExecutor")
    with pytest.raises(RuntimeError, match="set the pipeline's artifact_store") as caught:
        stitchboard_task.default_store()
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "home").exists()
