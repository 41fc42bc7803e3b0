"""The bundled mixed example (Python -> R notebook and Spark -> Python) dry-runs end to end on a laptop
with what the README's set-up installs (real IR kernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.cli.main import main
from app.events import RunFinished, RunState
from app.runner import DryRun, RunOptions
from graph_editor import fileformat
from tests.helpers import outputs_by_content

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("R"), reason="needs R (apt-get install r-base-core)"),
]
MIXED = Path(__file__).resolve().parents[3] / "resources" / "examples" / "mixed"


def test_the_mixed_example_dry_runs_and_the_r_numbers_reach_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(MIXED, folder, ignore=shutil.ignore_patterns("*.runs"))
    assert main(["validate", str(folder / "mixed.stitch")]) == 0
    assert "warning" not in capsys.readouterr().out
    pipeline = fileformat.load(folder / "mixed.stitch")
    events = list(DryRun(pipeline, RunOptions(overrides={"n_rows": 12})).events())
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state == RunState.SUCCEEDED
    nodes = {n["name"]: n for n in finished.summary["nodes"]}
    stats = nodes["r_stats"]["outputs"]
    assert stats["slope"] == pytest.approx(2.0, abs=0.3)
    low, high = stats["slope_interval"]
    assert low < stats["slope"] < high
    means = outputs_by_content({"m": stats["group_means"]}, tmp_path)["m"]["data"]
    assert means["columns"] == ["group", "y", "n"]
    assert [row[0] for row in means["data"]] == ["a", "b", "c"]
    assert [row[2] for row in means["data"]] == [4, 4, 4]  # 12 rows in three groups
    totals = nodes["spark_totals"]["outputs"]["totals"]  # summed on a real local Spark
    table = outputs_by_content({"t": nodes["prepare"]["outputs"]["table"]}, tmp_path)["t"]["data"]
    y = table["columns"].index("y")
    assert sorted(totals) == ["a", "b", "c"]
    assert sum(totals.values()) == pytest.approx(sum(row[y] for row in table["data"]))
    report = nodes["report"]["outputs"]
    assert report["groups"] == 3
    assert f"group a: y sums to {totals['a']:.2f} (Spark)" in report["summary"]
    assert report["summary"].startswith("12 rows: y = ")
    assert f"{stats['slope']:.2f} x" in report["summary"]
