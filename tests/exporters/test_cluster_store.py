"""Kubernetes-backend pods with an artifact store: code and data travel by reference.

No cluster runs here. Each pod is emulated by running its rendered command
(``python3 -c POD_BOOTSTRAP ARG``) locally with its rendered env, **each in its own empty
working folder** (its own TMPDIR too, so nothing is shared with the previous pod), against a
real S3 API (moto's server on loopback). The pod's template argument is rendered by real Jinja
the way Airflow renders it; the Secret the pod would get becomes the AWS_* env variables.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from exporters.airflow import export_pipeline
from graph_editor.errors import ValidationFailed
from graph_editor.limits import ENV_STRING_MAX, SMALL_STRING
from graph_editor.nodes import Edge, Node, PipelineSettings, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import validate
from tests.exporters.helpers import Literal, run_module, write_notebook
from tests.runtime.conftest import CREDENTIALS, make_bucket

pytestmark = pytest.mark.slow

MAKE_PARAMS = "n: int = 3\n"
MAKE_OUTPUTS = "values: list = [i * 0.5 for i in range(n)]\n"
SUM_PARAMS = "values: list = []\n"
SUM_OUTPUTS = "total: float = sum(values)\ncount: int = len(values)\n"
PNG_BYTES = 245 * 1024


def _pipeline(folder: Path, store: str = "", secret: str = "", image_kb: int = 0) -> Pipeline:
    """make_values (a list big enough to be an artifact when n is large) -> sum_values."""
    folder.mkdir(parents=True, exist_ok=True)
    write_notebook(folder / "make.ipynb", MAKE_PARAMS, MAKE_OUTPUTS)
    write_notebook(folder / "sum.ipynb", SUM_PARAMS, SUM_OUTPUTS)
    if image_kb:
        _paste_image(folder / "make.ipynb", image_kb * 1024)
    settings = PipelineSettings(
        name="Store", dag_id="store_case", artifact_store=store, store_secret=secret
    )
    pipeline = Pipeline(settings=settings, path=folder / "store.stitch")
    pipeline.add_node(
        Node(
            id="a",
            name="make_values",
            source="make.ipynb",
            inputs=(Port("n", PortType.INT, 3),),
            outputs=(Port("values", PortType.LIST),),
            values={"n": 20_000},
            assets={"values": "s3://features/values"},
        )
    )
    pipeline.add_node(
        Node(
            id="b",
            name="sum_values",
            source="sum.ipynb",
            inputs=(Port("values", PortType.LIST, []),),
            outputs=(Port("total", PortType.FLOAT), Port("count", PortType.INT)),
        )
    )
    pipeline.add_edge(Edge("a", "b", "values", "values"))
    return pipeline


def _paste_image(path: Path, size: int) -> None:
    """A markdown cell with a pasted PNG attachment of ``size`` random bytes."""
    nb = json.loads(path.read_text())
    data = base64.b64encode(os.urandom(size)).decode()
    nb["cells"].insert(
        0,
        {
            "cell_type": "markdown",
            "id": "pasted",
            "metadata": {},
            "source": "![plot.png](attachment:plot.png)",
            "attachments": {"plot.png": {"image/png": data}},
        },
    )
    path.write_text(json.dumps(nb))


def _pods(source: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    namespace, calls = run_module(source)
    pods = {c.kwargs["task_id"]: c.kwargs for c in calls if c.kind == "KubernetesPodOperator"}
    return namespace, pods


def _env_text(value: Any) -> str:
    return value.value if isinstance(value, Literal) else value


class _TI:
    def __init__(self, xcoms: dict[str, Any]) -> None:
        self.xcoms = xcoms

    def xcom_pull(self, task_ids: str) -> Any:
        return self.xcoms[task_ids]


def _render_argument(template: str, xcoms: dict[str, Any]) -> str:
    """What Airflow renders the pod's argument to (real Jinja, the DAG's own filter)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["stitchboard_json"] = json.dumps
    context = {
        "params": {},
        "ti": _TI(xcoms),
        "dag": type("Dag", (), {"dag_id": "store_case"}),
        "run_id": "manual__2026-12-02T01:00:00+00:00",
    }
    return env.from_string(template).render(**context)


