"""R nodes exported: an R image for their pods, the R bridge shipped, and an emulated pod that
runs the R notebook as the laptop does (real IR kernel; no cluster here, so the pod is a local
``python3 -c POD_BOOTSTRAP`` in an empty folder with the env and argument Airflow renders)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exporters.airflow import export_pipeline
from exporters.content import unpack
from graph_editor import fileformat
from graph_editor.nodes import DEFAULT_R_IMAGE
from graph_editor.pipeline import Pipeline
from tests.exporters.helpers import run_module
from tests.helpers import outputs_by_content

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "resources" / "examples" / "mixed"
RUNTIME = REPO / "resources" / "runtime"
R_FILES = {"stitchboard_rlang.py", "stitchboard.R"}


def mixed(folder: Path) -> Pipeline:
    shutil.copytree(MIXED, folder, ignore=shutil.ignore_patterns("*.runs"))
    return fileformat.load(folder / "mixed.stitch")


def _pods(pipeline: Pipeline) -> tuple[dict, dict]:
    namespace, calls = run_module(export_pipeline(pipeline, "kubernetes").dag_source)
    return namespace, {c.kwargs["task_id"]: c.kwargs for c in calls if "task_id" in c.kwargs}


def test_r_nodes_run_in_the_r_image_unless_the_node_or_pipeline_names_another(
    tmp_path: Path,
) -> None:
    pipeline = mixed(tmp_path / "mixed")
    _, pods = _pods(pipeline)
    assert pods["r_stats"]["image"] == DEFAULT_R_IMAGE
    assert pods["prepare"]["image"] == pods["report"]["image"] == pipeline.settings.default_image
    pipeline.update_settings(r_image="registry.local/r-stats:4.4")
    assert _pods(pipeline)[1]["r_stats"]["image"] == "registry.local/r-stats:4.4"
    r_stats = pipeline.node_by_name("r_stats")
    pipeline.update_node(r_stats.id, image="registry.local/own:1")
    assert _pods(pipeline)[1]["r_stats"]["image"] == "registry.local/own:1"


def test_the_r_image_setting_survives_save_and_load_and_default_files_keep_their_bytes(
    tmp_path: Path,
) -> None:
    pipeline = mixed(tmp_path / "mixed")
    assert '"r_image"' not in (tmp_path / "mixed" / "mixed.stitch").read_text()
    pipeline.update_settings(r_image="registry.local/r:1")
    fileformat.save(pipeline, tmp_path / "again.stitch")
    assert fileformat.load(tmp_path / "again.stitch").settings.r_image == "registry.local/r:1"


@pytest.mark.parametrize("backend", ["kubernetes", "worker"])
def test_both_backends_ship_the_r_bridge_with_every_dag(tmp_path: Path, backend: str) -> None:
    namespace, _ = run_module(export_pipeline(mixed(tmp_path / "m"), backend).dag_source)
    shipped = namespace["SHIPPED"]
    assert R_FILES <= set(shipped)
    for name in R_FILES:
        assert unpack(namespace["CONTENT"][shipped[name]]) == (RUNTIME / name).read_text()


@pytest.mark.slow
def test_an_emulated_pod_runs_the_r_notebook_like_the_local_runtime(tmp_path: Path) -> None:
    sys.path.insert(0, str(RUNTIME))
    import stitchboard_artifacts as artifacts
    import stitchboard_runtime as runtime

    pipeline = mixed(tmp_path / "mixed")
    made = runtime.run_notebook(
        pipeline.source_path(pipeline.node_by_name("prepare")),
        {"n_rows": 12},
        ["table", "rows"],
        tmp_path / "prepare.ipynb",
        store=str(tmp_path / "store"),
        prefix=("up", "prepare"),
    )
    assert artifacts.is_ref(made["table"])
    namespace, pods = _pods(pipeline)
    pod = pods["r_stats"]
    node_spec = json.loads(pod["env_vars"]["STITCHBOARD_NODE"])
    result = tmp_path / "return.json"
    node_spec["flags"] = ["--result", str(result)]  # no /airflow/xcom on this machine
    ship = json.loads(pod["env_vars"]["STITCHBOARD_SHIP"])
    env = dict(
        os.environ,
        STITCHBOARD_NODE=json.dumps(node_spec),
        STITCHBOARD_SHIP=json.dumps(ship),
        **{f"STITCHBOARD_FILE_{key}": namespace["CONTENT"][key] for key in ship.values()},
    )
    empty = tmp_path / "pod"
    empty.mkdir()
    rendered = json.dumps({"params": {}, "upstream": {"prepare": {"table": made["table"]}}})
    done = subprocess.run(
        [sys.executable, "-c", namespace["POD_BOOTSTRAP"], rendered],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=empty,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pod_outputs = json.loads(result.read_text())
    r_stats = pipeline.node_by_name("r_stats")
    local = runtime.run_notebook(
        pipeline.source_path(r_stats),
        {"table": made["table"]},
        [p.name for p in r_stats.outputs],
        tmp_path / "r_stats.ipynb",
        kernel_name="ir",
        store=str(tmp_path / "store"),
        prefix=("local", "r_stats"),
    )
    seen = outputs_by_content(pod_outputs, tmp_path)
    assert seen == outputs_by_content(local, tmp_path)
    assert seen["slope"] == pytest.approx(2.0, abs=0.2)
    assert pod_outputs["group_means"]["format"] == "columns"
    assert pod_outputs["model"]["format"] == "rds"


@pytest.mark.parametrize("backend", ["kubernetes", "worker"])
def test_an_r_script_node_ships_as_it_is_and_runs_as_a_script(tmp_path: Path, backend: str) -> None:
    from graph_editor.nodes import Node, Port
    from graph_editor.types import PortType

    pipeline = mixed(tmp_path / "m")
    script = tmp_path / "m" / "summary.R"
    script.write_text('writeLines("{}", Sys.getenv("STITCHBOARD_OUTPUTS"))\n')
    pipeline.add_node(
        Node(
            id="rs1",
            name="summary",
            source="summary.R",
            inputs=(Port("n", PortType.INT, 1),),
            outputs=(Port("done", PortType.BOOL),),
        )
    )
    namespace, calls = run_module(export_pipeline(pipeline, backend).dag_source)
    assert script.read_text() in {unpack(v) for v in namespace["CONTENT"].values()}
    task = next(c.kwargs for c in calls if c.kwargs.get("task_id") == "summary")
    if backend == "kubernetes":
        assert task["image"] == DEFAULT_R_IMAGE
        spec = json.loads(task["env_vars"]["STITCHBOARD_NODE"])
    else:
        spec = task["op_kwargs"]["node"]
    assert spec["script"] is True and spec["source"] == "summary.R"
