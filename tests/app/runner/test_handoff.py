"""Data of any kind between nodes in a real dry-run, and file hand-offs as on the cluster.

Real kernels, real Parquet/.npy/pickle files in the run folder, real working folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from app.events import RunFinished
from app.runner import DryRun, RunOptions
from tests.app.runner.builders import notebook, pipeline

MAKE = """\
import numpy as np
import pandas as pd
from pathlib import Path
from sklearn.linear_model import LinearRegression
"""
MAKE_OUT = """\
table = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.1], "name": ["a", "b", "c"]})
grid = np.arange(12, dtype="float32").reshape(3, 4)
model = LinearRegression().fit(table[["x"]], table["y"])
Path("report").mkdir(exist_ok=True)
(Path("report") / "notes.txt").write_text("fitted")
folder = Path("report")
type = "named like a builtin"
_n = 7
"""
CHECK = """\
import numpy as np
import pandas as pd
expected = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.1], "name": ["a", "b", "c"]})
pd.testing.assert_frame_equal(table, expected)
assert grid.dtype == np.float32 and grid.shape == (3, 4) and grid[2, 3] == 11
assert round(float(model.predict(pd.DataFrame({"x": [4.0]}))[0]), 1) == 8.1
"""
CHECK_OUT = """\
notes = (folder / "notes.txt").read_text()
kind = type
count = _n
"""


def finish(run: DryRun) -> dict:
    events = list(run.events())
    assert isinstance(events[-1], RunFinished)
    return {n["name"]: n for n in events[-1].summary["nodes"]}


def test_dataframe_array_model_and_folder_pass_between_nodes_and_come_back_equal(
    tmp_path: Path,
) -> None:
    make = notebook(tmp_path / "make.ipynb", body=MAKE, outputs=MAKE_OUT)
    check = notebook(
        tmp_path / "check.ipynb",
        parameters="table = None\ngrid = None\nmodel = None\nfolder = None\ntype = None\n_n = 0",
        body=CHECK,
        outputs=CHECK_OUT,
    )
    ports = ["table", "grid", "model", "folder", "type", "_n"]
    p = pipeline(tmp_path, {"make": make, "check": check}, [f"make.{x}->check.{x}" for x in ports])
    run = DryRun(p, RunOptions(jobs=1))
    nodes = finish(run)
    assert nodes["check"]["state"] == "succeeded", nodes["check"]["detail"]
    assert nodes["check"]["outputs"] == {
        "notes": "fitted",
        "kind": "named like a builtin",
        "count": 7,
    }
    made = nodes["make"]["outputs"]
    assert made["table"]["format"] == "parquet" and made["grid"]["format"] == "npy"
    assert made["model"]["format"] == "pickle" and made["folder"]["format"] == "dir"
    artifacts = run.run_dir / "artifacts" / "make"
    assert Path(made["table"]["uri"]) == artifacts / "table.parquet"
    assert (artifacts / "folder" / "report" / "notes.txt").read_text() == "fitted"
    # Each node ran in its own working folder, never beside the user's notebooks.
    assert not (tmp_path / "report").exists()
    assert (run.run_dir / "work" / "make" / "report" / "notes.txt").is_file()


def test_300k_floats_pass_without_a_giant_injected_cell(tmp_path: Path) -> None:
    make = notebook(tmp_path / "make.ipynb", outputs="values = [i * 0.5 for i in range(300_000)]")
    use = notebook(tmp_path / "use.ipynb", parameters="values = []", outputs="total = sum(values)")
    p = pipeline(tmp_path, {"make": make, "use": use}, ["make.values->use.values"])
    run = DryRun(p, RunOptions(jobs=1))
    nodes = finish(run)
    assert nodes["use"]["outputs"] == {"total": sum(i * 0.5 for i in range(300_000))}
    assert nodes["make"]["outputs"]["values"]["format"] == "json"
    executed = run.run_dir / "use.ipynb"
    assert executed.stat().st_size < 20_000
    cells = nbformat.read(str(executed), as_version=4).cells
    assert max(len(c.source) for c in cells) < 1_000


WRITE = "from pathlib import Path\nPath('data').mkdir(exist_ok=True)\nPath('data/clean.csv').write_text('a,b\\n1,2\\n')"
READ = "import pandas as pd\nrows = len(pd.read_csv('data/clean.csv'))"


def test_a_declared_file_hand_off_passes(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", body=WRITE, outputs="done = True")
    b = notebook(tmp_path / "b.ipynb", body=READ, outputs="n = rows")
    p = pipeline(tmp_path, {"a": a, "b": b}, ["a->b"], a={"produces": ("data/clean.csv",)})
    nodes = finish(DryRun(p, RunOptions(jobs=1)))
    assert nodes["b"]["state"] == "succeeded", nodes["b"]["detail"]
    assert nodes["b"]["outputs"] == {"n": 1}
    assert not (tmp_path / "data").exists()


def test_an_undeclared_file_hand_off_fails_with_the_line_that_says_how_to_declare_it(
    tmp_path: Path,
) -> None:
    a = notebook(tmp_path / "a.ipynb", body=WRITE, outputs="done = True")
    b = notebook(tmp_path / "b.ipynb", body=READ, outputs="n = rows")
    p = pipeline(tmp_path, {"a": a, "b": b}, ["a->b"])
    nodes = finish(DryRun(p, RunOptions(jobs=1)))
    assert nodes["b"]["state"] == "failed"
    detail = nodes["b"]["detail"]
    assert "'data/clean.csv'" in detail and "--produces data/clean.csv" in detail
    assert "--ship data/clean.csv" in detail and "\n" not in detail


def test_a_changed_input_csv_reruns_the_node_and_an_unchanged_one_is_cached(
    tmp_path: Path,
) -> None:
    (tmp_path / "input.csv").write_text("a\n1\n2\n")
    read = notebook(
        tmp_path / "read.ipynb",
        body="import pandas as pd\nframe = pd.read_csv('input.csv')",
        outputs="rows = len(frame)",
    )
    p = pipeline(tmp_path, {"read": read}, read={"files": ("input.csv",)})
    first = finish(DryRun(p, RunOptions(jobs=1)))
    assert first["read"]["state"] == "succeeded" and first["read"]["outputs"] == {"rows": 2}
    again = finish(DryRun(p, RunOptions(jobs=1)))
    assert again["read"]["state"] == "cached"
    (tmp_path / "input.csv").write_text("a\n1\n2\n3\n")
    changed = finish(DryRun(p, RunOptions(jobs=1)))
    assert changed["read"]["state"] == "succeeded" and changed["read"]["outputs"] == {"rows": 3}


def test_a_deleted_artifact_reruns_the_node_that_made_it(tmp_path: Path) -> None:
    make = notebook(
        tmp_path / "make.ipynb", body="import numpy as np", outputs="grid = np.ones((2, 2))"
    )
    p = pipeline(tmp_path, {"make": make})
    first = DryRun(p, RunOptions(jobs=1))
    assert finish(first)["make"]["state"] == "succeeded"
    assert finish(DryRun(p, RunOptions(jobs=1)))["make"]["state"] == "cached"
    Path(finish(DryRun(p, RunOptions(jobs=1)))["make"]["outputs"]["grid"]["uri"]).unlink()
    assert finish(DryRun(p, RunOptions(jobs=1)))["make"]["state"] == "succeeded"


def test_a_missing_artifact_fails_the_node_naming_the_upstream_node_and_the_uri(
    tmp_path: Path,
) -> None:
    make = notebook(
        tmp_path / "make.ipynb", body="import numpy as np", outputs="grid = np.ones((2, 2))"
    )
    use = notebook(
        tmp_path / "use.ipynb", parameters="grid = None", outputs="total = float(grid.sum())"
    )
    p = pipeline(tmp_path, {"make": make, "use": use}, ["make.grid->use.grid"])
    first = DryRun(p, RunOptions(jobs=1))
    assert finish(first)["use"]["outputs"] == {"total": 4.0}
    shutil.rmtree(first.run_dir / "artifacts")
    nodes = finish(DryRun(p, RunOptions(jobs=1, from_node="use")))
    assert nodes["use"]["state"] == "failed"
    detail = nodes["use"]["detail"]
    uri = str(first.run_dir / "artifacts" / "make" / "grid.npy")
    assert "make" in detail and uri in detail and "\n" not in detail


def test_a_script_job_gets_artifact_inputs_as_paths_and_stores_path_outputs(
    tmp_path: Path,
) -> None:
    make = notebook(
        tmp_path / "make.ipynb",
        body="import pandas as pd",
        outputs="table = pd.DataFrame({'v': [1, 2, 3]})",
    )
    script = tmp_path / "job.py"
    script.write_text(
        "import json, os, sys\nimport pandas as pd\n"
        "args = dict(a[2:].split('=', 1) for a in sys.argv[1:])\n"
        "frame = pd.read_parquet(args['table'])\n"
        "open('summary.txt', 'w').write(str(frame.v.sum()))\n"
        "json.dump({'summary': 'summary.txt'}, open(os.environ['STITCHBOARD_OUTPUTS'], 'w'))\n"
    )
    from graph_editor.nodes import NodeKind, Port
    from graph_editor.types import PortType

    p = pipeline(tmp_path, {"make": make})
    from graph_editor.nodes import Edge, Node

    job = p.add_node(
        Node(
            id="njob",
            name="job",
            kind=NodeKind.NOTEBOOK,
            source="job.py",
            inputs=(Port("table", PortType.ANY),),
            outputs=(Port("summary", PortType.PATH),),
        )
    )
    p.add_edge(Edge(p.node_by_name("make").id, job.id, "table", "table"))
    nodes = finish(DryRun(p, RunOptions(jobs=1)))
    assert nodes["job"]["state"] == "succeeded", nodes["job"]["detail"]
    ref = nodes["job"]["outputs"]["summary"]
    assert ref["type"] == "path" and Path(ref["uri"]).read_text() == "6"