def _run_pod(
    namespace: dict[str, Any], pod: dict[str, Any], xcoms: dict[str, Any], folder: Path, s3: str
) -> dict[str, Any]:
    """One emulated pod: its own empty folder, its rendered env and argument, the Secret's keys."""
    folder.mkdir()
    xcom = folder / "airflow" / "xcom" / "return.json"
    env = {k: _env_text(v) for k, v in pod["env_vars"].items()}
    secret = {  # the keys of the Kubernetes Secret the pipeline names (envFrom)
        "AWS_ACCESS_KEY_ID": CREDENTIALS["key"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret"],
        "AWS_ENDPOINT_URL": s3,
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    base = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    args = [_render_argument(a, xcoms) for a in pod.get("arguments", [])]
    for text in [*env.values(), *args]:
        assert len(text.encode()) < SMALL_STRING  # nothing big travels in a pod's env or args
    done = subprocess.run(
        [sys.executable, "-c", namespace["POD_BOOTSTRAP"], *args],
        env={**base, **env, **secret, "TMPDIR": str(folder), "STITCHBOARD_XCOM_PATH": str(xcom)},
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(xcom.read_text())


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; this process (standing in for the Airflow worker) may write to it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return make_bucket(s3_endpoint)


def test_pods_in_empty_folders_hand_a_big_value_through_the_store_by_reference(
    tmp_path: Path, bucket: str, s3_endpoint: str
) -> None:
    store = f"s3://{bucket}/artifacts"
    pipeline = _pipeline(tmp_path / "src", store=store, secret="ml-store")
    namespace, pods = _pods(export_pipeline(pipeline, "kubernetes").dag_source)
    # before each pod, pre_execute on the Airflow worker puts the code into the store
    assert pods["make_values"]["pre_execute"] is namespace["ship_code"]
    namespace["ship_code"]({})
    xcoms: dict[str, Any] = {}
    xcoms["make_values"] = _run_pod(
        namespace, pods["make_values"], xcoms, tmp_path / "pod-a", s3_endpoint
    )
    ref = xcoms["make_values"]["values"]
    assert ref["uri"].startswith(f"s3://{bucket}/artifacts/store_case/manual__")
    assert ref["uri"].endswith("/make_values/values.json")
    assert len(json.dumps(xcoms["make_values"])) < 2048  # only the reference went to XCom
    xcoms["sum_values"] = _run_pod(
        namespace, pods["sum_values"], xcoms, tmp_path / "pod-b", s3_endpoint
    )
    expected = [i * 0.5 for i in range(20_000)]
    assert xcoms["sum_values"] == {"total": sum(expected), "count": len(expected)}


def test_pods_get_the_store_secret_and_publish_assets(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path / "src", store="s3://bucket/art", secret="ml-store")
    pipeline.update_settings(schedule_assets=("s3://raw/customers",))
    namespace, calls = run_module(export_pipeline(pipeline, "kubernetes").dag_source)
    secrets = [c.args for c in calls if c.kind == "Secret"]
    assert ("env", None, "ml-store") in secrets  # every key of the Secret, none in the DAG
    assets = [c.args[0] for c in calls if c.kind == "Asset"]
    assert assets.count("s3://features/values") == 1
    dag = next(c for c in calls if c.kind == "DAG").kwargs
    assert [a.args[0] for a in dag["schedule"]] == ["s3://raw/customers"]
    pods = {c.kwargs["task_id"]: c.kwargs for c in calls if c.kind == "KubernetesPodOperator"}
    assert [o.args[0] for o in pods["make_values"]["outlets"]] == ["s3://features/values"]
    assert "outlets" not in pods["sum_values"]


def test_a_notebook_with_245_kb_of_pasted_images_exports_and_its_pod_starts(
    tmp_path: Path, bucket: str, s3_endpoint: str
) -> None:
    pipeline = _pipeline(tmp_path / "src", store=f"s3://{bucket}/a", image_kb=245)
    namespace, pods = _pods(export_pipeline(pipeline, "kubernetes").dag_source)
    pod = pods["make_values"]
    env = {k: _env_text(v) for k, v in pod["env_vars"].items()}
    assert max(len(k) + len(v) + 2 for k, v in env.items()) < SMALL_STRING
    assert all(len(a) < SMALL_STRING for a in pod["arguments"])
    namespace["ship_code"]({})
    outputs = _run_pod(namespace, pod, {}, tmp_path / "pod", s3_endpoint)
    assert outputs["values"]["uri"].endswith("/values.json")


def test_without_a_store_a_notebook_too_big_for_a_pod_is_refused_naming_node_and_limit(
    tmp_path: Path,
) -> None:
    pipeline = _pipeline(tmp_path / "src", image_kb=245)
    issues = [i for i in validate(pipeline, backend="kubernetes") if i.code == "code-too-large"]
    assert [i.node_id for i in issues] == ["a"]  # validation says it first
    assert f"{ENV_STRING_MAX:,}" in issues[0].message
    with pytest.raises(ValidationFailed) as failed:
        export_pipeline(pipeline, "kubernetes")
    assert "artifact store" in str(failed.value)
    # the same notebook without images still ships in the pod's env, as before
    small = _pipeline(tmp_path / "small")
    _, pods = _pods(export_pipeline(small, "kubernetes").dag_source)
    assert any(k.startswith("STITCHBOARD_FILE_") for k in pods["make_values"]["env_vars"])
