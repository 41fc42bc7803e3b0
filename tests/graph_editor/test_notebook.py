"""Inspection on notebooks written by others (papermill's own) and on hand-made ones."""

import pytest

from graph_editor.errors import NotebookError
from graph_editor.notebook import inspect_notebook
from graph_editor.types import PortType
from tests.conftest import EXAMPLE_DIR, PAPERMILL_NOTEBOOKS
from tests.helpers import write_notebook


def ports(ports_):
    return {p.name: (p.type, p.default, p.help) for p in ports_}


def test_papermills_complex_parameters_notebook():
    info = inspect_notebook(PAPERMILL_NOTEBOOKS / "complex_parameters.ipynb")
    found = ports(info.inputs)
    assert found["a"] == (PortType.FLOAT, 2.25, "Variable a")
    assert found["b"] == (PortType.LIST, ["Hello", "World"], "Nice list")
    assert found["msg"][1] is None and found["c"][1] is None
    # its cell has a deliberately broken line: read line by line, and say so
    assert any("syntax error" in w for w in info.warnings)


@pytest.mark.parametrize(
    ("notebook", "expected"),
    [
        ("simple_execute.ipynb", {"msg": (PortType.ANY, None, "")}),
        (
            "result_no_exec.ipynb",
            {"foo": (PortType.INT, 1, ""), "bar": (PortType.STR, "hello", "")},
        ),
        ("no_parameters.ipynb", {}),
    ],
)
def test_papermills_simple_notebooks(notebook, expected):
    info = inspect_notebook(PAPERMILL_NOTEBOOKS / notebook)
    assert ports(info.inputs) == expected
    assert info.kernel == "python3" and info.language == "python"


def test_an_r_notebook_gets_inputs_and_a_clear_word_on_outputs(tmp_path):
    info = inspect_notebook(PAPERMILL_NOTEBOOKS / "notimplemented_translator.ipynb")
    assert info.language == "r"
    assert "msg" in ports(info.inputs)
    nb = write_notebook(
        tmp_path / "r.ipynb",
        parameters='alpha <- 0.5  # rate\nname = "x"\nflag <- TRUE',
        outputs="result <- 1",
        kernel="ir",
        language="R",
    )
    info = inspect_notebook(nb)
    assert ports(info.inputs) == {
        "alpha": (PortType.FLOAT, 0.5, "rate"),
        "name": (PortType.STR, "x", ""),
        "flag": (PortType.BOOL, True, ""),
    }
    # R notebooks' outputs are collected too (tests/graph_editor/test_rcells.py)
    assert [p.name for p in info.outputs] == ["result"] and info.outputs_supported
    assert not info.warnings


def test_outputs_cell_types_come_from_annotations_and_expressions(tmp_path):
    nb = write_notebook(
        tmp_path / "n.ipynb",
        parameters="x: int = 1",
        outputs='a: float = compute()\nb = [i for i in range(3)]\nc = f"{x}"\nd = int(x)\ne = thing  # the thing\n%matplotlib inline',
    )
    info = inspect_notebook(nb)
    assert ports(info.outputs) == {
        "a": (PortType.FLOAT, info.outputs[0].default, ""),
        "b": (PortType.LIST, info.outputs[1].default, ""),
        "c": (PortType.STR, info.outputs[2].default, ""),
        "d": (PortType.INT, info.outputs[3].default, ""),
        "e": (PortType.ANY, info.outputs[4].default, "the thing"),
    }


def test_multi_line_values_and_computed_defaults(tmp_path):
    nb = write_notebook(
        tmp_path / "n.ipynb",
        parameters=(
            'cfg: dict = {\n    "depth": 3,  # inner\n    "lr": 0.1,\n}  # model config\n'
            "path = os.path.join('a', 'b')\nflag = False"
        ),
    )
    found = ports(inspect_notebook(nb).inputs)
    assert found["cfg"] == (PortType.DICT, {"depth": 3, "lr": 0.1}, "model config")
    assert found["flag"] == (PortType.BOOL, False, "")
    assert found["path"][0] == PortType.ANY and not inspect_notebook(nb).inputs[1].has_default


