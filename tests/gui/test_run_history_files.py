"""The run history read from a pipeline's runs folder: newest first, unreadable reports skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.gui.run_results import found_runs, results_from_report, summary_text
from app.runner.store import runs_root
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.run_state import NodeState, RunState


def _report(folder: Path, started: float, state: str, nodes: list[dict]) -> dict:
    return {
        "run_dir": str(folder),
        "state": state,
        "started_at": started,
        "duration_s": 1.5,
        "counts": {state: len(nodes)},
        "failed": [n["name"] for n in nodes if n["state"] == "failed"],
        "nodes": nodes,
    }


def test_runs_found_on_disk_are_listed_newest_first_and_a_broken_report_is_skipped(
    tmp_path: Path,
) -> None:
    pipeline = Pipeline(path=tmp_path / "p.stitch")
    pipeline.add_node(Node("n1", "load"))
    root = runs_root(pipeline)
    for i, (name, state) in enumerate([("old", "failed"), ("new", "succeeded")]):
        folder = root / name
        folder.mkdir(parents=True)
        entry = {"id": "n1", "name": "load", "state": state, "outputs": {"rows": 3}}
        (folder / "run.json").write_text(json.dumps(_report(folder, 1.0e9 + i, state, [entry])))
        os.utime(folder / "run.json", (1.0e9 + i, 1.0e9 + i))
    (root / "broken").mkdir()
    (root / "broken" / "run.json").write_text("{not json")
    (root / "cache").mkdir()  # no report: not a run
    runs = found_runs(pipeline)
    assert [Path(r.folder).name for r in runs] == ["new", "old"]
    assert runs[0].state == RunState.SUCCEEDED and "succeeded" in runs[0].label
    assert "failed: load" in summary_text(runs[1]) and "took 1.5 s" in summary_text(runs[1])
    results = results_from_report(runs[1].report)
    assert results["n1"].state == NodeState.FAILED
    assert results["n1"].output("rows").preview == "3"


def test_a_pipeline_without_a_runs_folder_has_no_history(tmp_path: Path) -> None:
    assert found_runs(Pipeline(path=tmp_path / "never_ran.stitch")) == []
