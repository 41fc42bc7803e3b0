"""Two real notebooks on a real python3 kernel hand each other a DataFrame, an array, a fitted
model, a folder, a 300,000-float list and outputs named like builtins, through the store."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest
from sklearn.linear_model import LogisticRegression

from resources.runtime import stitchboard_artifacts as artifacts
from tests.helpers import write_notebook

pytestmark = pytest.mark.slow
RUNTIME_DIR = Path(artifacts.__file__).parent
NAMES = ["frame", "grid", "model", "saved", "values", "type", "_n"]

PRODUCE_BODY = """\
from pathlib import Path
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
rng = np.random.default_rng(seed)
Path("saved/parts").mkdir(parents=True)
Path("saved/notes.txt").write_text("kept")
Path("saved/parts/blob.bin").write_bytes(bytes(range(256)))
"""
PRODUCE_OUTPUTS = """\
frame = pd.DataFrame({"x": rng.normal(size=5), "tag": list("abcde")}, index=pd.Index(range(5), name="id"))
grid = rng.normal(size=(50, 3))
model = LogisticRegression().fit(grid, grid[:, 0] > 0)
saved = Path("saved")
values = [i / 3 for i in range(300_000)]
type = "churn"
_n = 3
"""
CONSUME_OUTPUTS = """\
frame_back = frame
predicted = model.predict(grid).tolist()
files = sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*"))
notes = (saved / "notes.txt").read_text()
saved_class = saved.__class__.__name__
count, total = len(values), sum(values)
kind, n = type, _n
added = _added
"""


def expected_data(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """What the producer's cells compute, computed here the same way."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {"x": rng.normal(size=5), "tag": list("abcde")}, index=pd.Index(range(5), name="id")
    )
    return frame, rng.normal(size=(50, 3))


def append_cell(notebook: Path, source: str, first: bool = False) -> None:
    nb = nbformat.read(str(notebook), as_version=4)
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = f"added-{len(nb.cells)}"
    nb.cells.insert(0, cell) if first else nb.cells.append(cell)
    nbformat.write(nb, str(notebook))


def run(notebook: Path, cwd: Path, parameters: dict | None = None) -> Path:
    executed = cwd / f"executed-{notebook.name}"
    papermill.execute_notebook(
        str(notebook),
        str(executed),
        parameters=parameters or {},
        kernel_name="python3",
        cwd=str(cwd),
        progress_bar=False,
    )
    return executed


def test_two_notebooks_hand_on_data_of_every_kind(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(RUNTIME_DIR))  # the runtime ships the module alongside
    for name, value in store.env().items():  # a pod's store settings come from its environment
        monkeypatch.setenv(name, value)
    produce_dir, consume_dir = tmp_path / "produce", tmp_path / "consume"
    produce_dir.mkdir()
    consume_dir.mkdir()
    producer = write_notebook(
        tmp_path / "produce.ipynb",
        parameters="seed: int = 0",
        body=PRODUCE_BODY,
        outputs=PRODUCE_OUTPUTS,
    )
    result = produce_dir / "outputs.json"
    append_cell(
        producer,
        artifacts.collect_outputs_cell(NAMES, store.url, ["dag", "run-1", "produce"], result),
    )
    executed = run(producer, produce_dir, {"seed": 7})
    assert executed.stat().st_size < 100_000  # no payload lands in the executed notebook
    handed_on = json.loads(result.read_text())
    assert {n: v["type"] for n, v in handed_on.items() if artifacts.is_ref(v)} == {
        "frame": "dataframe",
        "grid": "array",
        "model": "object",
        "saved": "path",
        "values": "json",
    }
    assert handed_on["type"] == "churn" and handed_on["_n"] == 3

    manifest = consume_dir / "inputs.json"
    manifest.write_text(
        json.dumps(
            {
                "inputs": handed_on,
                "local_dir": str(consume_dir / "inputs"),
                "producers": dict.fromkeys(NAMES, "produce"),
            }
        )
    )
    consumer = write_notebook(tmp_path / "consume.ipynb", outputs=CONSUME_OUTPUTS)
    append_cell(consumer, artifacts.load_inputs_cell(manifest), first=True)
    append_cell(consumer, "_before = set(globals())", first=True)
    append_cell(
        consumer,
        "_added = sorted(k for k in set(globals()) - _before"
        ' if not __import__("re").fullmatch(r"_+|_i+|_i?\\d+|_before", k))',
    )
    nb = nbformat.read(str(consumer), as_version=4)  # the check must run before the outputs
    nb.cells.insert(2, nb.cells.pop())
    nbformat.write(nb, str(consumer))
    out_names = ["frame_back", "predicted", "files", "notes", "saved_class"]
    out_names += ["count", "total", "kind", "n", "added"]
    result2 = consume_dir / "outputs.json"
    append_cell(
        consumer,
        artifacts.collect_outputs_cell(out_names, store.url, ["dag", "run-1", "consume"], result2),
    )
    run(consumer, consume_dir)

    got = json.loads(result2.read_text())
    frame, grid = expected_data(7)
    back = artifacts.load_input(got["frame_back"], local_dir=tmp_path / "check")
    pd.testing.assert_frame_equal(back, frame)
    assert got["predicted"] == LogisticRegression().fit(grid, grid[:, 0] > 0).predict(grid).tolist()
    assert got["files"] == ["notes.txt", "parts", "parts/blob.bin"] and got["notes"] == "kept"
    assert got["saved_class"] == "PosixPath"
    assert got["count"] == 300_000 and got["total"] == pytest.approx(
        sum(i / 3 for i in range(300_000))
    )
    assert (got["kind"], got["n"]) == ("churn", 3)
    assert got["added"] == sorted(NAMES)  # loading leaves the ports in the notebook, nothing else
