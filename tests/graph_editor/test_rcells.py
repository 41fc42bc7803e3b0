"""R notebooks and R scripts as a user adds them: typed ports, script jobs, clear warnings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph_editor.build import node_from_source
from graph_editor.nodes import MISSING, Node, PipelineSettings
from graph_editor.notebook import inspect_notebook
from graph_editor.pipeline import Pipeline
from graph_editor.rcells import r_cell_ports, r_literal
from graph_editor.types import PortType
from graph_editor.validation import validate
from tests.helpers import write_notebook

REPO = Path(__file__).resolve().parents[2]
PARAMETERS = """\
n_rows = 30  # rows to draw
rate <- 0.25
scale = 1e3
count = 10L
label = 'plain'
flag = FALSE
nothing = NULL
weights = c(0.5, 1,
            2)  # one per group
names = c("a", "b")
options = list(depth = 3L, greedy = TRUE, name = "x # not a comment")
steps = list(1, "two")
today = Sys.Date()
"""
OUTPUTS = """\
summary_table <- data.frame(x = 1)
fit = lm(y ~ x, table)
average = mean(values)
rows = nrow(table)
title = paste("n =", rows)
kept = c(1, 2)
whatever = other
"""


def test_an_r_notebooks_parameters_become_typed_inputs_with_defaults_and_help(
    tmp_path: Path,
) -> None:
    nb = write_notebook(tmp_path / "stats.ipynb", parameters=PARAMETERS, kernel="ir", language="R")
    info = inspect_notebook(nb)
    found = {p.name: (p.type, p.default, p.help) for p in info.inputs}
    assert info.language == "r" and info.kernel == "ir"
    assert found == {
        "n_rows": (PortType.INT, 30, "rows to draw"),
        "rate": (PortType.FLOAT, 0.25, ""),
        "scale": (PortType.FLOAT, 1000.0, ""),
        "count": (PortType.INT, 10, ""),
        "label": (PortType.STR, "plain", ""),
        "flag": (PortType.BOOL, False, ""),
        "nothing": (PortType.ANY, None, ""),
        "weights": (PortType.LIST, [0.5, 1, 2], "one per group"),
        "names": (PortType.LIST, ["a", "b"], ""),
        "options": (PortType.DICT, {"depth": 3, "greedy": True, "name": "x # not a comment"}, ""),
        "steps": (PortType.LIST, [1, "two"], ""),
        "today": (PortType.ANY, MISSING, ""),
    }


def test_an_r_notebooks_outputs_cell_gives_output_ports_typed_by_obvious_calls(
    tmp_path: Path,
) -> None:
    nb = write_notebook(tmp_path / "o.ipynb", outputs=OUTPUTS, kernel="ir", language="R")
    info = inspect_notebook(nb)
    assert info.outputs_supported and not info.warnings
    assert {p.name: p.type for p in info.outputs} == {
        "summary_table": PortType.DATAFRAME,
        "fit": PortType.OBJECT,
        "average": PortType.FLOAT,
        "rows": PortType.INT,
        "title": PortType.STR,
        "kept": PortType.LIST,
        "whatever": PortType.ANY,
    }
    assert all(p.default is MISSING for p in info.outputs)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-2", -2),
        ("1.5e-3", 0.0015),
        ('"tab\\there"', "tab\there"),
        ("c()", []),
        ("c(a = 1, 'b c' = 2)", {"a": 1, "b c": 2}),
        ("list(list(1), NA)", [[1], None]),
        ("T", True),
    ],
)
def test_r_literals_read_as_the_json_values_they_stand_for(text: str, value: object) -> None:
    assert r_literal(text) == value


@pytest.mark.parametrize("text", ["x + 1", "c(1, a = 2)", "'open", "list(1,, 2)", "Inf"])
def test_anything_but_an_r_literal_is_no_default(text: str) -> None:
    assert r_literal(text) is MISSING


def test_comparisons_and_calls_are_not_assignments() -> None:
    assert [p.name for p in r_cell_ports("x == 1\nprint(x)\ny = 2")] == ["y"]


def test_an_r_script_is_a_script_job_whose_ports_live_on_its_node(tmp_path: Path) -> None:
    script = tmp_path / "fit.R"
    script.write_text("args <- commandArgs(trailingOnly = TRUE)\n")
    info = inspect_notebook(script)
    assert info.is_script and info.language == "r" and info.inputs == ()
    pipeline = Pipeline(PipelineSettings(), path=tmp_path / "p.stitch")
    node = node_from_source(pipeline, script)
    assert node.is_script and node.runs_r and not node.kernel


def test_the_cli_inspects_r_notebooks_and_r_scripts(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "stats.ipynb",
        parameters="level = 0.9  # confidence",
        outputs="slope = 1",
        kernel="ir",
        language="R",
    )
    script = tmp_path / "job.R"
    script.write_text('cat("hi")\n')
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "inspect", "--json", str(nb)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["language"] == "r" and shown["outputs_supported"]
    assert [(p["name"], p["type"]) for p in shown["inputs"]] == [("level", "float")]
    assert [p["name"] for p in shown["outputs"]] == ["slope"]
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "inspect", str(script)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0 and "script job" in done.stdout, done.stderr


def test_validation_names_the_r_script_node_and_what_to_install_when_r_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "job.R"
    script.write_text('cat("hi")\n')
    pipeline = Pipeline(PipelineSettings(), path=tmp_path / "p.stitch")
    pipeline.add_node(Node(id="n1", name="rjob", source="job.R"))
    assert not [i for i in validate(pipeline) if i.code == "rscript-not-installed"]
    # R is installed here; a PATH without it is what a machine without R looks like
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    found = [i for i in validate(pipeline) if i.code == "rscript-not-installed"]
    assert len(found) == 1 and found[0].node_id == "n1"
    assert "job.R" in found[0].message and "apt-get install r-base-core" in found[0].message
    assert "\n" not in found[0].message
