"""Files beside notebooks: the same outcome in the dry-run and in emulated Kubernetes pods.

A file one node writes and a later node reads (two hops and ordering-only edges away), and a
file beside a notebook that the node declares it ships. Declared, both ways succeed; undeclared,
both fail with the same one line naming the file and how to declare it.

No cluster runs here. Each pod is emulated by running its rendered command
(``python3 -c POD_BOOTSTRAP ARG``) locally with its rendered env, **each in its own empty
working folder** (its own TMPDIR too), against a real S3 API (moto's server on loopback); the
pod's argument is rendered by real Jinja as Airflow renders it. The worker backend on a real
Airflow is in ``test_parity.py`` (marked ``airflow``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from app.runner import DryRun, RunOptions
from exporters.airflow import export_pipeline
from graph_editor.limits import SMALL_STRING
from tests.exporters.file_handoff import EXPECTED, handoff_pipeline
from tests.exporters.helpers import Literal, run_module
from tests.runtime.conftest import CREDENTIALS, make_bucket

pytestmark = pytest.mark.slow
RUN_ID = "manual__2026-12-02T04:00:00+00:00"


def dry_run(pipeline: Any) -> dict[str, dict[str, Any]]:
    """The dry-run's summary of each node, by name."""
    summary = list(DryRun(pipeline, RunOptions(jobs=1, use_cache=False)).events())[-1].summary
    return {n["name"]: n for n in summary["nodes"]}


class _TI:
    def __init__(self, xcoms: dict[str, Any]) -> None:
        self.xcoms = xcoms

    def xcom_pull(self, task_ids: str) -> Any:
        return self.xcoms[task_ids]


def _render(template: str, xcoms: dict[str, Any], dag_id: str) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["stitchboard_json"] = json.dumps
    dag = type("Dag", (), {"dag_id": dag_id})
    return env.from_string(template).render(params={}, ti=_TI(xcoms), dag=dag, run_id=RUN_ID)


