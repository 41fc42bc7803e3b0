"""R nodes in a real dry-run: Python -> R -> Python values and data frames, RDS between R
nodes, an R script job. Real IR kernel and Rscript (Debian's r-base-core, r-cran-irkernel,
r-cran-jsonlite); one dry-run for the whole module."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.events import RunFinished
from app.runner import DryRun, RunOptions
from graph_editor.nodes import Port
from graph_editor.types import PortType
from tests.app.runner.builders import pipeline
from tests.helpers import write_notebook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("Rscript"), reason="needs R (apt-get install r-base-core)"),
]

MAKE = """\
import pandas as pd
table = pd.DataFrame(
    {
        "x": [0.1 + 0.2, 2.5, float("nan"), 1e-300],
        "k": [1, 2, 3, 4],
        "name": ["a", None, "Zürich", 'q"uote'],
        "flag": [True, False, True, True],
        "day": pd.to_datetime(["2024-01-02", "2024-02-29", "2024-03-01", "2025-12-31"]),
        "level": pd.Categorical(["lo", "hi", "lo", "mid"], categories=["lo", "mid", "hi"]),
    }
)
label = "Zürich ∑"
numbers = [1, 2.5, 4]
big = [i * 0.5 for i in range(20000)]
config = {"depth": 3, "name": "tree"}
odd = {1, 2}
"""
STATS_PARAMS = 'table = NULL\nlabel = ""\nnumbers = list()\nbig = list()\nconfig = list()'
STATS_OUT = """\
back = table
n = nrow(table)
kinds = vapply(table, function(col) class(col)[1], "")
echo = label
total = sum(unlist(numbers))
big_sum = sum(unlist(big))
depth = config$depth
fit = lm(k ~ x, data.frame(x = c(1, 2, 3, 4), k = c(1.5, 3.9, 6.1, 8.0)))
pi_value = pi
missing = NULL
"""
CHECK_PARAMS = "back = None\npi_value = 0.0\ncoefs = []\nrows = 0\nscaled = 0.0\nexpected = None"
CHECK = """\
import math
import pandas as pd
expected = pd.DataFrame(
    {
        "x": [0.1 + 0.2, 2.5, float("nan"), 1e-300],
        "k": [1, 2, 3, 4],
        "name": ["a", None, "Zürich", 'q"uote'],
        "flag": [True, False, True, True],
        "day": pd.to_datetime(["2024-01-02", "2024-02-29", "2024-03-01", "2025-12-31"]),
        "level": pd.Categorical(["lo", "hi", "lo", "mid"], categories=["lo", "mid", "hi"]),
    }
)
pd.testing.assert_frame_equal(back, expected)
assert pi_value == math.pi
"""
RJOB = """\
args <- commandArgs(trailingOnly = TRUE)
value <- function(name) sub(paste0("^--", name, "="), "", grep(paste0("^--", name, "="), args, value = TRUE))
table <- read.csv(value("table"))
scale <- as.numeric(value("scale"))
out <- sprintf('{"rows": %d, "scaled": %.17g}', nrow(table), sum(table$k) * scale)
writeLines(out, Sys.getenv("STITCHBOARD_OUTPUTS"))
"""


def _r_notebook(path: Path, parameters: str, outputs: str, body: str = "") -> Path:
    return write_notebook(
        path, parameters=parameters, body=body, outputs=outputs, kernel="ir", language="R"
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("rlang")
    make = write_notebook(folder / "make.ipynb", outputs=MAKE)
    stats = _r_notebook(folder / "stats.ipynb", STATS_PARAMS, STATS_OUT)
    use_fit = _r_notebook(folder / "use_fit.ipynb", "fit = NULL", "coefs = unname(coef(fit))")
    wrong = _r_notebook(folder / "wrong.ipynb", "odd = NULL", "seen = 1")
    check = write_notebook(
        folder / "check.ipynb", parameters=CHECK_PARAMS, body=CHECK, outputs="ok = True"
    )
    script = folder / "rjob.R"
    script.write_text(RJOB, encoding="utf-8")
    p = pipeline(
        folder,
        {
            "make": make,
            "stats": stats,
            "use_fit": use_fit,
            "rjob": script,
            "wrong": wrong,
            "check": check,
        },
        [
            *(f"make.{x}->stats.{x}" for x in ("table", "label", "numbers", "big", "config")),
            "stats.fit->use_fit.fit",
            "make.table->rjob.table",
            "make.odd->wrong.odd",
            "stats.back->check.back",
            "stats.pi_value->check.pi_value",
            "use_fit.coefs->check.coefs",
            "rjob.rows->check.rows",
            "rjob.scaled->check.scaled",
        ],
        rjob={
            "inputs": (Port("table", PortType.DATAFRAME), Port("scale", PortType.FLOAT, 2.0)),
            "outputs": (Port("rows", PortType.INT), Port("scaled", PortType.FLOAT)),
            "values": {"scale": 1.5},
        },
    )
    events = list(DryRun(p, RunOptions(use_cache=False)).events())
    assert isinstance(events[-1], RunFinished)
    return {n["name"]: n for n in events[-1].summary["nodes"]}


def test_values_reach_an_r_notebook_and_come_back_to_python_equal(run: dict) -> None:
    stats = run["stats"]
    assert stats["state"] == "succeeded", stats["detail"]
    out = stats["outputs"]
    assert out["n"] == 4
    assert out["echo"] == "Zürich ∑"
    assert out["total"] == 7.5 and out["depth"] == 3
    assert out["big_sum"] == sum(i * 0.5 for i in range(20000))  # a big list, via the manifest
    assert out["pi_value"] == math.pi  # doubles leave R exactly (jsonlite alone keeps 15 digits)
    assert out["missing"] is None
    assert out["kinds"] == {
        "x": "numeric",
        "k": "integer",
        "name": "character",
        "flag": "logical",
        "day": "Date",
        "level": "factor",
    }


def test_a_data_frame_goes_python_to_r_to_python_unchanged(run: dict) -> None:
    assert run["check"]["state"] == "succeeded", run["check"]["detail"]
    back = run["stats"]["outputs"]["back"]
    assert back["type"] == "dataframe" and back["format"] == "columns"
    assert run["check"]["outputs"] == {"ok": True}


def test_an_r_model_reaches_the_next_r_node_as_rds(run: dict) -> None:
    fit = run["stats"]["outputs"]["fit"]
    assert fit["type"] == "object" and fit["format"] == "rds" and fit["python_type"] == "R lm"
    assert run["use_fit"]["state"] == "succeeded", run["use_fit"]["detail"]
    intercept, slope = run["use_fit"]["outputs"]["coefs"]
    assert slope == pytest.approx(2.17) and intercept == pytest.approx(-0.55)


def test_an_r_script_gets_its_data_frame_as_csv_and_writes_json_outputs(run: dict) -> None:
    assert run["rjob"]["state"] == "succeeded", run["rjob"]["detail"]
    assert run["rjob"]["outputs"] == {"rows": 4, "scaled": 15.0}


def test_a_pickled_python_object_wired_into_r_fails_with_one_line_naming_the_input(
    run: dict,
) -> None:
    wrong = run["wrong"]
    assert wrong["state"] == "failed"
    assert "input 'odd'" in wrong["detail"] and "cannot be given to an R node" in wrong["detail"]
    assert "\n" not in wrong["detail"]
