"""How the runtime gives a notebook its inputs and shows what flowed (no kernel needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from app.cli.progress import output_lines
from resources.runtime import stitchboard_artifacts as artifacts
from resources.runtime import stitchboard_runtime as runtime
from tests.helpers import write_notebook


def test_small_values_are_injected_and_artifacts_and_big_values_go_to_one_load_cell(
    tmp_path: Path,
) -> None:
    source = write_notebook(tmp_path / "nb.ipynb", parameters="n = 1\nframe = None\nbig = []")
    where = artifacts.Where(str(tmp_path / "store"), ("up",))
    ref = artifacts.store_output(pd.DataFrame({"a": [1, 2]}), "frame", where).to_json()
    big = list(range(30_000))
    nb = runtime.prepare_notebook(
        source,
        {"n": 5, "frame": ref, "big": big},
        ["total"],
        tmp_path / "nb.outputs.json",
        store=str(tmp_path / "store"),
        prefix=("nb",),
        producers={"frame": "up"},
    )
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    injected = next(i for i, t in enumerate(tags) if "injected-parameters" in t)
    assert runtime.LOAD_TAG in tags[injected + 1]
    assert "n = 5" in nb.cells[injected].source and "frame" not in nb.cells[injected].source
    assert max(len(c.source) for c in nb.cells) < 1_000
    manifest = json.loads((tmp_path / "nb.inputs.json").read_text())
    assert manifest["inputs"]["big"] == big and manifest["inputs"]["frame"]["uri"] == ref["uri"]
    assert manifest["producers"] == {"frame": "up"}
    assert runtime.COLLECT_TAG in tags[-1]
    loaded = artifacts.load_inputs(tmp_path / "nb.inputs.json")
    pd.testing.assert_frame_equal(loaded["frame"], pd.DataFrame({"a": [1, 2]}))


def test_the_run_summary_previews_each_artifact_in_one_line(tmp_path: Path) -> None:
    where = artifacts.Where(str(tmp_path), ("make",))
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    outputs = {
        "table": pd.DataFrame({"x": [1.0, 2.0, 3.0], "name": ["a", "b", "c"]}),
        "grid": np.zeros((3, 4), dtype="float32"),
        "folder": folder,
        "model": {1, 2},
        "count": 7,
    }
    stored = {k: artifacts.store_output(v, k, where) for k, v in outputs.items()}
    summary = {
        "nodes": [
            {
                "name": "make",
                "outputs": {
                    k: v.to_json() if isinstance(v, artifacts.ArtifactRef) else v
                    for k, v in stored.items()
                },
            }
        ]
    }
    lines = output_lines(summary)
    assert lines[0].startswith("make.table  dataframe 3 x 2 [x, name]")
    assert lines[1].startswith("make.grid  array shape (3, 4) float32")
    assert lines[2].startswith("make.folder  folder report (5 B)")
    assert lines[3].startswith("make.model  object builtins.set")
    assert lines[4] == "make.count  7"