def test_the_example_notebooks_offer_their_ports():
    info = inspect_notebook(EXAMPLE_DIR / "prepare_data.ipynb")
    assert [p.name for p in info.inputs] == ["n_rows", "seed", "test_fraction"]
    assert ports(info.outputs)["rows"][0] == PortType.INT


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"cells": [', "invalid JSON"),
        ("[]", "no 'cells' list"),
        (
            '{"cells": [{"cell_type": "bogus"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
            "not a valid notebook",
        ),
    ],
)
def test_broken_notebooks_raise_one_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "broken.ipynb"
    path.write_text(content)
    with pytest.raises(NotebookError) as err:
        inspect_notebook(path)
    assert str(path) in str(err.value) and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_notebook_and_script_jobs(tmp_path):
    with pytest.raises(NotebookError, match="file not found"):
        inspect_notebook(tmp_path / "nope.ipynb")
    script = tmp_path / "job.py"
    script.write_text("print('hi')\n")
    assert inspect_notebook(script).inputs == ()
    script.write_text("def broken(:\n")
    with pytest.raises(NotebookError, match="syntax error at line 1"):
        inspect_notebook(script)


# -- notebooks as others write them (issue #13) ----------------------------------------------
def test_an_annotation_wins_over_the_type_of_the_default(tmp_path):
    nb = write_notebook(
        tmp_path / "a.ipynb",
        parameters="upstream: any = ['features']\nrate: float = 1\nname: str = None\nblank = None",
    )
    found = ports(inspect_notebook(nb).inputs)
    assert found["upstream"][0] == PortType.ANY
    assert found["rate"][0] == PortType.FLOAT
    assert found["name"][0] == PortType.STR
    assert found["blank"][0] == PortType.ANY


def test_ploombers_upstream_list_takes_the_dict_ploomber_passes(tmp_path):
    nb = write_notebook(tmp_path / "p.ipynb", parameters="upstream = ['features']\nproduct = None")
    found = ports(inspect_notebook(nb).inputs)
    assert found["upstream"] == (PortType.ANY, ["features"], "")
    # without Ploomber's product, a list default still means a list
    nb = write_notebook(tmp_path / "q.ipynb", parameters="upstream = ['features']")
    assert ports(inspect_notebook(nb).inputs)["upstream"][0] == PortType.LIST


def test_kales_pipeline_parameters_cell_gives_inputs_and_skip_cells_do_not_count(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    params = new_code_cell("lr = 0.1\nepochs = 3")
    params.metadata["tags"] = ["pipeline-parameters"]
    skipped = new_code_cell("import tensorflow\nraise SystemExit('not here')")
    skipped.metadata["tags"] = ["skip"]
    step = new_code_cell("model = lr * epochs")
    step.metadata["tags"] = ["block:train"]
    nb.cells = [params, skipped, step]
    path = tmp_path / "kale.ipynb"
    nbformat.write(nb, str(path))
    info = inspect_notebook(path)
    assert ports(info.inputs) == {
        "lr": (PortType.FLOAT, 0.1, ""),
        "epochs": (PortType.INT, 3, ""),
    }
    assert info.has_parameters_cell and info.gpu_libraries == ()


def test_a_jupytext_percent_script_is_read_as_a_notebook(tmp_path):
    import jupytext
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    params = new_code_cell("rows: int = 10  # how many")
    params.metadata["tags"] = ["parameters"]
    outputs = new_code_cell("total = rows * 2")
    outputs.metadata["tags"] = ["outputs"]
    nb.cells = [params, new_code_cell("import cudf"), outputs]
    path = tmp_path / "job.py"
    path.write_text(jupytext.writes(nb, fmt="py:percent"), encoding="utf-8")
    info = inspect_notebook(path)
    assert not info.is_script
    assert ports(info.inputs) == {"rows": (PortType.INT, 10, "how many")}
    assert [p.name for p in info.outputs] == ["total"]
    assert info.gpu_libraries == ("cudf",)


def test_a_plain_script_stays_a_script_job_and_names_its_gpu_imports(tmp_path):
    path = tmp_path / "train.py"
    path.write_text("import json\nfrom tensorflow import keras\nprint(json.dumps({}))\n")
    info = inspect_notebook(path)
    assert info.is_script and info.inputs == () and info.gpu_libraries == ("tensorflow",)