def run_pods(pipeline: Any, tmp: Path, s3: str, source: str = "") -> tuple[dict, str]:
    """Every pod of the exported DAG in order, each in its own empty folder; returns the XComs
    of those that succeeded and the stderr of the first that failed ('' if none)."""
    namespace, calls = run_module(source or export_pipeline(pipeline, "kubernetes").dag_source)
    if source:
        namespace["__file__"] = str(tmp / "dags" / f"{pipeline.settings.dag_id}.py")
    pods = [c.kwargs for c in calls if c.kind == "KubernetesPodOperator"]
    xcoms: dict[str, Any] = {}
    for pod in pods:
        assert pod["pre_execute"] is namespace["ship_code"]
        namespace["ship_code"]({})  # on the Airflow worker, before the pod starts
        folder = tmp / f"pod-{pod['task_id']}"
        folder.mkdir()
        xcom = folder / "airflow" / "xcom" / "return.json"
        env = {k: v.value if isinstance(v, Literal) else v for k, v in pod["env_vars"].items()}
        args = [_render(a, xcoms, pipeline.settings.dag_id) for a in pod.get("arguments", [])]
        for text in [*env.values(), *args]:
            assert len(text.encode()) < SMALL_STRING  # no file travels in a pod's env or args
        secret = {  # the keys of the Kubernetes Secret the pipeline names (envFrom)
            "AWS_ACCESS_KEY_ID": CREDENTIALS["key"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret"],
            "AWS_ENDPOINT_URL": s3,
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        base = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
        done = subprocess.run(
            [sys.executable, "-c", namespace["POD_BOOTSTRAP"], *args],
            env={
                **base,
                **env,
                **secret,
                "TMPDIR": str(folder),
                "STITCHBOARD_XCOM_PATH": str(xcom),
            },
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            return xcoms, done.stderr
        xcoms[pod["task_id"]] = json.loads(xcom.read_text())
    return xcoms, ""


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; this process (standing in for the Airflow worker) may write to it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return make_bucket(s3_endpoint)


def test_a_declared_file_two_hops_upstream_and_a_shipped_file_reach_the_node_in_the_dry_run(
    tmp_path: Path,
) -> None:
    nodes = dry_run(handoff_pipeline(tmp_path / "src", declared=True))
    assert nodes["use"]["state"] == "succeeded", nodes["use"]["detail"]
    assert nodes["use"]["outputs"] == EXPECTED
    assert not (tmp_path / "src" / "data" / "out.csv").exists()  # never beside the notebooks


def test_pods_in_empty_folders_get_the_shipped_file_and_the_file_made_two_hops_upstream(
    tmp_path: Path, bucket: str, s3_endpoint: str
) -> None:
    pipeline = handoff_pipeline(tmp_path / "src", declared=True, store=f"s3://{bucket}/art")
    xcoms, failed = run_pods(pipeline, tmp_path, s3_endpoint)
    assert failed == ""
    assert xcoms["use"] == EXPECTED
    made = xcoms["make"]["__files__"]["data/out.csv"]  # the file went through the store
    assert made["uri"].startswith(f"s3://{bucket}/art/files_declared/manual__")
    assert made["uri"].endswith("/make/file-data_out.csv/out.csv")


@pytest.mark.parametrize("job", ["notebook", "script"])
def test_an_undeclared_file_fails_the_dry_run_and_the_pod_with_the_same_line(
    tmp_path: Path, bucket: str, s3_endpoint: str, job: str
) -> None:
    pipeline = handoff_pipeline(
        tmp_path / "src", declared=False, store=f"s3://{bucket}/art", script=job == "script"
    )
    nodes = dry_run(pipeline)
    assert nodes["use"]["state"] == "failed"
    line = nodes["use"]["detail"]
    assert "'data/out.csv'" in line and "--produces data/out.csv" in line and "\n" not in line
    assert "stitchboard node files handoff.stitch use --ship data/out.csv" in line
    xcoms, failed = run_pods(pipeline, tmp_path, s3_endpoint)
    assert set(xcoms) == {"make", "middle"}  # the upstream pods ran; use's pod failed
    assert failed.strip().splitlines()[-1] == f"MissingFileError: {line}"
    assert "Traceback" not in failed


def test_a_big_declared_file_travels_in_the_bundle_and_the_store_not_in_the_dag_module(
    tmp_path: Path, bucket: str, s3_endpoint: str
) -> None:
    pipeline = handoff_pipeline(tmp_path / "src", declared=True, store=f"s3://{bucket}/art")
    rng = random.Random(7)
    numbers = [rng.randrange(10**9) for _ in range(50_000)]
    rows = "".join(f"{v}\n" for v in numbers)  # ~500 KB that zlib cannot shrink much
    (tmp_path / "src" / "data" / "input.csv").write_text("k\n" + rows)
    bundle = export_pipeline(pipeline, "kubernetes")
    assert len(bundle.dag_source) < 200_000  # the file is not inside the module
    big = [n for n in bundle.files if n.startswith("_stitchboard_files/")]
    assert big and all(n.startswith("_stitchboard_files/files_declared/") for n in big)
    # another DAG shipping the same bytes has its own copy: removing one (a rollback, a
    # deleted DAG) never takes a file the other still reads
    other = handoff_pipeline(
        tmp_path / "src2", declared=True, store=f"s3://{bucket}/art", dag_id="files_other"
    )
    (tmp_path / "src2" / "data" / "input.csv").write_text("k\n" + rows)
    theirs = [n for n in export_pipeline(other, "kubernetes").files if n.startswith("_stitch")]
    assert len(theirs) == len(big) and not set(theirs) & set(big)
    bundle.write(tmp_path / "dags")
    xcoms, failed = run_pods(pipeline, tmp_path, s3_endpoint, source=bundle.dag_source)
    assert failed == ""
    assert xcoms["use"]["inputs"] == sum(numbers)


def test_a_scripts_path_output_reaches_the_next_pod_as_a_file_as_in_the_dry_run(
    tmp_path: Path, bucket: str, s3_endpoint: str
) -> None:
    """A script names a file it wrote as its ``path`` output: the next node (another pod, its
    own empty folder) reads that file, on the laptop and in the pods alike."""
    from graph_editor.nodes import Edge, Node, PipelineSettings, Port
    from graph_editor.pipeline import Pipeline
    from graph_editor.types import PortType
    from tests.helpers import write_notebook

    src = tmp_path / "src"
    src.mkdir()
    (src / "job.py").write_text(
        "import json, os\n"
        "open('summary.txt', 'w').write('six')\n"
        "json.dump({'summary': 'summary.txt'}, open(os.environ['STITCHBOARD_OUTPUTS'], 'w'))\n"
    )
    write_notebook(
        src / "read.ipynb", parameters="summary = ''", outputs="text = open(summary).read()"
    )
    settings = PipelineSettings(
        name="path_out",
        dag_id="path_out",
        artifact_store=f"s3://{bucket}/art",
        store_secret="ml-store",
    )
    pipeline = Pipeline(settings=settings, path=src / "path_out.stitch")
    pipeline.add_node(
        Node(id="j", name="job", source="job.py", outputs=(Port("summary", PortType.PATH),))
    )
    pipeline.add_node(
        Node(
            id="r",
            name="read",
            source="read.ipynb",
            inputs=(Port("summary", PortType.PATH),),
            outputs=(Port("text", PortType.STR),),
        )
    )
    pipeline.add_edge(Edge("j", "r", "summary", "summary"))
    assert dry_run(pipeline)["read"]["outputs"] == {"text": "six"}
    xcoms, failed = run_pods(pipeline, tmp_path, s3_endpoint)
    assert failed == ""
    assert xcoms["job"]["summary"]["type"] == "path"  # stored, not a bare name
    assert xcoms["read"] == {"text": "six"}
