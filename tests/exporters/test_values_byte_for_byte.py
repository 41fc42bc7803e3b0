"""Values reach an Airflow task byte for byte: Jinja rendering must not touch newlines.

Rendered by a real Airflow 3.3 (its own venv; a DagBag and each task's ``render_template``
with a small context, no scheduler) through the same probe as ``test_dagbag.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from exporters.airflow import export_pipeline
from tests.exporters.test_properties import hostile_pipeline

PROBE = Path(__file__).with_name("dagbag_probe.py")
CRLF = "line1\r\nline2\n"  # what a Windows-edited text value looks like
TEXT = {
    "name": "crlf",
    "description": "d",
    "owner": "o",
    "tags": [],
    "param": CRLF,
    "param_doc": "",
    "node_doc": "",
    "image": "python:3.11-slim",
    "value": "\n" + CRLF + "\r",
    "data": {"k": CRLF},
    "env": CRLF + "\n",
}


def _render(airflow_venv: Path, root: Path, backend: str) -> dict[str, Any]:
    pipeline = hostile_pipeline(root / "src", ["first", "second"], TEXT)
    export_pipeline(pipeline, backend).write(root / "dags")
    (root / "home").mkdir()
    env = dict(os.environ, AIRFLOW_HOME=str(root / "home"), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    done = subprocess.run(
        [str(airflow_venv / "bin" / "python"), str(PROBE), str(root / "out.json"), "{}"]
        + [str(root / "dags")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads((root / "out.json").read_text())[str(root / "dags")]
    assert facts["import_errors"] == {}
    return facts["dags"]["hostile"]["tasks"]


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        if "__literal__" in value:
            return _strings(value["__literal__"])
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.slow
def test_pod_gets_crlf_and_trailing_newlines_unchanged(airflow_venv: Path, tmp_path: Path) -> None:
    tasks = _render(airflow_venv, tmp_path, "kubernetes")
    first = tasks["first"]["rendered"]
    env = {k: _strings(v)[0] for k, v in first["env_vars"].items()}
    assert env["USER_VALUE"] == CRLF + "\n"
    inputs = json.loads(first["arguments"][0])
    assert inputs["params"] == {"greeting": CRLF}
    node = json.loads(env["STITCHBOARD_NODE"])
    assert node["values"]["data"] == {"k": CRLF}
    second = json.loads(_strings(tasks["second"]["rendered"]["env_vars"]["STITCHBOARD_NODE"])[0])
    assert second["values"]["text"] == "\n" + CRLF + "\r"


@pytest.mark.slow
def test_worker_gets_crlf_and_trailing_newlines_unchanged(
    airflow_venv: Path, tmp_path: Path
) -> None:
    tasks = _render(airflow_venv, tmp_path, "worker")
    second = tasks["second"]["rendered"]["op_kwargs"]["node"]
    plain = json.loads(json.dumps(second))

    def unliteral(v: Any) -> Any:
        if isinstance(v, dict):
            if set(v) == {"__literal__"}:
                return unliteral(v["__literal__"])
            return {k: unliteral(x) for k, x in v.items()}
        if isinstance(v, list):
            return [unliteral(x) for x in v]
        return v

    node = unliteral(plain)
    assert node["values"]["text"] == "\n" + CRLF + "\r"
    assert node["values"]["data"] == {"k": CRLF}
    assert node["env"]["USER_VALUE"] == CRLF + "\n"
