"""Notebooks with files beside them, as brought (Elyra's and Ploomber's examples read
``data/data-1.csv`` beside the notebook, or a product an upstream notebook writes): the files
are declared when the node is created, each with a ``note:`` line, and the dry-run passes
without one ``node files`` command. ``node files --detect`` shows and applies the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_editor import fileformat
from graph_editor.detect_files import SHIP_FILE_MAX, detect
from tests.app.test_cli_edit import ok, run_cli
from tests.helpers import write_notebook

LOAD = """import os
import pandas as pd
df = pd.read_csv("data/data-1.csv")
os.makedirs("products", exist_ok=True)
df["total"] = df["a"] + df["b"]
df.to_csv("products/clean.csv", index=False)
rows = len(df)
"""
REPORT = """import pandas as pd
clean = pd.read_csv("products/clean.csv")
lookup = pd.read_csv("data/lookup.csv")
summary = f"{int(clean['total'].sum())} over {len(lookup)} codes"
"""


@pytest.fixture
def brought(tmp_path: Path) -> Path:
    """Two notebooks as a user brings them: data beside them, a product handed between them."""
    (tmp_path / "data").mkdir()
    (tmp_path / "products").mkdir()
    (tmp_path / "data" / "data-1.csv").write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    (tmp_path / "data" / "lookup.csv").write_text("code\nx\ny\nz\n", encoding="utf-8")
    write_notebook(tmp_path / "load.ipynb", body=LOAD, outputs="rows = rows", title=True)
    write_notebook(tmp_path / "report.ipynb", body=REPORT, outputs="summary = summary", title=True)
    return tmp_path


def test_new_declares_the_files_beside_and_the_upstream_product_and_the_run_passes(brought):
    done = ok("new", "p.stitch", "load.ipynb", "report.ipynb", cwd=brought)
    notes = [line for line in done.stdout.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: load reads data/data-1.csv beside its notebook: declared as shipped with it "
        "(undo: stitchboard node files p.stitch load --ship data/data-1.csv --remove)",
        "note: report reads data/lookup.csv beside its notebook: declared as shipped with it "
        "(undo: stitchboard node files p.stitch report --ship data/lookup.csv --remove)",
        "note: report reads products/clean.csv, which load writes: declared as produced by "
        "load (undo: stitchboard node files p.stitch load --produces products/clean.csv --remove)",
    ]
    p = fileformat.load(brought / "p.stitch")
    load, report = p.node_by_name("load"), p.node_by_name("report")
    assert load.files == ("data/data-1.csv",) and load.produces == ("products/clean.csv",)
    assert report.files == ("data/lookup.csv",) and report.produces == ()
    checked = run_cli("validate", "p.stitch", cwd=brought)
    assert checked.returncode == 0 and "undeclared-file" not in checked.stdout + checked.stderr
    (brought / "products" / "clean.csv").unlink(missing_ok=True)
    run = run_cli("dry-run", "p.stitch", "--json", cwd=brought)
    assert run.returncode == 0, run.stderr
    assert '"summary": "10 over 3 codes"' in run.stdout


def test_node_add_and_detect_show_what_they_declare_and_undo_works(brought):
    ok("new", "p.stitch", "load.ipynb", cwd=brought)
    added = ok("node", "add", "p.stitch", "report.ipynb", cwd=brought).stdout
    assert "note: report reads data/lookup.csv beside its notebook" in added
    assert "not upstream" not in added
    ok("node", "files", "p.stitch", "report", "--ship", "data/lookup.csv", "--remove", cwd=brought)
    assert fileformat.load(brought / "p.stitch").node_by_name("report").files == ()
    again = ok("node", "files", "p.stitch", "report", "--detect", cwd=brought).stdout
    assert "note: report reads data/lookup.csv beside its notebook: declared" in again
    nothing = ok("node", "files", "p.stitch", "report", "--detect", cwd=brought).stdout
    assert nothing.startswith("report: nothing new found (ships data/lookup.csv;")


def test_a_file_over_the_shipping_limit_is_named_not_shipped(brought, monkeypatch):
    import graph_editor.detect_files as detect_files

    monkeypatch.setattr(detect_files, "SHIP_FILE_MAX", 10)  # the 64 MiB limit, scaled down
    from graph_editor.build import chain
    from graph_editor.detect_files import declare_detected

    p = chain([brought / "load.ipynb"], brought / "p.stitch")
    lines = declare_detected(p)
    assert p.nodes[0].files == ()
    assert (
        lines
        and "reads data/data-1.csv (0 MiB), over the 0 MiB a node ships: not declared" in (lines[0])
    )
    assert SHIP_FILE_MAX == 64 * 2**20


def test_an_r_script_and_a_python_script_are_read_too(tmp_path: Path):
    from graph_editor.build import chain

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rates.csv").write_text("r\n1\n", encoding="utf-8")
    (tmp_path / "fit.R").write_text(
        'rates <- read.csv("data/rates.csv")\nwrite.csv(rates, "out/fit.csv")\n', encoding="utf-8"
    )
    (tmp_path / "plot.py").write_text(
        "import pandas as pd\nfit = pd.read_csv('out/fit.csv')\n", encoding="utf-8"
    )
    p = chain([tmp_path / "fit.R", tmp_path / "plot.py"], tmp_path / "p.stitch")
    fit, plot = p.nodes
    assert detect(p, fit).ship == ("data/rates.csv",)
    assert detect(p, plot).produced == (("out/fit.csv", fit.id),)


def test_validate_does_not_warn_of_a_file_a_node_writes_and_then_reads(tmp_path: Path):
    write_notebook(
        tmp_path / "own.ipynb",
        body="import pandas as pd\npd.DataFrame({'a': [1]}).to_csv('scratch.csv')\n"
        "back = pd.read_csv('scratch.csv')\n",
        outputs="n = len(back)",
    )
    ok("new", "p.stitch", "own.ipynb", cwd=tmp_path)
    done = run_cli("validate", "p.stitch", cwd=tmp_path)
    assert done.returncode == 0 and "undeclared" not in done.stdout + done.stderr
