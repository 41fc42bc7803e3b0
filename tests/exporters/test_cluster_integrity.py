"""Pods run only the code the DAG shipped, and read only artifacts as they were written.

No cluster runs here (as in test_cluster_store.py): each pod is its rendered command run
locally in its own empty folder with its rendered env, against a real S3 API (moto's server)
or a real folder standing in for a shared volume. ``ship_code`` runs as the worker's
``pre_execute`` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import fsspec
import pytest

from exporters.airflow import export_pipeline
from exporters.content import pack
from tests.exporters.test_cluster_store import (
    _env_text,
    _pipeline,
    _pods,
    _render_argument,
    bucket,  # noqa: F401 - the fixture
)
from tests.runtime.conftest import CREDENTIALS

pytestmark = pytest.mark.slow
EXPECTED = [i * 0.5 for i in range(20_000)]


def _pod(
    namespace: dict[str, Any], pod: dict[str, Any], xcoms: dict[str, Any], folder: Path, s3: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One emulated pod in its own empty folder; returns the process and its XCom file."""
    folder.mkdir(parents=True)
    xcom = folder / "return.json"
    env = {k: _env_text(v) for k, v in pod["env_vars"].items()}
    if s3:
        env.update(
            AWS_ACCESS_KEY_ID=CREDENTIALS["key"],
            AWS_SECRET_ACCESS_KEY=CREDENTIALS["secret"],
            AWS_ENDPOINT_URL=s3,
            AWS_DEFAULT_REGION="us-east-1",
        )
    base = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    args = [_render_argument(a, xcoms) for a in pod.get("arguments", [])]
    done = subprocess.run(
        [sys.executable, "-c", namespace["POD_BOOTSTRAP"], *args],
        env={**base, **env, "TMPDIR": str(folder), "STITCHBOARD_XCOM_PATH": str(xcom)},
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, xcom


def _code_path(pod: dict[str, Any], name: str) -> str:
    env = {k: _env_text(v) for k, v in pod["env_vars"].items()}
    return env["STITCHBOARD_CODE"] + "/" + json.loads(env["STITCHBOARD_SHIP"])[name]


def _both_pods(namespace: dict[str, Any], pods: dict[str, Any], root: Path, s3: str) -> Any:
    xcoms: dict[str, Any] = {}
    for task in ("make_values", "sum_values"):
        done, xcom = _pod(namespace, pods[task], xcoms, root / task, s3)
        assert done.returncode == 0, done.stderr[-3000:]
        xcoms[task] = json.loads(xcom.read_text())
    return xcoms


def test_a_pod_refuses_code_changed_in_the_store_and_the_next_task_puts_it_back(
    tmp_path: Path,
    bucket: str,  # noqa: F811
    s3_endpoint: str,
) -> None:
    pipeline = _pipeline(tmp_path / "src", store=f"s3://{bucket}/artifacts")
    namespace, pods = _pods(export_pipeline(pipeline, "kubernetes").dag_source)
    namespace["ship_code"]({})
    marker = tmp_path / "the-changed-code-ran"
    runtime = _code_path(pods["make_values"], "stitchboard_runtime.py")
    with fsspec.open(runtime, "wb") as handle:  # someone with write access to the store
        handle.write(pack(f"import os\nos.mkdir({str(marker)!r})\n").encode("ascii"))
    done, _ = _pod(namespace, pods["make_values"], {}, tmp_path / "pod-1", s3_endpoint)
    assert done.returncode == 1 and not marker.exists()
    line = done.stderr.strip()
    assert "\n" not in line and line.startswith("ShippedFileError: stitchboard_runtime.py")
    assert "does not match its key" in line
    namespace["ship_code"]({})  # the next task's pre_execute writes the changed file again
    xcoms = _both_pods(namespace, pods, tmp_path / "after", s3_endpoint)
    assert xcoms["sum_values"] == {"total": sum(EXPECTED), "count": len(EXPECTED)}


def test_a_fresh_shared_volume_store_gets_its_folder_and_a_code_file_cut_short_is_rewritten(
    tmp_path: Path,
) -> None:
    volume = tmp_path / "volume" / "store"  # a fresh claim: not even the store folder exists
    pipeline = _pipeline(tmp_path / "src", store=str(volume))
    namespace, pods = _pods(export_pipeline(pipeline, "kubernetes").dag_source)
    namespace["ship_code"]({})
    first = _both_pods(namespace, pods, tmp_path / "first", "")
    assert first["sum_values"] == {"total": sum(EXPECTED), "count": len(EXPECTED)}
    artifacts_code = Path(_code_path(pods["sum_values"], "stitchboard_artifacts.py"))
    artifacts_code.write_bytes(artifacts_code.read_bytes()[:500])  # a write cut short
    done, _ = _pod(namespace, pods["make_values"], {}, tmp_path / "cut", "")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("ShippedFileError: stitchboard_artifacts.py")
    namespace["ship_code"]({})
    second = _both_pods(namespace, pods, tmp_path / "second", "")
    assert second["sum_values"] == first["sum_values"]
    assert not [p.name for p in artifacts_code.parent.iterdir() if ".tmp-" in p.name]


def test_an_artifact_changed_between_pods_fails_the_reading_pod_in_one_line(
    tmp_path: Path,
    bucket: str,  # noqa: F811
    s3_endpoint: str,
) -> None:
    pipeline = _pipeline(tmp_path / "src", store=f"s3://{bucket}/artifacts")
    namespace, pods = _pods(export_pipeline(pipeline, "kubernetes").dag_source)
    namespace["ship_code"]({})
    done, xcom = _pod(namespace, pods["make_values"], {}, tmp_path / "make", s3_endpoint)
    assert done.returncode == 0, done.stderr[-3000:]
    xcoms = {"make_values": json.loads(xcom.read_text())}
    uri = xcoms["make_values"]["values"]["uri"]
    with fsspec.open(uri, "wb") as handle:  # other numbers, written over the artifact
        handle.write(json.dumps([i * 0.25 for i in range(20_000)]).encode())
    done, xcom = _pod(namespace, pods["sum_values"], xcoms, tmp_path / "sum", s3_endpoint)
    assert done.returncode == 1 and not xcom.exists()
    assert "Traceback" not in done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("CorruptArtifactError: node sum_values: input 'values': artifact ")
    assert uri in line and "(output of make_values)" in line
