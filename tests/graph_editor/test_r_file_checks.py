"""R nodes' relative file reads are flagged by validate as Python's are."""

from __future__ import annotations

from pathlib import Path

from graph_editor.nodes import Node, PipelineSettings
from graph_editor.pipeline import Pipeline
from graph_editor.rpaths import r_relative_paths
from graph_editor.validation import validate

R_CODE = """library(data.table)
frame <- read.csv("input")  # "commented/out.csv" is not code
model <- readRDS('models/fit.rds'); raw <- data.table::fread("data/raw.tsv")
label <- "logistic regression"; url <- "s3://bucket/a.csv"; abs <- "/etc/hosts"
write.csv(frame, "out/result.csv")
quoted <- "say \\"hi\\""
"""


def test_relative_paths_in_r_code_are_found() -> None:
    assert set(r_relative_paths(R_CODE)) == {
        "input",
        "models/fit.rds",
        "data/raw.tsv",
        "out/result.csv",
    }


def test_an_r_script_reading_an_undeclared_file_is_warned_about_until_it_is_shipped(
    tmp_path: Path,
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "raw.tsv").write_text("a\n1\n")
    (tmp_path / "fit.R").write_text('raw <- read.delim("data/raw.tsv")\nsaveRDS(raw, "fit.rds")\n')
    p = Pipeline(PipelineSettings(name="R", dag_id="r_files"), tmp_path / "r.stitch")
    p.add_node(Node(id="a", name="fit", source="fit.R"))
    warned = {i.message for i in validate(p) if i.code == "undeclared-file"}
    assert any("'data/raw.tsv'" in m and "--ship data/raw.tsv" in m for m in warned)
    assert any("'fit.rds'" in m and "--produces fit.rds" in m for m in warned)
    p.update_node("a", files=("data/raw.tsv",), produces=("fit.rds",))
    assert not [i for i in validate(p) if i.code == "undeclared-file"]
