"""The packaging files, checked without building: spec, bundle contents, desktop entry, MIME, icons."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO

PACKAGING = REPO / "packaging"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
sys.path.insert(0, str(PACKAGING))
import bundle_data as bd  # noqa: E402


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / "linux" / "stitchboard.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def mime_type() -> ET.Element:
    root = ET.parse(PACKAGING / "linux" / "stitchboard-mime.xml").getroot()
    types = root.findall(f"{MIME_NS}mime-type")
    assert len(types) == 1
    return types[0]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


# -- the spec and what it puts in the bundle -------------------------------------------------


def test_spec_parses_and_collects_every_resource_dir() -> None:
    spec = (PACKAGING / "stitchboard.spec").read_text(encoding="utf-8")
    tree = ast.parse(spec)
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "copy_metadata"} <= called
    assert "bd.resource_datas(ROOT)" in spec and "copy_metadata(dist)" in spec
    assert set(bd.RESOURCE_DIRS) == {"schema", "examples", "runtime", "icons", "style", "airflow"}
    on_disk = {
        p.name
        for p in (REPO / "resources").iterdir()
        if p.is_dir() and any(p.iterdir()) and p.name != "__pycache__"
    }
    assert on_disk <= set(bd.RESOURCE_DIRS), f"resources/ folders the spec does not name: {on_disk}"
    assert "stitchboard" in bd.METADATA  # --version reads it


def test_resource_datas_carry_every_file_at_its_package_path() -> None:
    datas = bd.resource_datas(REPO)
    by_name = {Path(src).relative_to(REPO).as_posix(): dest for src, dest in datas}
    tracked = subprocess.run(
        ["git", "ls-files", "resources"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked and set(tracked) <= set(by_name), set(tracked) - set(by_name)
    for name, dest in by_name.items():
        assert dest == str(Path(name).parent), name
        assert "__pycache__" not in name and ".runs/" not in name
    # the notebooks, the script job and the runtime travel as files (run by an outside Python)
    for name in (
        "resources/examples/churn/feature_stats.py",
        "resources/examples/churn/prepare_data.ipynb",
        "resources/runtime/stitchboard_runtime.py",
    ):
        assert name in by_name
    assert bd.missing_resources(datas, REPO) == []
    without_schema = [d for d in datas if not d[0].endswith(".schema.json")]
    assert bd.missing_resources(without_schema, REPO) == ["schema/stitch-v1.schema.json"]


def test_dry_run_leftovers_next_to_the_example_stay_out(tmp_path: Path) -> None:
    example = tmp_path / "resources" / "examples" / "churn"
    shutil.copytree(EXAMPLE.parent, example)
    for leftover in (
        "churn.runs/20260101-1/prepare_data.ipynb",
        ".ipynb_checkpoints/x.ipynb",
        "__pycache__/feature_stats.cpython-311.pyc",
    ):
        (example / leftover).parent.mkdir(parents=True, exist_ok=True)
        (example / leftover).write_text("{}")
    shipped = {Path(src).relative_to(example).as_posix() for src, _ in bd.resource_datas(tmp_path)}
    assert shipped == {p.name for p in EXAMPLE.parent.iterdir() if p.is_file()}


def test_only_four_qt_modules_stay_in_the_bundle() -> None:
    import PySide6

    excluded = bd.qt_excludes(Path(PySide6.__file__).parent)
    assert "PySide6.QtNetwork" in excluded and "PySide6.QtQml" in excluded
    assert not {f"PySide6.{m}" for m in bd.QT_KEEP} & set(excluded)
    assert {"PySide6.QtSvg", "Qt", "shiboken6"} <= set(bd.HIDDEN_IMPORTS)
    assert "ipykernel" in bd.EXCLUDES and "tkinter" in bd.EXCLUDES


def test_desktop_files_travel_in_the_bundle_beside_the_icons() -> None:
    datas = bd.desktop_datas(PACKAGING)
    dests = {(Path(src).name, dest) for src, dest in datas}
    assert ("install-desktop.sh", "share/stitchboard/desktop") in dests
    assert ("stitchboard-256.png", "share/stitchboard/icons") in dests
    assert all(Path(src).is_file() for src, _ in datas)


# -- desktop entry and MIME type ---------------------------------------------------------------


def test_desktop_entry_opens_stitch_files() -> None:
    entry = desktop_entry()
    for key in ("Type", "Name", "Exec", "Icon", "MimeType", "Categories", "Terminal"):
        assert entry.get(key), f"missing {key}"
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "stitchboard %f"
    assert entry["Icon"] == "stitchboard"
    assert entry["MimeType"] == "application/x-stitchboard;"
    assert entry["MimeType"].rstrip(";") == mime_type().get("type")


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate not installed (apt-get install -y desktop-file-utils)")
    result = subprocess.run(
        [tool, str(PACKAGING / "linux" / "stitchboard.desktop")], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_mime_type_globs_stitch_and_its_magic_matches_real_files() -> None:
    mt = mime_type()
    assert [g.get("pattern") for g in mt.findall(f"{MIME_NS}glob")] == ["*.stitch"]
    matches = mt.findall(f"{MIME_NS}magic/{MIME_NS}match")
    assert matches
    from graph_editor import fileformat
    from graph_editor.pipeline import Pipeline

    for text in (EXAMPLE.read_text(encoding="utf-8"), fileformat.dumps(Pipeline())):
        head = text.encode("utf-8")
        hits = []
        for match in matches:
            start, _, end = match.get("offset").partition(":")
            window = head[int(start) : int(end or start) + len(match.get("value"))]
            hits.append(match.get("value").encode() in window)
        assert any(hits), "no magic rule matches a file Stitchboard writes"


# -- icons and scripts -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [48, 128, 256])
def test_icon_pngs_exist_at_their_sizes(size: int) -> None:
    assert png_size(PACKAGING / "icons" / f"stitchboard-{size}.png") == (size, size)


def test_icon_svg_renders_to_pngs(tmp_path: Path) -> None:
    """render_icons.py run for real (its own offscreen Qt process) writes the three sizes."""
    ET.parse(PACKAGING / "icons" / "stitchboard.svg")  # well-formed
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run(
        [sys.executable, str(PACKAGING / "icons" / "render_icons.py"), str(tmp_path)],
        check=True,
        env=env,
        capture_output=True,
        timeout=120,
    )
    for size in (48, 128, 256):
        assert png_size(tmp_path / f"stitchboard-{size}.png") == (size, size)
    ico = (tmp_path / "stitchboard.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 4)


@pytest.mark.parametrize(
    "script", ["smoke.sh", "build_linux.sh", "ci.sh", "linux/install-desktop.sh"]
)
def test_scripts_are_executable_bash(script: str) -> None:
    path = PACKAGING / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash")
    subprocess.run(["bash", "-n", str(path)], check=True)


def test_aws_models_are_pruned_to_the_services_the_app_calls() -> None:
    assert bd.keep_data("botocore/data/s3/2006-03-01/service-2.json.gz")
    assert bd.keep_data("botocore/data/endpoints.json")
    assert not bd.keep_data("botocore/data/ec2/2016-11-15/service-2.json.gz")
    assert not bd.keep_data("boto3/data/dynamodb/2012-08-10/resources-1.json")
    assert bd.keep_data("NodeGraphQt/widgets/icons/node_base.png")
    # every AWS service the app's code asks boto3 for keeps its model in the bundle
    called = set()
    for path in (REPO / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("client", "resource")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and "boto3" in ast.unparse(node.func)
            ):
                called.add(node.args[0].value)
    assert called <= set(bd.AWS_SERVICES), called - set(bd.AWS_SERVICES)
