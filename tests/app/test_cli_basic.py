"""The foundation CLI as a newcomer meets it: inspect, new, validate, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest

from app.cli.main import main
from graph_editor import fileformat
from graph_editor.nodes import Edge
from tests.conftest import EXAMPLE, PAPERMILL_NOTEBOOKS
from tests.helpers import write_notebook


def run_cli(*args, cwd=None):
    """The installed entry point in a real subprocess (what a user types)."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_inspect_shows_names_types_defaults_and_help(capsys):
    assert main(["inspect", str(PAPERMILL_NOTEBOOKS / "complex_parameters.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "a: float = 2.25  # Variable a" in out
    assert 'b: list = ["Hello", "World"]  # Nice list' in out


def test_inspect_json(capsys):
    assert main(["inspect", "--json", str(EXAMPLE.parent / "train_mlp.ipynb")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["inputs"][2] == {
        "name": "hidden_units",
        "type": "int",
        "default": 16,
        "help": "width of the hidden layer",
    }
    assert [o["name"] for o in data["outputs"]] == ["accuracy", "backend"]


def test_new_chains_notebooks_and_wires_same_named_ports(tmp_path, capsys):
    a = write_notebook(
        tmp_path / "nb" / "01 load.ipynb",
        parameters="rows: int = 5",
        outputs="data = [1]\ncount = 1",
    )
    b = write_notebook(
        tmp_path / "nb" / "02_train.ipynb",
        parameters="data: list = []\nrate: float = 0.1",
        outputs="score = 0.5",
    )
    c = write_notebook(tmp_path / "nb" / "report.ipynb", parameters="title: str = 'x'")
    target = tmp_path / "flow.stitch"
    assert main(["new", str(target), str(a), str(b), str(c)]) == 0
    assert "3 nodes, 1 wires" in capsys.readouterr().out
    p = fileformat.load(target)
    load, train, report = p.nodes
    assert (load.name, train.name, report.name) == ("load", "train", "report")
    assert p.edges_into(train.id) == [Edge(load.id, train.id, "data", "data")]
    assert p.edges_into(report.id) == [Edge(train.id, report.id)]  # nothing to wire: ordering edge
    assert load.source == "nb/01 load.ipynb"
    assert load.position[0] < train.position[0] < report.position[0]
    assert main(["validate", str(target)]) == 0
    with pytest.raises(SystemExit) as exit_:
        main(["new", str(target), str(a)])
    assert exit_.value.code == 2


def test_validate_good_pipeline_exits_0():
    done = run_cli("validate", EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert "OK (5 nodes, 9 edges)" in done.stdout


def test_validate_cycle_and_type_mismatch_exit_1(example_copy):
    p = fileformat.load(example_copy)
    cmp_, prep, mlp = (p.node_by_name(n) for n in ("compare_models", "prepare_data", "train_mlp"))
    p.add_edge(Edge(cmp_.id, prep.id), check=False)
    p.remove_edge(p.wire_into(cmp_.id, "mlp_accuracy"))
    p.add_edge(Edge(mlp.id, cmp_.id, "backend", "mlp_accuracy"), check=False)
    fileformat.save(p, example_copy)
    done = run_cli("validate", example_copy)
    assert done.returncode == 1
    assert "2 error(s)" in done.stdout
    assert "cycle through prepare_data" in done.stdout
    assert "str cannot feed float" in done.stdout
    as_json = run_cli("validate", "--json", example_copy)
    assert as_json.returncode == 1
    assert {i["code"] for i in json.loads(as_json.stdout)} == {"cycle", "type-mismatch"}


@pytest.mark.parametrize("problem", ["truncated", "future", "missing"])
def test_unreadable_files_exit_2_with_one_line(example_copy, problem):
    text = example_copy.read_text()
    if problem == "truncated":
        example_copy.write_text(text[:200])
    elif problem == "future":
        example_copy.write_text(text.replace('"version": 1', '"version": 7'))
    else:
        example_copy.unlink()
    done = run_cli("validate", example_copy)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert str(example_copy.name) in lines[0]
    assert {"truncated": "truncated", "future": "newer Stitchboard", "missing": "file not found"}[
        problem
    ] in lines[0]


def test_bad_notebook_and_bad_usage_are_one_line(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{")
    done = run_cli("inspect", bad)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "bad.ipynb" in done.stderr
    done = run_cli("validate")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_version():
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("stitchboard ")


def test_commands_read_the_notebooks_as_they_are_now(example_copy):
    """A notebook edited after the pipeline was saved: its new port types count, and a wire to a
    parameter it lost is reported, not dropped."""
    write_notebook(
        example_copy.parent / "train_logreg.ipynb",
        parameters="train: str = ''\nlearning_rate: float = 0.1",
        outputs="accuracy: float = 0.5\nweights = []",
    )
    done = run_cli("validate", example_copy)
    assert done.returncode == 1
    assert "prepare_data.train -> train_logreg.train: dataframe cannot feed str" in done.stdout
    assert "train_logreg.ipynb has no parameter 'test'" in done.stdout
