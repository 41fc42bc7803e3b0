"""Hostile files and a hostile machine: one line, exit 2 (or 1 for a failed run), never a
traceback — deep JSON, huge numbers, NUL, symlink loops, non-UTF-8 names, FIFOs, /dev/zero,
a kernel that cannot start, and a full disk (a real 1 MB tmpfs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.helpers import write_notebook

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str | bytes | Path, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *map(os.fsencode, args)],
        capture_output=True,
        cwd=REPO,
        env=dict(os.environ, LC_ALL="C.UTF-8", **(env or {})),
        timeout=timeout,  # a FIFO source hung here forever
    )


def one_line(done: subprocess.CompletedProcess[bytes]) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def rewrite(stitch: Path, change) -> Path:
    doc = json.loads(stitch.read_text())
    change(doc)
    stitch.write_text(json.dumps(doc))
    return stitch


@pytest.mark.parametrize("depth", [400, 1000], ids=["400-deep", "1000-deep"])
def test_deeply_nested_pipeline_file_is_refused_in_one_line(example_copy: Path, depth: int) -> None:
    rewrite(example_copy, lambda d: d["nodes"][0].setdefault("values", {}).update(n="DEEP"))
    deep = "[" * depth + "1" + "]" * depth
    example_copy.write_text(example_copy.read_text().replace('"DEEP"', deep))
    done = cli("validate", example_copy)
    assert done.returncode == 2
    assert str(example_copy) in one_line(done) and "nested" in one_line(done)


def test_5000_digit_integer_is_refused_in_one_line(example_copy: Path) -> None:
    text = example_copy.read_text().replace('"version": 1', '"version": ' + "7" * 5000, 1)
    example_copy.write_text(text)
    done = cli("validate", example_copy)
    assert done.returncode == 2
    assert str(example_copy) in one_line(done) and "digits" in one_line(done)


def test_nul_in_a_source_path_is_refused_in_one_line(example_copy: Path) -> None:
    rewrite(example_copy, lambda d: d["nodes"][0].update(source="prep\u0000.ipynb"))
    for command in ("validate", "export", "dry-run"):
        done = cli(command, example_copy)
        assert done.returncode == 2, command
        assert "NUL" in one_line(done)


def test_a_source_that_is_a_symlink_loop_is_a_validation_error(example_copy: Path) -> None:
    (example_copy.parent / "loop.ipynb").symlink_to("loop.ipynb")
    rewrite(example_copy, lambda d: d["nodes"][0].update(source="loop.ipynb"))
    done = cli("validate", example_copy)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"loop.ipynb" in done.stdout


def test_a_pipeline_file_that_is_a_symlink_loop_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "p.stitch").symlink_to("p.stitch")
    done = cli("validate", tmp_path / "p.stitch")
    assert done.returncode == 2
    assert "p.stitch" in one_line(done)


def test_non_utf8_file_and_source_names_work(example_copy: Path) -> None:
    folder = os.fsencode(example_copy.parent)
    odd = os.fsdecode(b"prep\xff.ipynb")
    os.rename(example_copy.parent / "prepare_data.ipynb", example_copy.parent / odd)
    rewrite(example_copy, lambda d: d["nodes"][0].update(source=odd))
    target = folder + b"/churn\xfe.stitch"
    os.rename(example_copy, target)
    done = cli("validate", target)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert cli("validate", "--json", target).returncode == 0


def test_a_fifo_source_is_refused_instead_of_hanging(example_copy: Path) -> None:
    fifo = example_copy.parent / "pipe.ipynb"
    os.mkfifo(fifo)
    rewrite(example_copy, lambda d: d["nodes"][0].update(source="pipe.ipynb"))
    done = cli("validate", example_copy, timeout=30)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"not a regular file" in done.stdout


def test_a_symlink_to_dev_zero_is_refused_instead_of_eating_memory(example_copy: Path) -> None:
    (example_copy.parent / "zero.py").symlink_to("/dev/zero")
    rewrite(example_copy, lambda d: d["nodes"][3].update(source="zero.py"))
    done = cli("validate", example_copy, timeout=30)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"not a regular file" in done.stdout


def test_sources_outside_the_pipeline_folder_get_a_warning(example_copy: Path) -> None:
    outside = example_copy.parent.parent / "shared.ipynb"
    (example_copy.parent / "prepare_data.ipynb").rename(outside)
    rewrite(example_copy, lambda d: d["nodes"][0].update(source="../shared.ipynb"))
    done = cli("validate", example_copy)
    assert done.returncode == 0, done.stdout
    assert b"source-outside-folder" in done.stdout and b"../shared.ipynb" in done.stdout
    rewrite(example_copy, lambda d: d["nodes"][0].update(source=str(outside)))
    assert b"an absolute path" in cli("validate", example_copy).stdout


@pytest.mark.slow
def test_a_kernel_that_cannot_start_fails_its_node_without_a_traceback(tmp_path: Path) -> None:
    kernel = tmp_path / "jupyter" / "kernels" / "broken"
    kernel.mkdir(parents=True)
    spec = {"argv": ["/nonexistent/python", "-f", "{connection_file}"], "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps(spec | {"display_name": "broken"}))
    write_notebook(tmp_path / "a.ipynb", body="print(1)", outputs="x = 1", kernel="broken")
    assert cli("new", tmp_path / "p.stitch", tmp_path / "a.ipynb").returncode == 0
    done = cli("dry-run", tmp_path / "p.stitch", env={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr and b"/nonexistent/python" in done.stdout


@pytest.fixture
def full_disk(tmp_path: Path):
    """A real 1 MB tmpfs, filled up after the pipeline is copied onto it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the full-disk case is not tested")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)])


def _fill(folder: Path) -> None:
    try:
        with open(folder / f"filler-{uuid.uuid4()}", "wb") as filler:
            while True:
                filler.write(b"x" * 4096)
                filler.flush()
    except OSError:  # full
        pass


@pytest.mark.slow
def test_a_full_disk_fails_the_run_in_one_line_and_leaves_no_empty_run_json(
    full_disk: Path,
) -> None:
    script = full_disk / "job.py"
    script.write_text("print('hello')\n")
    assert cli("new", full_disk / "p.stitch", script).returncode == 0
    (full_disk / "p.runs").mkdir()
    _fill(full_disk)
    done = cli("dry-run", "--json", full_disk / "p.stitch", timeout=120)
    assert done.returncode == 1
    line = one_line(done)
    assert "No space left on device" in line and "p.runs" in line
    for run_json in full_disk.glob("p.runs/*/run.json"):
        assert run_json.stat().st_size > 0
    assert not list(full_disk.glob("p.runs/**/.*.tmp")), "a temp file was left behind"


@pytest.mark.slow
def test_render_creates_its_output_folder(example_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs" / "images" / "churn.png"
    done = cli("render", example_copy, "-o", out, env={"QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
