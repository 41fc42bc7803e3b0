"""An Elyra user brings a ``.pipeline`` file: it imports, validates, dry-runs and exports.

The documents below follow Elyra's real format (pipeline-flow v3 with Elyra's app_data):
``hello_world_v8`` as Elyra 3.15/4.x writes it (list items as objects), ``weather_v3`` as
Elyra 2.x wrote it (node properties straight in ``app_data``, ``KEY=VALUE`` strings).
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.events import RunFinished
from app.runner import DryRun, RunOptions
from exporters.airflow import export_pipeline
from graph_editor import fileformat
from graph_editor.errors import PipelineFileError
from graph_editor.importers.elyra import import_elyra
from graph_editor.nodes import Edge, Resources, SecretRef, SecretSource
from graph_editor.validation import validate
from tests.conftest import REPO
from tests.helpers import write_notebook

IMAGE = "docker.io/amancevice/pandas:1.1.1"
PORTS = {
    "outputs": [
        {
            "id": "outPort",
            "app_data": {"ui_data": {"cardinality": {"min": 0, "max": -1}, "label": "Output"}},
        }
    ]
}


def _in_port(*upstream: str) -> list[dict]:
    port = {
        "id": "inPort",
        "app_data": {"ui_data": {"cardinality": {"min": 0, "max": -1}, "label": "Input Port"}},
    }
    if upstream:
        port["links"] = [
            {"id": f"link-{u}", "node_id_ref": u, "port_id_ref": "outPort"} for u in upstream
        ]
    return [port]


def _node(node_id, op, label, upstream=(), x=100, **params):
    component = {
        "dependencies": [],
        "include_subdirectories": False,
        "outputs": [],
        "env_vars": [],
        "kubernetes_pod_annotations": [],
        "kubernetes_secrets": [],
        "mounted_volumes": [],
        **params,
    }
    return {
        "id": node_id,
        "type": "execution_node",
        "op": op,
        "app_data": {
            "component_parameters": component,
            "label": "",
            "ui_data": {
                "label": label,
                "image": "/static/elyra/notebook.svg",
                "x_pos": x,
                "y_pos": 120,
            },
        },
        "inputs": _in_port(*upstream),
        **PORTS,
    }


def _document(nodes, app_data):
    return {
        "doc_type": "pipeline",
        "version": "3.0",
        "json_schema": "http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json",
        "id": "elyra-auto-generated-pipeline",
        "primary_pipeline": "primary",
        "pipelines": [{"id": "primary", "nodes": nodes, "app_data": app_data, "runtime_ref": ""}],
        "schemas": [],
    }


@pytest.fixture
def hello_world_v8(tmp_path: Path) -> Path:
    """Load fans out to two cleaners that fan in to an analysis, then an R and a Python step."""
    folder = tmp_path / "elyra"
    write_notebook(
        folder / "load_data.ipynb",
        body="import os\nos.makedirs('data', exist_ok=True)\n"
        "open('data/jfk_weather.csv', 'w').write('day,temp\\n1,20\\n')",
        outputs="url = os.environ['DATASET_URL']\nmode = os.environ['MODE']",
    )
    write_notebook(
        folder / "Part 1 - Data Cleaning.ipynb",
        parameters="rows: int = 3",
        outputs="cleaned = rows * 2",
    )
    write_notebook(folder / "analysis" / "analyze.ipynb", body="summary = 'ok'")
    (folder / "report.py").write_text("print('report written')\n")
    (folder / "lookup.csv").write_text("code,name\n1,JFK\n")
    (folder / "plot.r").write_text("print('hello from R')\n")
    nodes = [
        _node(
            "n-load",
            "execute-notebook-node",
            "Load weather data",
            x=80,
            filename="load_data.ipynb",
            runtime_image="docker.io/library/python:3.11",
            env_vars=[{"env_var": "DATASET_URL", "value": "https://example.org/jfk.tar.gz"}],
            kubernetes_secrets=[{"env_var": "API_TOKEN", "name": "weather-api", "key": "token"}],
            outputs=["data/jfk_weather.csv"],
            cpu=2,
            memory=4,
            gpu=0,
            mounted_volumes=[{"path": "/data", "pvc_name": "weather", "read_only": False}],
        ),
        _node(
            "n-clean-a",
            "execute-notebook-node",
            "Part 1 - Data Cleaning.ipynb",
            ["n-load"],
            x=380,
            filename="Part 1 - Data Cleaning.ipynb",
        ),
        _node(
            "n-clean-b",
            "execute-notebook-node",
            "Part 1 - Data Cleaning.ipynb",
            ["n-load"],
            x=380,
            filename="Part 1 - Data Cleaning.ipynb",
            dependencies=["lookup.csv"],
        ),
        _node(
            "n-analyze",
            "execute-notebook-node",
            "Analyze",
            ["n-clean-a", "n-clean-b"],
            x=660,
            filename="analysis/analyze.ipynb",
        ),
        _node("n-plot", "execute-r-node", "Plot", ["n-analyze"], x=900, filename="plot.r"),
        _node(
            "n-report", "execute-python-node", "Report", ["n-plot"], x=1100, filename="report.py"
        ),
    ]
    app_data = {
        "ui_data": {
            "comments": [
                {
                    "id": "c1",
                    "content": "Download the data",
                    "associated_id_refs": [{"node_ref": "n-load"}],
                    "x_pos": 40,
                    "y_pos": -120,
                    "width": 175,
                    "height": 42,
                },
                {
                    "id": "c2",
                    "content": "Ask Ana before changing the cleaners",
                    "associated_id_refs": [],
                },
            ]
        },
        "version": 8,
        "properties": {
            "name": "hello-generic-world",
            "runtime": "Generic",
            "description": "A generic pipeline tutorial",
            "pipeline_defaults": {
                "runtime_image": IMAGE,
                "env_vars": [
                    {"env_var": "MODE", "value": "tutorial"},
                    {"env_var": "DATASET_URL", "value": "unused"},
                ],
                "kubernetes_secrets": [],
                "mounted_volumes": [],
            },
        },
    }
    path = folder / "hello-generic-world.pipeline"
    path.write_text(json.dumps(_document(nodes, app_data), indent=2))
    return path


@pytest.fixture
def weather_v3(tmp_path: Path) -> Path:
    """Elyra 2.x layout: node properties in ``app_data``, env vars and secrets as strings."""
    folder = tmp_path / "old"
    write_notebook(
        folder / "fetch.ipynb",
        parameters="limit: int = 5",
        outputs="import os\ncity = os.environ['CITY']",
    )
    write_notebook(folder / "summarize.ipynb", outputs="done = True")
    fetch = {
        "id": "f1",
        "type": "execution_node",
        "op": "execute-notebook-node",
        "app_data": {
            "filename": "fetch.ipynb",
            "runtime_image": "tensorflow/tensorflow:2.8.0",
            "env_vars": ["CITY=Lisbon", "EMPTY="],
            "kubernetes_secrets": ["TOKEN=weather-secret:token"],
            "outputs": [],
            "dependencies": [],
            "include_subdirectories": False,
            "ui_data": {"label": "fetch.ipynb", "x_pos": 10, "y_pos": 10},
        },
        "inputs": _in_port(),
        **PORTS,
    }
    summarize = {
        "id": "s1",
        "type": "execution_node",
        "op": "execute-notebook-node",
        "app_data": {
            "filename": "summarize.ipynb",
            "runtime_image": "tensorflow/tensorflow:2.8.0",
            "env_vars": [],
            "ui_data": {"label": "summarize.ipynb", "x_pos": 300, "y_pos": 10},
        },
        "inputs": _in_port("f1"),
        **PORTS,
    }
    app_data = {"ui_data": {"comments": []}, "version": 3, "name": "weather", "runtime": "local"}
    path = folder / "weather.pipeline"
    path.write_text(json.dumps(_document([fetch, summarize], app_data), indent=2))
    return path


def by_name(pipeline):
    return {n.name: n for n in pipeline.nodes}


def test_elyra_pipeline_keeps_fan_out_fan_in_env_resources_images_and_comments(
    hello_world_v8: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "hw.stitch"
    target.parent.mkdir()
    pipeline, report = import_elyra(hello_world_v8, target)
    nodes = by_name(pipeline)
    assert list(nodes) == [
        "load_weather_data",
        "part_1_data_cleaning",
        "part_1_data_cleaning_2",
        "analyze",
        "plot",
        "report",
    ]
    load, clean_a, clean_b, analyze, plot, report_node = nodes.values()
    assert set(pipeline.edges) == {
        Edge(load.id, clean_a.id),
        Edge(load.id, clean_b.id),  # fan-out
        Edge(clean_a.id, analyze.id),
        Edge(clean_b.id, analyze.id),  # fan-in
        Edge(analyze.id, plot.id),
        Edge(plot.id, report_node.id),  # the R script runs with Rscript, in order
    }
    assert plot.is_r_script and plot.source == "../elyra/plot.r"
    assert load.source == "../elyra/load_data.ipynb"  # relative to the .stitch file
    assert analyze.source == "../elyra/analysis/analyze.ipynb"
    assert load.image == "docker.io/library/python:3.11" and clean_a.image == ""
    assert pipeline.settings.default_image == IMAGE
    assert dict(load.env) == {"MODE": "tutorial", "DATASET_URL": "https://example.org/jfk.tar.gz"}
    assert dict(clean_a.env) == {"MODE": "tutorial", "DATASET_URL": "unused"}
    assert load.secrets == (
        SecretRef("API_TOKEN", SecretSource.KUBERNETES, "weather-api", "token"),
    )
    assert load.resources == Resources(cpu="2", memory="4G", gpu=0)
    assert [p.name for p in clean_a.inputs] == ["rows"]
    assert load.description == "Download the data"
    assert pipeline.settings.name == "hello-generic-world"
    assert "Ask Ana before changing the cleaners" in pipeline.settings.description
    assert load.position[0] < clean_a.position[0] < analyze.position[0]
    line = "; ".join(report)
    assert load.produces == ("data/jfk_weather.csv",) and load.files == ()
    assert clean_b.files == ("lookup.csv",) and clean_a.files == ()
    assert "declared files" not in line and "dependency files" not in line
    assert "node 'load_weather_data': not mapped yet: mounted volumes" in line
    assert "not imported" not in line
    assert "node 'analyze': analysis/analyze.ipynb has no 'parameters' cell" in line
    assert not [i for i in validate(pipeline) if i.is_error]


def test_imported_pipeline_dry_runs_with_its_environment(hello_world_v8: Path) -> None:
    pipeline, _ = import_elyra(hello_world_v8)
    events = list(DryRun(pipeline, RunOptions(jobs=2)).events())
    assert isinstance(events[-1], RunFinished)
    summary = events[-1].summary
    assert summary["state"] == "succeeded", summary
    nodes = {n["name"]: n for n in summary["nodes"]}
    assert nodes["load_weather_data"]["outputs"] == {
        "url": "https://example.org/jfk.tar.gz",
        "mode": "tutorial",
    }
    assert nodes["part_1_data_cleaning_2"]["outputs"] == {"cleaned": 6}
    assert nodes["plot"]["state"] == nodes["report"]["state"] == "succeeded"  # R ran too


def test_imported_pipeline_exports_a_dag_with_the_same_tasks_and_order(
    hello_world_v8: Path,
) -> None:
    pipeline, _ = import_elyra(hello_world_v8)
    fileformat.save(pipeline, hello_world_v8.with_suffix(".stitch"))
    bundle = export_pipeline(pipeline, "kubernetes")
    tree = ast.parse(bundle.dag_source)
    tasks = {}
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "KubernetesPodOperator":
            kwargs = {k.arg: k.value for k in call.keywords}
            tasks[ast.literal_eval(kwargs["task_id"])] = kwargs
    assert set(tasks) == set(by_name(pipeline))
    load = tasks["load_weather_data"]
    assert ast.literal_eval(load["image"]) == "docker.io/library/python:3.11"
    assert ast.literal_eval(tasks["analyze"]["image"]) == IMAGE
    env = {
        ast.literal_eval(k): v
        for k, v in zip(load["env_vars"].keys, load["env_vars"].values, strict=True)
    }
    assert ast.literal_eval(env["DATASET_URL"]) == "https://example.org/jfk.tar.gz"
    assert ast.literal_eval(env["MODE"]) == "tutorial"
    flows = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
            right = node.right.elts if isinstance(node.right, ast.List) else [node.right]
            flows |= {(node.left.id, r.id) for r in right}
    assert flows == {
        ("load_weather_data", "part_1_data_cleaning"),
        ("load_weather_data", "part_1_data_cleaning_2"),
        ("part_1_data_cleaning", "analyze"),
        ("part_1_data_cleaning_2", "analyze"),
        ("analyze", "plot"),
        ("plot", "report"),
    }


def test_an_elyra_2_file_with_string_lists_imports_and_runs(weather_v3: Path) -> None:
    pipeline, report = import_elyra(weather_v3)
    fetch, summarize = pipeline.nodes
    assert (fetch.name, summarize.name) == ("fetch", "summarize")
    assert pipeline.edges == (Edge(fetch.id, summarize.id),)
    assert dict(fetch.env) == {"CITY": "Lisbon", "EMPTY": ""}
    assert fetch.secrets == (
        SecretRef("TOKEN", SecretSource.KUBERNETES, "weather-secret", "token"),
    )
    assert fetch.image == "tensorflow/tensorflow:2.8.0"
    assert pipeline.settings.name == "weather"
    assert report == [
        "node 'summarize': summarize.ipynb has no 'parameters' cell, so no input ports (Elyra passes inputs as environment variables; it still runs)"
    ]
    summary = list(DryRun(pipeline, RunOptions(jobs=1)).events())[-1].summary
    assert summary["state"] == "succeeded"
    assert {n["name"]: n["outputs"] for n in summary["nodes"]}["fetch"] == {"city": "Lisbon"}


@pytest.fixture
def files_flow(tmp_path: Path) -> Path:
    """make -> clean -> summarize, handing files on the way Elyra does: ``make`` ships
    ``conf/*.json`` and declares ``data/raw.csv`` and ``reports/*.txt``; ``summarize`` reads
    ``data/raw.csv`` too, two steps down, which Elyra hands to every later node."""
    folder = tmp_path / "flow"
    (folder / "conf" / "old").mkdir(parents=True)
    (folder / "conf" / "a.json").write_text('{"rows": 2}')
    (folder / "conf" / "b.json").write_text('{"scale": 10}')
    (folder / "conf" / "old" / "c.json").write_text('{"rows": 99}')  # not matched: a subfolder
    write_notebook(
        folder / "make.ipynb",
        body="import json, os\n"
        "conf = {**json.load(open('conf/a.json')), **json.load(open('conf/b.json'))}\n"
        "os.makedirs('data', exist_ok=True); os.makedirs('reports', exist_ok=True)\n"
        "rows = [i * conf['scale'] for i in range(conf['rows'])]\n"
        "open('data/raw.csv', 'w').write('\\n'.join(map(str, rows)))\n"
        "open('reports/make.txt', 'w').write('made %d rows' % len(rows))",
        outputs="made = len(rows)",
    )
    write_notebook(
        folder / "clean.ipynb",
        body="raw = open('data/raw.csv').read().split()\n"
        "open('data/clean.csv', 'w').write(','.join(str(int(x) + 1) for x in raw))",
        outputs="cleaned = len(raw)",
    )
    write_notebook(
        folder / "summarize.ipynb",
        body="raw = open('data/raw.csv').read().split()\n"
        "clean = open('data/clean.csv').read()\n"
        "note = open('reports/make.txt').read()",
        outputs="summary = f'{note}; raw {raw}; clean {clean}'",
    )
    nodes = [
        _node(
            "m",
            "execute-notebook-node",
            "Make",
            filename="make.ipynb",
            dependencies=["conf/*.json"],
            outputs=["data/raw.csv", "reports/*.txt"],
        ),
        _node(
            "c",
            "execute-notebook-node",
            "Clean",
            ["m"],
            x=300,
            filename="clean.ipynb",
            outputs=["data/clean.csv", "*.log"],
        ),
        _node(
            "s",
            "execute-notebook-node",
            "Summarize",
            ["c"],
            x=500,
            filename="summarize.ipynb",
            dependencies=["missing.txt"],
        ),
    ]
    path = folder / "files.pipeline"
    app_data = {"version": 8, "properties": {"name": "files", "runtime": "Generic"}}
    path.write_text(json.dumps(_document(nodes, app_data), indent=2))
    return path


@pytest.mark.slow
def test_files_an_elyra_node_declares_reach_every_later_node_in_a_dry_run(
    files_flow: Path,
) -> None:
    pipeline, report = import_elyra(files_flow)
    make, clean, summarize = pipeline.nodes
    assert make.files == ("conf/a.json", "conf/b.json")  # the pattern, expanded at import
    assert make.produces == ("data/raw.csv", "reports")  # reports/*.txt stands as its folder
    assert clean.produces == ("data/clean.csv",) and summarize.files == ()
    assert set(pipeline.edges) == {
        Edge(make.id, clean.id),
        Edge(clean.id, summarize.id),
        Edge(make.id, summarize.id),  # summarize reads make's data/raw.csv: linked, as in Elyra
    }
    line = "; ".join(report)
    assert "node 'make': dependency pattern 'conf/*.json' expanded at import to 2 file(s)" in line
    assert "node 'make': output pattern 'reports/*.txt' declared as the folder 'reports'" in line
    assert "node 'clean': output pattern '*.log' not mapped" in line
    assert "node 'summarize': dependency 'missing.txt' not found beside the notebook" in line
    assert (
        "node 'summarize' reads data/raw.csv, reports/make.txt, output of 'make' further up" in line
    )
    assert not [i for i in validate(pipeline) if i.is_error]
    stitch = files_flow.with_suffix(".stitch")
    fileformat.save(pipeline, stitch)
    loaded = fileformat.load(stitch)
    assert [(n.files, n.produces) for n in loaded.nodes] == [
        (n.files, n.produces) for n in pipeline.nodes
    ]
    summary = list(DryRun(loaded, RunOptions(jobs=2)).events())[-1].summary
    assert summary["state"] == "succeeded", summary
    outputs = {n["name"]: n["outputs"] for n in summary["nodes"]}
    assert outputs["make"] == {"made": 2} and outputs["clean"] == {"cleaned": 2}
    assert outputs["summarize"] == {"summary": "made 2 rows; raw ['0', '10']; clean 1,11"}
    assert not (files_flow.parent / "data").exists()  # nothing written beside the notebooks
    ast.parse(export_pipeline(loaded, "worker").dag_source)  # and it exports


def test_cli_import_writes_the_stitch_file_and_a_one_line_report(
    hello_world_v8: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    target = tmp_path / "hw.stitch"
    command = [
        sys.executable,
        "-m",
        "app.cli.main",
        "import",
        str(hello_world_v8),
        "-o",
        str(target),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.endswith("hw.stitch: 6 nodes, 6 edges")
    assert second.startswith("report: ") and "not imported" not in second
    assert [n.name for n in fileformat.load(target).nodes][0] == "load_weather_data"
    validated = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "validate", str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert validated.returncode == 0, validated.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 2 and "already exists (use --force" in again.stderr


def test_a_file_that_is_not_an_elyra_pipeline_is_one_clear_error(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "hw.pipeline", parameters="x = 1")
    with pytest.raises(PipelineFileError, match=r"hw.pipeline: not an Elyra pipeline"):
        import_elyra(notebook)
    (tmp_path / "broken.pipeline").write_text("{")
    with pytest.raises(PipelineFileError, match="not valid JSON"):
        import_elyra(tmp_path / "broken.pipeline")


# -- Kale ------------------------------------------------------------------------------------
def kale_notebook(path: Path) -> Path:
    """A notebook annotated the way Kale's JupyterLab extension tags cells."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def cell(source, *tags):
        c = new_code_cell(source)
        if tags:
            c.metadata["tags"] = list(tags)
        return c

    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        new_markdown_cell("# Kale demo"),
        cell("import math", "imports"),
        cell("def double(x):\n    return 2 * x", "functions"),
        cell("scale = 3\nlabel = 'run'", "pipeline-parameters"),
        cell("numbers = [1, 2, 3]", "block:load"),
        cell("total = sum(numbers) * scale"),  # untagged: continues `load`
        cell("%precision 3\nsquares = [n * n for n in numbers]", "block:square", "prev:load"),
        cell("doubled = double(total)", "block:grow", "prev:load"),
        cell("print('exploring')", "skip"),
        cell(
            "summary = f'{label}: {doubled + sum(squares)} {math.pi:.1f}'",
            "step:report",
            "prev:square",
            "prev:grow",
        ),
        cell("print(summary)"),  # untagged: continues `report`
        cell("summary", "pipeline-metrics"),
    ]
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_a_kale_notebook_becomes_one_node_per_step_with_its_data_wired(tmp_path: Path) -> None:
    from graph_editor.importers.kale import import_kale

    source = kale_notebook(tmp_path / "demo.ipynb")
    target = tmp_path / "demo.stitch"
    pipeline, report = import_kale(source, target)
    nodes = by_name(pipeline)
    assert list(nodes) == ["load", "square", "grow", "report"]
    load, square, grow, final = nodes.values()
    assert set(pipeline.edges) == {
        Edge(load.id, square.id, "numbers", "numbers"),
        Edge(load.id, grow.id, "total", "total"),
        Edge(grow.id, final.id, "doubled", "doubled"),
        Edge(square.id, final.id, "squares", "squares"),
    }
    assert [(p.name, p.type.value, p.default) for p in pipeline.settings.parameters] == [
        ("scale", "int", 3),
        ("label", "str", "run"),
    ]
    assert dict(load.bindings) == {"scale": "scale"} and dict(final.bindings) == {"label": "label"}
    assert load.source == "demo.steps/load.ipynb"
    assert "not mapped: pipeline-metrics" in report
    assert not [i for i in validate(pipeline) if i.is_error]
    fileformat.save(pipeline, target)
    summary = list(DryRun(pipeline, RunOptions(jobs=2, overrides={"scale": 10})).events())[
        -1
    ].summary
    assert summary["state"] == "succeeded", summary
    outputs = {n["name"]: n["outputs"] for n in summary["nodes"]}
    assert outputs["grow"] == {"doubled": 120}
    assert outputs["report"] == {} and source.read_bytes()  # the user's notebook is untouched
    executed = json.loads((Path(summary["run_dir"]) / "report.ipynb").read_text())
    assert "run: 134 3.1" in json.dumps(executed)


def test_cli_imports_a_kale_notebook(tmp_path: Path) -> None:
    source = kale_notebook(tmp_path / "demo.ipynb")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        sys.executable,
        "-m",
        "app.cli.main",
        "import",
        str(source),
        "--kale",
        "-o",
        str(tmp_path / "k.stitch"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "4 nodes, 4 edges" in done.stdout
    assert (tmp_path / "k.steps" / "report.ipynb").exists()
    bad = tmp_path / "bad.ipynb"
    write_notebook(bad, body="x = 1")
    refused = subprocess.run(
        [*command[:4], str(bad), "--kale", "-o", str(tmp_path / "b.stitch")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 2 and "no Kale steps" in refused.stderr


@pytest.mark.slow
def test_a_file_one_kale_step_writes_reaches_a_later_step_in_a_dry_run(tmp_path: Path) -> None:
    """Kale steps share the notebook's folder; imported, each runs in its own folder, so the
    file ``make`` writes is declared as produced and ``use`` (two steps down) is linked to it."""
    from nbformat.v4 import new_code_cell, new_notebook

    from graph_editor.importers.kale import import_kale

    def cell(source, *tags):
        c = new_code_cell(source)
        c.metadata["tags"] = list(tags)
        return c

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    nb.cells = [
        cell("import os", "imports"),
        cell(
            "os.makedirs('out', exist_ok=True)\nopen('out/numbers.txt', 'w').write('4 5')\n"
            "lookup = 'lookup.csv'",
            "block:make",
        ),
        cell("size = 3", "block:mid", "prev:make"),
        cell(
            "total = sum(map(int, open('out/numbers.txt').read().split())) + size",
            "block:use",
            "prev:mid",
        ),
        cell("print(total)"),
    ]
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    source = tmp_path / "files.ipynb"
    source.write_text(json.dumps(nb))
    (tmp_path / "lookup.csv").write_text("a,b\n")
    pipeline, report = import_kale(source, tmp_path / "files.stitch")
    make, mid, use = by_name(pipeline).values()
    assert make.produces == ("out/numbers.txt",) and not mid.produces and not use.produces
    assert Edge(make.id, use.id) in pipeline.edges
    line = "; ".join(report)
    assert "step 'make' reads 'lookup.csv' beside the Kale notebook" in line
    assert "step 'use' reads out/numbers.txt, written by 'make' further up: linked" in line
    fileformat.save(pipeline, tmp_path / "files.stitch")
    summary = list(DryRun(pipeline, RunOptions(jobs=1)).events())[-1].summary
    assert summary["state"] == "succeeded", summary
    executed = json.loads((Path(summary["run_dir"]) / "use.ipynb").read_text())
    assert "12" in json.dumps(executed["cells"][-1]["outputs"])
