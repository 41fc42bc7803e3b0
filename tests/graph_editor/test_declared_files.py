"""Declared files of a node: the file format, the CLI that declares them, validation's checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from graph_editor import fileformat
from graph_editor.file_checks import relative_paths
from graph_editor.validation import validate
from tests.helpers import write_notebook


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], capture_output=True, text=True, timeout=120
    )


def test_declared_files_round_trip_and_match_the_schema(example_copy: Path) -> None:
    pipeline = fileformat.load(example_copy)
    node = pipeline.nodes[0]
    pipeline.update_node(node.id, files=("lookup.csv",), produces=("data/clean.csv", "plots"))
    fileformat.save(pipeline, example_copy)
    doc = json.loads(example_copy.read_text())
    jsonschema.validate(doc, fileformat.schema())
    again = fileformat.load(example_copy).node(node.id)
    assert again.files == ("lookup.csv",) and again.produces == ("data/clean.csv", "plots")


def test_a_file_without_declarations_saves_byte_identical(example_copy: Path) -> None:
    before = example_copy.read_bytes()
    fileformat.save(fileformat.load(example_copy), example_copy)
    assert example_copy.read_bytes() == before
    assert '"produces"' not in before.decode() and '"files"' not in before.decode()


def test_the_cli_declares_and_forgets_files(example_copy: Path) -> None:
    (example_copy.parent / "lookup.csv").write_text("a\n1\n")
    done = _cli(
        "node", "files", str(example_copy), "prepare_data",
        "--ship", "lookup.csv", "--produces", "data/clean.csv",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    node = fileformat.load(example_copy).node_by_name("prepare_data")
    assert node.files == ("lookup.csv",) and node.produces == ("data/clean.csv",)
    gone = _cli(
        "node", "files", str(example_copy), "prepare_data", "--ship", "lookup.csv", "--remove"
    )
    assert gone.returncode == 0, gone.stderr
    assert fileformat.load(example_copy).node_by_name("prepare_data").files == ()
    outside = _cli("node", "files", str(example_copy), "prepare_data", "--ship", "../secret.txt")
    assert outside.returncode != 0 and "relative to the notebook" in outside.stderr
    assert "Traceback" not in outside.stderr and len(outside.stderr.strip().splitlines()) == 1


def test_relative_paths_in_code_are_found() -> None:
    code = (
        "import pandas as pd\nframe = pd.read_csv('input')\nopen('x.txt').read()\n"
        "out = 'data/clean.csv'\nurl = 's3://bucket/a.csv'\nabs_path = '/etc/hosts'\n"
        "label = 'logistic regression'\n"
    )
    assert set(relative_paths(code)) == {"input", "x.txt", "data/clean.csv"}


def test_validation_warns_about_undeclared_paths_and_refuses_a_missing_shipped_file(
    example_copy: Path,
) -> None:
    folder = example_copy.parent
    write_notebook(
        folder / "reader.ipynb",
        body="import pandas as pd\nframe = pd.read_csv('data/clean.csv')",
        outputs="rows = len(frame)",
    )
    done = _cli("node", "add", str(example_copy), str(folder / "reader.ipynb"))
    assert done.returncode == 0, done.stderr
    pipeline = fileformat.load(example_copy)
    reader = pipeline.node_by_name("reader")
    warned = [i for i in validate(pipeline) if i.code == "undeclared-file"]
    assert [(i.node_name, "'data/clean.csv'" in i.message) for i in warned] == [("reader", True)]
    pipeline.update_node(reader.id, files=("data/clean.csv",))
    errors = [i for i in validate(pipeline) if i.is_error]
    assert [i.code for i in errors] == ["missing-shipped-file"]
    assert "data/clean.csv" in errors[0].message and errors[0].node_name == "reader"
