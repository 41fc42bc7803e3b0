"""Shipped files stay inside the notebook's folder and never take the runtime's place.

A link pointing out of the folder (to a credentials file, say) is refused at validate, so its
content never reaches a DAG, a bundle or a working folder; an Elyra dependency that is such a
link is not imported. A file named like a runtime module is refused at validate: it would
pass the dry-run and then fail every Airflow run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporters.airflow import export_pipeline
from exporters.content import SUPPORT_FILES
from graph_editor import fileformat
from graph_editor.build import node_from_source
from graph_editor.errors import ValidationFailed
from graph_editor.importers.elyra import import_elyra
from graph_editor.nodes import PipelineSettings
from graph_editor.pipeline import Pipeline
from graph_editor.shipped_files import runtime_names
from graph_editor.validation import validate
from tests.graph_editor.test_import_elyra import _document, _node
from tests.helpers import write_notebook

SECRET = "aws_secret_access_key = wJalrXUtnFEMI-the-real-one"


def _pipeline(tmp_path: Path, files: tuple[str, ...], source: str = "train.ipynb") -> Path:
    folder = tmp_path / "project"
    write_notebook(folder / source, outputs="done = 1")
    p = Pipeline(PipelineSettings(name="ship", dag_id="ship"), path=folder / "ship.stitch")
    node = p.add_node(node_from_source(p, folder / source, name="train"))
    p.update_node(node.id, files=files)
    fileformat.save(p, folder / "ship.stitch")
    return folder / "ship.stitch"


def _credentials(tmp_path: Path) -> Path:
    home = tmp_path / "home" / ".aws"
    home.mkdir(parents=True, exist_ok=True)
    (home / "credentials").write_text(SECRET)
    return home / "credentials"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], capture_output=True, text=True, timeout=120
    )


def test_a_shipped_link_out_of_the_notebook_folder_is_refused_and_never_packed(
    tmp_path: Path,
) -> None:
    stitch = _pipeline(tmp_path, ("creds",))
    (stitch.parent / "creds").symlink_to(_credentials(tmp_path))
    done = _cli("validate", str(stitch))
    assert done.returncode == 1
    lines = [
        line for line in done.stdout.splitlines() + done.stderr.splitlines() if "creds" in line
    ]
    assert (
        len(lines) == 1
        and "is a link to" in lines[0]
        and "outside the notebook's folder" in lines[0]
    )
    assert "train" in lines[0]
    with pytest.raises(ValidationFailed, match="outside the notebook's folder"):
        export_pipeline(fileformat.load(stitch), "kubernetes")
    exported = _cli("export", str(stitch), "--backend", "worker", "-o", str(tmp_path / "dags"))
    assert exported.returncode == 1 and "Traceback" not in exported.stderr
    assert not any(SECRET in p.read_text() for p in tmp_path.rglob("*.py") if p.is_file())


def test_a_link_inside_a_shipped_folder_that_points_out_is_refused(tmp_path: Path) -> None:
    stitch = _pipeline(tmp_path, ("conf",))
    (stitch.parent / "conf" / "deep").mkdir(parents=True)
    (stitch.parent / "conf" / "deep" / "settings.json").write_text("{}")
    (stitch.parent / "conf" / "deep" / "keys").symlink_to(_credentials(tmp_path).parent)
    issues = [i for i in validate(fileformat.load(stitch)) if i.code == "shipped-link-outside"]
    assert len(issues) == 1 and "'conf/deep/keys'" in issues[0].message


def test_a_link_that_stays_inside_the_folder_ships(tmp_path: Path) -> None:
    stitch = _pipeline(tmp_path, ("current.csv",))
    (stitch.parent / "data.csv").write_text("a\n1\n")
    (stitch.parent / "current.csv").symlink_to(stitch.parent / "data.csv")
    assert not [i for i in validate(fileformat.load(stitch)) if i.is_error]


def test_an_elyra_dependency_linked_out_of_the_folder_is_not_imported(tmp_path: Path) -> None:
    folder = tmp_path / "elyra"
    write_notebook(folder / "train.ipynb", outputs="done = 1")
    (folder / "lookup.csv").write_text("a\n1\n")
    (folder / "creds").symlink_to(_credentials(tmp_path))
    (folder / "more.cfg").symlink_to(_credentials(tmp_path))
    nodes = [
        _node(
            "t",
            "execute-notebook-node",
            "Train",
            filename="train.ipynb",
            dependencies=["lookup.csv", "creds", "*.cfg"],
        )
    ]
    app_data = {"version": 8, "properties": {"name": "links", "runtime": "Generic"}}
    path = folder / "links.pipeline"
    path.write_text(json.dumps(_document(nodes, app_data)))
    pipeline, report = import_elyra(path)
    assert pipeline.nodes[0].files == ("lookup.csv",)
    said = "; ".join(report)
    assert "dependency 'creds': 'creds' is a link to" in said and "not shipped" in said
    assert "dependency pattern '*.cfg': 1 match(es) are links outside" in said
    assert SECRET not in export_pipeline(pipeline, "worker").dag_source


@pytest.mark.parametrize("name", ["stitchboard_artifacts.py", "stitchboard_runtime.py"])
def test_a_shipped_file_named_like_a_runtime_module_is_refused_at_validate(
    tmp_path: Path, name: str
) -> None:
    stitch = _pipeline(tmp_path, (name,))
    (stitch.parent / name).write_text("VALUE = 1\n")
    done = _cli("validate", str(stitch))
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert f"declared file {name!r} has the name of a file of Stitchboard's runtime" in said
    assert "Traceback" not in said
    with pytest.raises(ValidationFailed):
        export_pipeline(fileformat.load(stitch), "worker")


def test_a_script_named_like_a_runtime_module_is_refused_at_validate(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "stitchboard_task.py").write_text("print('hi')\n")
    p = Pipeline(PipelineSettings(name="ship", dag_id="ship"), path=folder / "ship.stitch")
    p.add_node(node_from_source(p, folder / "stitchboard_task.py", name="job"))
    issues = [i for i in validate(p) if i.is_error and "runtime" in i.message]
    assert len(issues) == 1 and issues[0].code == "reserved-source-name"
    assert "may not be named stitchboard_task.py" in issues[0].message


def test_every_file_shipped_with_a_dag_counts_as_a_runtime_name() -> None:
    assert set(SUPPORT_FILES) <= runtime_names()


@pytest.mark.parametrize("layout", ["one big file", "a folder of many"])
def test_shipped_files_too_big_for_a_pod_are_refused_by_validate_as_by_export(
    tmp_path: Path, layout: str
) -> None:
    stitch = _pipeline(tmp_path, ("data",))
    data = stitch.parent / "data"
    data.mkdir()
    if layout == "one big file":
        (data / "one.bin").write_bytes(os.urandom(200_000))
    else:
        for i in range(30):
            (data / f"part{i}.bin").write_bytes(os.urandom(40_000))
    pipeline = fileformat.load(stitch)
    issues = [i for i in validate(pipeline, backend="kubernetes") if i.is_error]
    assert len(issues) == 1 and issues[0].field == "files"
    assert "set an artifact store" in issues[0].message
    with pytest.raises(ValidationFailed, match="set an artifact store"):
        export_pipeline(pipeline, "kubernetes")
    pipeline.update_settings(artifact_store="s3://bucket/artifacts")
    assert not [i for i in validate(pipeline, backend="kubernetes") if i.is_error]
    assert export_pipeline(pipeline, "kubernetes").dag_source
