"""A script job's ports from the terminal (``stitchboard port add|remove``): declared, typed,
wired and run for real; refused with one line when a wire would break or the node is a
notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_editor import fileformat
from tests.app.test_cli_edit import ok, run_cli
from tests.helpers import write_notebook

DOUBLE = """import argparse, json, os
p = argparse.ArgumentParser()
p.add_argument("--n", type=int)
args = p.parse_args()
json.dump({"doubled": args.n * 2}, open(os.environ["STITCHBOARD_OUTPUTS"], "w"))
"""
SHOW = """import argparse, json, os
p = argparse.ArgumentParser()
p.add_argument("--x", type=float)
json.dump({"seen": p.parse_args().x}, open(os.environ["STITCHBOARD_OUTPUTS"], "w"))
"""


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    (tmp_path / "double.py").write_text(DOUBLE, encoding="utf-8")
    (tmp_path / "show.py").write_text(SHOW, encoding="utf-8")
    (tmp_path / "report.R").write_text("args <- commandArgs(TRUE)\n", encoding="utf-8")
    ok("new", "p.stitch", "double.py", "show.py", cwd=tmp_path)
    return tmp_path


def test_ports_added_to_two_scripts_can_be_wired_and_the_values_arrive(scripts: Path) -> None:
    f = "p.stitch"
    assert (
        "added input double.n (int)"
        in ok("port", "add", f, "double", "n", "--in", "--type", "int", cwd=scripts).stdout
    )
    ok("port", "add", f, "double", "doubled", "--out", "--type", "int", cwd=scripts)
    ok("port", "add", f, "show", "x", "--in", "--type", "float", cwd=scripts)
    ok("port", "add", f, "show", "seen", "--out", "--type", "float", cwd=scripts)
    ok("wire", f, "double.doubled", "show.x", cwd=scripts)
    ok("set", f, "double.n=21", cwd=scripts)
    done = run_cli("dry-run", f, "--json", cwd=scripts)
    assert done.returncode == 0, done.stderr
    assert '"seen": 42.0' in done.stdout
    ok("node", "add", f, "report.R", cwd=scripts)  # an R script declares its ports too
    ok("port", "add", f, "report", "seen", "--in", "--type", "float", cwd=scripts)
    ok("wire", f, "show.seen", "report.seen", cwd=scripts)
    report = fileformat.load(scripts / f).node_by_name("report")
    assert [(i.name, i.type.value) for i in report.inputs] == [("seen", "float")]


def test_a_wired_port_is_not_removed_or_retyped_past_its_wire(scripts: Path) -> None:
    f = "p.stitch"
    ok("port", "add", f, "double", "doubled", "--out", "--type", "int", cwd=scripts)
    ok("port", "add", f, "show", "x", "--in", "--type", "int", cwd=scripts)
    ok("wire", f, "double.doubled", "show.x", cwd=scripts)
    before = (scripts / f).read_bytes()
    removed = run_cli("port", "remove", f, "show", "x", "--in", cwd=scripts)
    assert removed.returncode == 1
    assert removed.stderr.strip() == (
        "stitchboard: error: show.x is wired from double.doubled; unwire it first"
    )
    retyped = run_cli("port", "add", f, "show", "x", "--in", "--type", "str", cwd=scripts)
    assert retyped.returncode == 1 and "cannot feed str; unwire it first" in retyped.stderr
    assert (scripts / f).read_bytes() == before  # refused: the file is untouched
    said = ok("port", "add", f, "show", "x", "--in", "--type", "float", cwd=scripts).stdout
    assert "retyped show.x: int -> float" in said  # an int still feeds a float


def test_removing_an_input_with_a_value_says_the_value_went(scripts: Path) -> None:
    f = "p.stitch"
    ok("port", "add", f, "double", "n", "--in", "--type", "int", cwd=scripts)
    ok("set", f, "double.n=3", cwd=scripts)
    said = ok("port", "remove", f, "double", "n", "--in", cwd=scripts).stdout
    assert "removed input double.n (double.n: its set value dropped)" in said
    assert dict(fileformat.load(scripts / f).node_by_name("double").values) == {}


def test_a_notebooks_ports_come_from_its_cells_not_from_port_add(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", parameters="x = 1", outputs="y = x")
    ok("new", "p.stitch", "nb.ipynb", cwd=tmp_path)
    done = run_cli("port", "add", "p.stitch", "nb", "z", "--in", cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "nb is a notebook: its ports come from its 'parameters' and 'outputs' cells" in (
        done.stderr
    )
    bad = run_cli("port", "add", "p.stitch", "nb", "z", cwd=tmp_path)
    assert bad.returncode == 2 and "one of the arguments --in --out is required" in bad.stderr
