"""Notebooks as people already have them (issue #13): papermill's own, jupytext scripts, VS Code
notebooks without kernelspec, Ploomber's and Kale's conventions, notebooks that fail in the ways
real ones do. Each goes inspect -> new -> validate -> dry-run (real kernel) -> export."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from rich.console import Console

from app.cli.main import main
from app.cli.progress import ProgressView
from app.events import NodeEvent, NodeState
from exporters.airflow import export_pipeline
from exporters.content import unpack
from graph_editor import fileformat
from graph_editor.build import chain, refresh_ports
from graph_editor.nodes import NodeKind
from graph_editor.types import PortType
from graph_editor.validation import validate
from resources.runtime import stitchboard_runtime as runtime
from tests.conftest import EXAMPLE, PAPERMILL_NOTEBOOKS
from tests.helpers import write_notebook

REPO = Path(__file__).resolve().parents[2]


def cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a real subprocess, as a user (or a script reading its output) runs it."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env=env,
    )


def cells_notebook(path: Path, *cells: tuple[str, list[str]], metadata: bool = True) -> Path:
    """A notebook of code cells with tags; ``metadata=False`` writes it as jupytext and VS Code
    do: no kernelspec, no language_info."""
    nb = new_notebook()
    for source, tags in cells:
        cell = new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    if metadata:
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nbformat.write(nb, str(path))
    return path


def percent_script(path: Path) -> Path:
    """A jupytext percent script, written by jupytext itself (Ploomber's default format)."""
    nb = new_notebook()
    params = new_code_cell("rows: int = 3  # how many rows")
    params.metadata["tags"] = ["parameters"]
    outputs = new_code_cell("total = sum(range(rows))")
    outputs.metadata["tags"] = ["outputs"]
    nb.cells = [new_markdown_cell("# A script"), params, new_code_cell("print(rows)"), outputs]
    path.write_text(jupytext.writes(nb, fmt="py:percent"), encoding="utf-8")
    return path


def kale_notebook(path: Path) -> Path:
    return cells_notebook(
        path,
        ("import json", ["imports"]),
        ("lr = 0.5\nepochs = 2", ["pipeline-parameters"]),
        ("raise RuntimeError('a skipped cell ran')", ["skip"]),
        ("score = lr * epochs", ["block:train"]),
        ("result = score", ["step:evaluate", "outputs"]),
    )


def ploomber_notebook(path: Path) -> Path:
    return cells_notebook(
        path,
        ("upstream = ['features']\nproduct = None", ["parameters"]),
        ("path = upstream['features']", ["outputs"]),
    )


def no_kernelspec_notebook(path: Path) -> Path:
    return cells_notebook(
        path, ("x = 1", ["parameters"]), ("y = x * 10", ["outputs"]), metadata=False
    )


def papermill_copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(PAPERMILL_NOTEBOOKS / name, target)
    return target


# -- 1. notebooks without kernelspec ----------------------------------------------------------
def test_a_notebook_without_kernelspec_takes_injected_values(tmp_path: Path) -> None:
    nb = runtime.prepare_notebook(
        no_kernelspec_notebook(tmp_path / "plain.ipynb"), {"x": 5}, ["y"], tmp_path / "o.json"
    )
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "x = 5" in injected[0].source
    assert nb.metadata.kernelspec.name == "python3"


def test_vscodes_notebook_with_only_language_info_and_a_node_kernel_prepare(
    tmp_path: Path,
) -> None:
    source = papermill_copy(tmp_path, "blank-vscode.ipynb")
    for kernel in (None, "python3"):
        nb = runtime.prepare_notebook(source, {"msg": "hi"}, [], tmp_path / "o.json", kernel)
        assert nb.cells[0].source.splitlines()[-1] == 'msg = "hi"'
        assert (nb.metadata.kernelspec.name, nb.metadata.kernelspec.language) == (
            "python3",
            "python",
        )


# -- 2. port types: annotations, node overrides, telling the user ------------------------------
def test_a_ploomber_notebook_takes_a_dict_for_upstream(tmp_path: Path) -> None:
    pipeline = chain([ploomber_notebook(tmp_path / "report.ipynb")], tmp_path / "p.stitch")
    node = pipeline.nodes[0]
    pipeline.update_node(node.id, values={"upstream": {"features": "features.parquet"}})
    assert [i for i in validate(pipeline) if i.is_error] == []


def test_a_port_type_set_on_the_node_survives_reinspection_and_saving(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", parameters="rows = 5\nname = 'x'")
    pipeline = chain([nb], tmp_path / "p.stitch")
    node = pipeline.nodes[0]
    pipeline.update_node(node.id, port_types={"rows": PortType.FLOAT})
    refresh_ports(pipeline, node.id)
    assert pipeline.node(node.id).input("rows").type == PortType.FLOAT
    fileformat.save(pipeline, tmp_path / "p.stitch")
    doc = json.loads((tmp_path / "p.stitch").read_text())
    assert doc["nodes"][0]["port_types"] == {"rows": "float"}
    again = fileformat.load(tmp_path / "p.stitch")
    refresh_ports(again, node.id)
    assert again.node(node.id).input("rows").type == PortType.FLOAT
    assert again.node(node.id).input("name").type == PortType.STR


def test_files_without_overrides_keep_their_bytes(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert fileformat.dumps(fileformat.loads(text, EXAMPLE)) == text
    assert "port_types" not in text


def test_a_wired_port_retyped_by_its_notebook_is_named_on_load_and_in_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    up = write_notebook(tmp_path / "up.ipynb", outputs="rows = 5")
    down = write_notebook(tmp_path / "down.ipynb", parameters="rows = 5", outputs="out = rows")
    pipeline = chain([up, down], tmp_path / "p.stitch")
    assert any(e.target_port == "rows" for e in pipeline.edges)
    fileformat.save(pipeline, tmp_path / "p.stitch")
    write_notebook(tmp_path / "down.ipynb", parameters="rows = 'five'", outputs="out = rows")
    stale = fileformat.load(tmp_path / "p.stitch")  # as saved: the notebook changed since
    warnings = [i for i in validate(stale) if i.code == "port-type-changed"]
    assert len(warnings) == 1 and "'rows'" in warnings[0].message and not warnings[0].is_error
    assert main(["validate", str(tmp_path / "p.stitch")]) == 1  # int cannot feed str now
    err = capsys.readouterr().err
    assert "node 'down': its notebook now types the wired input 'rows' as str (was int)" in err


# -- 3. a .py is a plain Python job; GPUs only when asked for -----------------------------------
def test_new_makes_a_script_a_plain_job_without_a_gpu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", parameters="x = 1")
    script = tmp_path / "script.py"
    script.write_text("import tensorflow as tf\nprint('hi')\n", encoding="utf-8")
    assert main(["new", str(tmp_path / "p.stitch"), str(nb), str(script)]) == 0
    doc = json.loads((tmp_path / "p.stitch").read_text())
    assert [n["kind"] for n in doc["nodes"]] == ["notebook", "notebook"]
    pipeline = fileformat.load(tmp_path / "p.stitch")
    issues = validate(pipeline)
    assert not [i for i in issues if i.is_error]
    hint = [i for i in issues if i.code == "gpu-library-on-plain-node"]
    assert len(hint) == 1 and "tensorflow" in hint[0].message
    module = export_pipeline(pipeline, "kubernetes").dag_source
    assert "nvidia.com/gpu" not in module
    ast.parse(module)


def test_the_bundled_example_keeps_its_explicit_gpu_jobs() -> None:
    pipeline = fileformat.load(EXAMPLE)
    kinds = {n.name: n.kind for n in pipeline.nodes}
    assert kinds["train_mlp"] == NodeKind.TENSORFLOW and kinds["feature_stats"] == NodeKind.RAPIDS
    assert not [i for i in validate(pipeline) if i.code == "gpu-library-on-plain-node"]
    assert "nvidia.com/gpu" in export_pipeline(pipeline, "kubernetes").dag_source


# -- 4. jupytext scripts ship as the notebooks they are ---------------------------------------
def test_a_jupytext_script_ships_as_a_notebook_in_both_backends(tmp_path: Path) -> None:
    pipeline = chain([percent_script(tmp_path / "job.py")], tmp_path / "p.stitch")
    node = pipeline.nodes[0]
    assert [p.name for p in node.inputs] == ["rows"] and [p.name for p in node.outputs] == ["total"]
    for backend in ("kubernetes", "worker"):
        module = export_pipeline(pipeline, backend).dag_source
        tree = ast.parse(module)
        content = next(
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "CONTENT"
        )
        texts = [unpack(ast.literal_eval(v)) for v in content.values]  # type: ignore[attr-defined]
        shipped = [json.loads(t) for t in texts if t.lstrip().startswith("{")]
        assert len(shipped) == 1 and shipped[0]["cells"][1]["metadata"]["tags"] == ["parameters"]
        assert "'job.ipynb'" in module or '"job.ipynb"' in module


# -- 7 and 8: failures keep their cause; missing kernels are named ----------------------------
def test_validate_warns_that_a_missing_kernel_makes_a_dry_run_impossible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_editor import notebook_checks

    # The IR kernel is installed on this machine (R nodes are tested for real): this check
    # sees the kernels of a machine without it.
    here = notebook_checks.installed_kernels()
    monkeypatch.setattr(notebook_checks, "installed_kernels", lambda: here - {"ir"})
    nb = write_notebook(tmp_path / "r.ipynb", parameters="x <- 1", kernel="ir", language="R")
    pipeline = chain([nb], tmp_path / "p.stitch")
    fileformat.save(pipeline, tmp_path / "p.stitch")
    assert main(["validate", str(tmp_path / "p.stitch")]) == 0
    out = capsys.readouterr().out
    assert "kernel 'ir' is not installed" in out and "apt-get install r-base-core" in out
    assert "r-cran-irkernel" in out
    pipeline.update_node(pipeline.nodes[0].id, kernel="julia-1.10")
    found = [i.message for i in validate(pipeline) if i.code == "kernel-not-installed"]
    assert found and "jupyter kernelspec list" in found[0]


# -- 10. error lines stay whole off a terminal -------------------------------------------------
def test_a_long_failure_stays_on_one_line_when_output_is_not_a_terminal() -> None:
    out = StringIO()
    detail = "in cell 3: ValueError: " + "a long explanation " * 12
    with ProgressView(Console(file=out)) as view:
        view.handle(NodeEvent("n1", "train", NodeState.FAILED, detail))
    lines = [line for line in out.getvalue().splitlines() if "train" in line]
    assert len(lines) == 1 and lines[0].rstrip().endswith("a long explanation")


# -- end to end, with real kernels --------------------------------------------------------------
CASES = {
    "papermill_simple": lambda d: papermill_copy(d, "simple_execute.ipynb"),
    "papermill_result": lambda d: papermill_copy(d, "result_no_exec.ipynb"),
    "no_kernelspec": lambda d: no_kernelspec_notebook(d / "plain.ipynb"),
    "jupytext_percent": lambda d: percent_script(d / "job.py"),
    "ploomber": lambda d: ploomber_notebook(d / "report.ipynb"),
    "kale": lambda d: kale_notebook(d / "kale.ipynb"),
    "line_magic_error": lambda d: papermill_copy(d, "line_magic_error.ipynb"),
    "after_failed_run": lambda d: papermill_copy(d, "broken1.ipynb"),
}
VALUES = {"no_kernelspec": {"x": 4}, "ploomber": {"upstream": {"features": "f.parquet"}}}
EXPECTED = {
    "papermill_simple": ("succeeded", {}),
    "papermill_result": ("succeeded", {}),
    "no_kernelspec": ("succeeded", {"y": 40}),
    "jupytext_percent": ("succeeded", {"total": 3}),
    "ploomber": ("succeeded", {"path": "f.parquet"}),
    "kale": ("succeeded", {"result": 1.0}),
    "line_magic_error": (
        "failed",
        "in cell 1: UsageError: Line magic function `%undefined-line-magic` not found.",
    ),
    "after_failed_run": ("failed", "in cell 7: AssertionError"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_existing_notebook_goes_from_inspect_to_export(case: str, tmp_path: Path) -> None:
    source = CASES[case](tmp_path)
    inspected = cli("inspect", source)
    assert inspected.returncode == 0 and "script job" not in inspected.stdout
    stitch = tmp_path / "p.stitch"
    made = cli("new", stitch, source)
    assert made.returncode == 0, made.stderr
    if case in VALUES:
        pipeline = fileformat.load(stitch)
        pipeline.update_node(pipeline.nodes[0].id, values=VALUES[case])
        fileformat.save(pipeline, stitch)
    checked = cli("validate", stitch)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = cli("dry-run", "--json", "--no-cache", stitch)
    summary = json.loads(ran.stdout)
    node = summary["nodes"][0]
    state, expected = EXPECTED[case]
    assert node["state"] == state, node
    if state == "succeeded":
        assert ran.returncode == 0 and node["outputs"] == expected
    else:
        assert ran.returncode == 1 and node["detail"] == expected
    for backend in ("kubernetes", "worker"):
        folder = tmp_path / f"dags-{backend}"
        done = cli("export", stitch, "-o", folder, "--backend", backend)
        assert done.returncode == 0, done.stderr
        modules = list(folder.glob("*.py"))
        assert modules and all(ast.parse(m.read_text(encoding="utf-8")) for m in modules)


@pytest.mark.slow
def test_a_skipped_kale_cell_is_not_run_and_its_parameters_take_values(tmp_path: Path) -> None:
    pipeline = chain([kale_notebook(tmp_path / "kale.ipynb")], tmp_path / "p.stitch")
    pipeline.update_node(pipeline.nodes[0].id, values={"lr": 2.0, "epochs": 5})
    fileformat.save(pipeline, tmp_path / "p.stitch")
    ran = cli("dry-run", "--json", tmp_path / "p.stitch")
    node = json.loads(ran.stdout)["nodes"][0]
    assert node["state"] == "succeeded" and node["outputs"] == {"result": 10.0}
    executed = nbformat.read(node["notebook"], as_version=4)
    assert not any("a skipped cell ran" in c.source for c in executed.cells)


@pytest.mark.slow
def test_a_failure_line_is_whole_when_the_cli_writes_to_a_pipe(tmp_path: Path) -> None:
    message = "the input table has no column named " + "x" * 120
    nb = write_notebook(tmp_path / "a.ipynb", body=f"raise KeyError({message!r})")
    fileformat.save(chain([nb], tmp_path / "p.stitch"), tmp_path / "p.stitch")
    ran = cli("dry-run", tmp_path / "p.stitch")
    assert ran.returncode == 1
    lines = (ran.stdout + ran.stderr).splitlines()
    assert any(message in line and "in cell 1: KeyError" in line for line in lines), lines
    assert any(line.startswith(f"run folder: {tmp_path}") for line in lines), lines


@pytest.mark.slow
def test_repeated_dry_runs_exit_without_an_ignored_exception(tmp_path: Path) -> None:
    # The cause (event loops left open, 1 exit in 40) is counted on every run by the next test;
    # these whole CLI runs check that nothing else prints at exit.
    nb = write_notebook(tmp_path / "one.ipynb", parameters="x = 1", outputs="y = x + 1")
    fileformat.save(chain([nb], tmp_path / "p.stitch"), tmp_path / "p.stitch")
    for _ in range(3):
        ran = cli("dry-run", "--no-cache", tmp_path / "p.stitch")
        assert ran.returncode == 0, ran.stderr
        assert "Exception ignored" not in ran.stderr


@pytest.mark.slow
def test_a_dry_run_leaves_no_event_loop_open(tmp_path: Path) -> None:
    import gc
    import warnings

    from app.runner.dryrun import DryRun
    from app.runner.options import RunOptions

    # The 1-in-40 exit traceback came from these loops; counted here it shows on every run.
    nb = write_notebook(tmp_path / "one.ipynb", parameters="x = 1", outputs="y = x + 1")
    pipeline = chain([nb], tmp_path / "p.stitch")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        events = list(DryRun(pipeline, RunOptions(use_cache=False)).events())
        gc.collect()
    assert events[-1].state == "succeeded"
    assert not [w for w in caught if "unclosed event loop" in str(w.message)]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["jupytext_percent", "no_kernelspec", "kale"])
def test_a_pod_runs_the_shipped_notebook_as_the_laptop_does(case: str, tmp_path: Path) -> None:
    """No cluster here: the pod is a local ``python3 -c POD_BOOTSTRAP`` with the env Airflow
    would render, as in tests/exporters/test_parity.py; the laptop side is the dry-run."""
    from tests.exporters.helpers import run_module

    pipeline = chain([CASES[case](tmp_path)], tmp_path / "p.stitch")
    node = pipeline.nodes[0]
    values = VALUES.get(case, {})
    pipeline.update_node(node.id, values=values)
    namespace, calls = run_module(export_pipeline(pipeline, "kubernetes").dag_source)
    pod = next(c for c in calls if c.kwargs.get("task_id") == node.name).kwargs
    spec = json.loads(pod["env_vars"]["STITCHBOARD_NODE"])
    result = tmp_path / "return.json"
    spec["flags"] = ["--result", str(result)]  # no /airflow/xcom on this machine
    content = namespace["CONTENT"]
    ship = json.loads(pod["env_vars"]["STITCHBOARD_SHIP"])
    env = dict(
        os.environ,
        STITCHBOARD_NODE=json.dumps(spec),
        STITCHBOARD_SHIP=json.dumps(ship),
        **{f"STITCHBOARD_FILE_{key}": content[key] for key in ship.values()},
    )
    pod_dir = tmp_path / "pod"
    pod_dir.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", namespace["POD_BOOTSTRAP"], "{}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=pod_dir,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    fileformat.save(pipeline, tmp_path / "p.stitch")
    local = json.loads(cli("dry-run", "--json", tmp_path / "p.stitch").stdout)["nodes"][0]
    assert json.loads(result.read_text()) == local["outputs"] == EXPECTED[case][1]
