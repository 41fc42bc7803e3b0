"""Saved pipelines and exported DAGs get ordinary file permissions, not mkstemp's 0600.

A new file gets what the umask gives any new file; a replaced file keeps its mode. Checked
with real ``os.stat`` under the two umasks people use.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporters.airflow import export_pipeline
from graph_editor import fileformat
from tests.exporters.helpers import example


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_a_new_pipeline_file_gets_the_umask_mode(example_copy: Path, umask: int) -> None:
    pipeline = fileformat.load(example_copy)
    target = example_copy.parent / "new.stitch"
    fileformat.save(pipeline, target)
    assert mode_of(target) == 0o666 & ~umask


def test_a_saved_over_pipeline_file_keeps_its_mode(example_copy: Path, umask: int) -> None:
    os.chmod(example_copy, 0o640)
    pipeline = fileformat.load(example_copy)
    fileformat.save(pipeline, example_copy)
    assert mode_of(example_copy) == 0o640
    os.chmod(example_copy, 0o604)
    fileformat.save(pipeline, example_copy)
    assert mode_of(example_copy) == 0o604


def test_exported_dags_get_the_umask_mode_and_keep_a_replaced_one(
    tmp_path: Path, umask: int
) -> None:
    bundle = export_pipeline(example(tmp_path))
    (dag,) = bundle.write(tmp_path / "dags")
    assert mode_of(dag) == 0o666 & ~umask
    os.chmod(dag, 0o644)
    bundle.write(tmp_path / "dags")
    assert mode_of(dag) == 0o644
    assert sorted(p.name for p in dag.parent.iterdir()) == [dag.name]  # no temp file left
