"""The bundled example, dry-run for real: values flow, the cache and partial runs work."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from app.events import NodeState, RunFinished, RunState
from app.runner import DryRun, RunOptions
from app.runner.local import has_module
from graph_editor import fileformat
from tests.conftest import EXAMPLE_DIR

pytestmark = pytest.mark.slow


def run(path: Path, **options: object) -> dict:
    events = list(DryRun(fileformat.load(path), RunOptions(jobs=2, **options)).events())
    assert isinstance(events[-1], RunFinished)
    return events[-1].summary


def by_name(summary: dict) -> dict[str, dict]:
    return {n["name"]: n for n in summary["nodes"]}


def user_files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture(scope="module")
def churn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, str]]:
    """A copy of the example, its file hashes before any run, and the summary of a first run."""
    folder = tmp_path_factory.mktemp("example") / "churn"
    shutil.copytree(EXAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.runs", "__pycache__"))
    before = user_files(folder)
    return folder / "churn.stitch", run(folder / "churn.stitch"), before


def test_values_flow_from_node_to_node(churn: tuple[Path, dict, dict]) -> None:
    _, summary, _ = churn
    assert summary["state"] == "succeeded"
    nodes = by_name(summary)
    compare = nodes["compare_models"]
    assert compare["inputs"]["logreg_accuracy"] == nodes["train_logreg"]["outputs"]["accuracy"]
    assert compare["inputs"]["mlp_accuracy"] == nodes["train_mlp"]["outputs"]["accuracy"]
    assert compare["inputs"]["feature_stats"] == nodes["feature_stats"]["outputs"]["feature_stats"]
    assert compare["input_sources"]["logreg_accuracy"] == "train_logreg.accuracy"
    assert compare["inputs"]["min_accuracy"] == 0.6  # the pipeline parameter's default
    assert nodes["prepare_data"]["outputs"]["rows"] == 400
    assert compare["outputs"]["best_accuracy"] == max(
        compare["inputs"]["logreg_accuracy"], compare["inputs"]["mlp_accuracy"]
    )


def test_run_folder_holds_notebooks_logs_and_report(churn: tuple[Path, dict, dict]) -> None:
    _, summary, _ = churn
    run_dir = Path(summary["run_dir"])
    assert run_dir.parent.name == "churn.runs"
    assert json.loads((run_dir / "run.json").read_text()) == json.loads(json.dumps(summary))
    executed = json.loads((run_dir / "train_logreg.ipynb").read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in executed["cells"])
    assert "test accuracy" in (run_dir / "train_logreg.log").read_text()
    assert "strongest signal" in (run_dir / "feature_stats.log").read_text()  # the script job


@pytest.mark.skipif(has_module("tensorflow"), reason="tensorflow is installed here")
def test_gpu_nodes_run_on_cpu_and_say_so(churn: tuple[Path, dict, dict]) -> None:
    nodes = by_name(churn[1])
    assert nodes["train_mlp"]["state"] == "succeeded"
    assert nodes["train_mlp"]["mode"] == "cpu"
    assert "tensorflow is not installed here" in nodes["train_mlp"]["notes"]
    assert nodes["train_mlp"]["outputs"]["backend"] == "numpy"


def test_second_run_is_all_cached_and_user_files_are_untouched(
    churn: tuple[Path, dict, dict],
) -> None:
    path, first, before = churn
    second = run(path)
    assert {n["state"] for n in second["nodes"]} == {"cached"}
    assert (
        by_name(second)["compare_models"]["outputs"] == by_name(first)["compare_models"]["outputs"]
    )
    forced = run(path, use_cache=False, only=())
    assert {n["state"] for n in forced["nodes"]} == {"succeeded"}
    assert user_files(path.parent) == before  # byte for byte


def test_override_reruns_only_what_it_changes(churn: tuple[Path, dict, dict]) -> None:
    path, first, _ = churn
    summary = run(path, overrides={"min_accuracy": 0.5})
    states = {n["name"]: n["state"] for n in summary["nodes"]}
    assert states == {
        "prepare_data": "cached",
        "train_logreg": "cached",
        "train_mlp": "cached",
        "feature_stats": "cached",
        "compare_models": "succeeded",
    }
    assert by_name(summary)["compare_models"]["inputs"]["min_accuracy"] == 0.5
    rows = run(path, overrides={"n_rows": 200})
    assert by_name(rows)["prepare_data"]["state"] == "succeeded"
    assert by_name(rows)["prepare_data"]["outputs"]["rows"] == 200
    assert by_name(rows)["train_logreg"]["state"] == "succeeded"  # its input changed


def test_partial_run_takes_other_outputs_from_latest_run(churn: tuple[Path, dict, dict]) -> None:
    path, _, _ = churn
    summary = run(path, only=("compare_models",), overrides={"min_accuracy": 0.99})
    nodes = by_name(summary)
    assert nodes["train_logreg"]["state"] == "cached" and nodes["train_logreg"]["mode"] == "reused"
    compare = nodes["compare_models"]
    assert compare["state"] == "failed"  # it really ran, with the new bar
    assert compare["inputs"]["logreg_accuracy"] == nodes["train_logreg"]["outputs"]["accuracy"]
    assert compare["error"]["type"] == "ValueError"
    assert compare["error"]["cell"] == 3
    assert "below the bar 0.99" in compare["detail"]
    assert Path(compare["error"]["notebook"]).is_file()
    assert summary["state"] == RunState.FAILED
    frm = run(path, from_node="train_mlp")
    states = {n["name"]: n["state"] for n in frm["nodes"]}
    assert states["train_mlp"] == states["compare_models"] == NodeState.SUCCEEDED
    assert states["prepare_data"] == states["train_logreg"] == NodeState.CACHED
