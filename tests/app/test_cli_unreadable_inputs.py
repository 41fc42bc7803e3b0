"""Inputs that are not what they claim fail in one line and never hang: a ``.stitch`` or an
Elyra file that is a FIFO, and Elyra documents with a value of the wrong shape anywhere."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_editor.errors import PipelineFileError, StitchboardError
from graph_editor.importers.elyra import import_elyra
from tests.graph_editor.test_import_elyra import _document, _node
from tests.helpers import write_notebook


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        capture_output=True,
        text=True,
        errors="replace",  # a path that is not UTF-8 is printed as its bytes
        timeout=60,  # a hang fails the test here instead of blocking the suite
        cwd=cwd,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["show"],
        ["dry-run"],
        ["export", "-o", "out"],
        ["set", "a.x=1"],
        ["wire", "a.y", "b.x"],
    ],
)
def test_a_pipeline_file_that_is_a_fifo_fails_in_one_line(tmp_path: Path, command: list) -> None:
    fifo = tmp_path / "p.stitch"
    os.mkfifo(fifo)
    done = _cli(command[0], str(fifo), *command[1:], cwd=tmp_path)
    assert done.returncode != 0
    err = done.stderr.strip()
    assert err.count("\n") == 0 and str(fifo) in err and "not a regular file" in err


def test_an_elyra_file_that_is_a_fifo_fails_in_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "p.pipeline"
    os.mkfifo(fifo)
    done = _cli("import", str(fifo), "-o", str(tmp_path / "p.stitch"), cwd=tmp_path)
    assert done.returncode != 0
    err = done.stderr.strip()
    assert err.count("\n") == 0 and "not a regular file" in err


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, inner in items:
        yield (*prefix, key)
        yield from _paths(inner, (*prefix, key))


def test_an_elyra_document_with_any_value_of_the_wrong_shape_is_a_file_error(
    tmp_path: Path,
) -> None:
    write_notebook(tmp_path / "a.ipynb", outputs="x = 1")
    write_notebook(tmp_path / "b.ipynb", parameters="x = 0", outputs="y = x")
    nodes = [
        _node(
            "a",
            "execute-notebook-node",
            "A",
            filename="a.ipynb",
            env_vars=[{"env_var": "K", "value": "v"}],
        ),
        _node("b", "execute-notebook-node", "B", ["a"], filename="b.ipynb"),
    ]
    app_data = {
        "version": 8,
        "properties": {"name": "f", "runtime": "Generic", "pipeline_defaults": {}},
        "ui_data": {"comments": [{"id": "c", "content": "hi", "associated_id_refs": []}]},
    }
    base = _document(nodes, app_data)
    internal = []
    tried = 0
    for where in _paths(base):
        for wrong in (None, 1, "x", [], {}, [1], {"a": None}):
            doc = copy.deepcopy(base)
            holder = doc
            for key in where[:-1]:
                holder = holder[key]
            holder[where[-1]] = wrong
            path = tmp_path / "m.pipeline"
            path.write_text(json.dumps(doc))
            tried += 1
            try:
                import_elyra(path)
            except PipelineFileError as exc:
                assert "\n" not in str(exc)
            except StitchboardError:
                pass
            except Exception as exc:  # noqa: BLE001 - what the test looks for
                internal.append((where, wrong, type(exc).__name__))
    assert tried > 300 and internal == []


def test_kale_import_keeps_edited_step_notebooks_unless_forced(tmp_path: Path) -> None:
    from tests.graph_editor.test_import_elyra import kale_notebook

    source = kale_notebook(tmp_path / "demo.ipynb")
    steps = tmp_path / "k.steps"
    steps.mkdir()
    edited = steps / "report.ipynb"
    edited.write_text("my own edits")
    args = ["import", str(source), "--kale", "-o", str(tmp_path / "k.stitch")]
    refused = _cli(*args, cwd=tmp_path)
    assert refused.returncode != 0
    err = refused.stderr.strip()
    assert err.count("\n") == 0 and str(edited) in err and "--force" in err
    assert edited.read_text() == "my own edits" and not (tmp_path / "k.stitch").exists()
    assert not (steps / "load.ipynb").exists()  # nothing written before the refusal
    forced = _cli(*args, "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert edited.read_text() != "my own edits"


@pytest.mark.parametrize("field", ["default_image", "r_image"])
def test_an_image_name_with_a_trailing_newline_is_refused_at_validate(
    tmp_path: Path, field: str
) -> None:
    from graph_editor import fileformat
    from graph_editor.build import node_from_source
    from graph_editor.nodes import PipelineSettings
    from graph_editor.pipeline import Pipeline

    write_notebook(tmp_path / "a.ipynb", outputs="x = 1")
    settings = PipelineSettings(name="img", dag_id="img", **{field: "python:3.11-slim\n"})
    p = Pipeline(settings, path=tmp_path / "img.stitch")
    p.add_node(node_from_source(p, tmp_path / "a.ipynb", name="a"))
    fileformat.save(p, tmp_path / "img.stitch")
    done = _cli("validate", str(tmp_path / "img.stitch"), cwd=tmp_path)
    assert done.returncode == 1
    said = [line for line in (done.stdout + done.stderr).splitlines() if field in line]
    assert len(said) == 1 and "'python:3.11-slim\\n' contains spaces or a line break" in said[0]


def test_inspect_of_a_notebook_nested_past_the_stack_is_one_line(tmp_path: Path) -> None:
    depth = 100_000
    deep = tmp_path / "deep.ipynb"
    deep.write_text('{"cells": [' + "[" * depth + "]" * depth + '], "metadata": {}}')
    done = _cli("inspect", str(deep), cwd=tmp_path)
    assert done.returncode == 2
    err = done.stderr.strip()
    assert err.count("\n") == 0 and str(deep) in err and "nested too deeply" in err


@pytest.mark.slow
def test_a_dry_run_in_a_folder_whose_name_is_not_utf8_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))  # Latin-1 bytes
    folder.mkdir()
    write_notebook(folder / "a.ipynb", parameters="x = 1", outputs="y = x + 1")
    assert (
        _cli("new", str(folder / "p.stitch"), str(folder / "a.ipynb"), cwd=tmp_path).returncode == 0
    )
    done = _cli("dry-run", str(folder / "p.stitch"), cwd=tmp_path)
    assert done.returncode == 1
    err = done.stderr.strip()
    assert err.count("\n") == 0 and "is not valid UTF-8" in err and "internal error" not in err
    assert not any((folder / "p.runs").glob("*"))  # no empty run folder left behind
