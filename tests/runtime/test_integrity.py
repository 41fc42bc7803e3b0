"""Artifacts are read only as written: size and sha256 checked on every read, on a local run
folder and on a real S3 API (moto's server), and a path input is the reader's own copy."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resources.runtime import stitchboard_artifacts as artifacts
from tests.runtime.conftest import Store


def _replace(store: Store, ref: artifacts.ArtifactRef, data: bytes) -> None:
    """Someone with write access to the store puts other bytes where the artifact is."""
    if not store.endpoint:
        Path(ref.uri).write_bytes(data)
        return
    import fsspec

    fs, path = fsspec.core.url_to_fs(ref.uri, **(store.options or {}))
    fs.pipe_file(path, data)


def _bytes(store: Store, ref: artifacts.ArtifactRef) -> bytes:
    if not store.endpoint:
        return Path(ref.uri).read_bytes()
    import fsspec

    fs, path = fsspec.core.url_to_fs(ref.uri, **(store.options or {}))
    return fs.cat_file(path)


def _load(store: Store, ref: artifacts.ArtifactRef, tmp_path: Path) -> object:
    return artifacts.load_input(
        ref.to_json(), local_dir=tmp_path / "in", producer="make", storage_options=store.options
    )


class _Evil:
    """Unpickling this runs code: it creates a file named ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, int]]:
        return (os.mkdir, (str(self.marker), 0o755))


def test_a_changed_array_of_the_same_size_is_refused_in_one_line_naming_producer_and_uri(
    store: Store, tmp_path: Path
) -> None:
    ref = artifacts.store_output(np.ones((3, 3)), "grid", store.where())
    with open(tmp_path / "other.npy", "wb") as stream:
        np.save(stream, np.full((3, 3), 5.0))
    other = (tmp_path / "other.npy").read_bytes()
    assert len(other) == ref.size  # same size: only the hash tells
    _replace(store, ref, other)
    with pytest.raises(artifacts.CorruptArtifactError) as refused:
        _load(store, ref, tmp_path)
    line = str(refused.value)
    assert "\n" not in line and ref.uri in line and "(output of make)" in line
    assert "sha256 differs" in line and "run make again" in line


def test_a_truncated_table_is_refused_and_no_longer_counts_as_intact(
    store: Store, tmp_path: Path
) -> None:
    frame = pd.DataFrame({"x": np.arange(1000)})
    ref = artifacts.store_output(frame, "table", store.where())
    assert artifacts.is_intact(ref, store.options)
    data = artifacts.load_input(ref, storage_options=store.options)
    pd.testing.assert_frame_equal(data, frame)
    _replace(store, ref, _bytes(store, ref)[: ref.size // 2])  # a write cut short
    assert not artifacts.is_intact(ref, store.options)
    with pytest.raises(artifacts.CorruptArtifactError, match=f"its record says {ref.size}"):
        _load(store, ref, tmp_path)


def test_a_replaced_pickle_is_refused_before_it_is_unpickled(store: Store, tmp_path: Path) -> None:
    ref = artifacts.store_output({1, 2, 3}, "ids", store.where())
    assert ref.format == "pickle"
    marker = tmp_path / "the-pickle-ran"
    _replace(store, ref, pickle.dumps(_Evil(marker)))
    with pytest.raises(artifacts.CorruptArtifactError):
        _load(store, ref, tmp_path)
    assert not marker.exists()
    with pytest.raises(artifacts.CorruptArtifactError):  # nor given to a script as a path
        artifacts.local_copy(ref, local_dir=tmp_path / "s", storage_options=store.options)


def test_a_changed_file_in_a_folder_artifact_is_refused(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "work" / "report"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("fitted")
    ref = artifacts.store_output(folder, "report", store.where())
    inside = artifacts.ArtifactRef(ref.uri + "/notes.txt", "path", "file", 6, "")
    _replace(store, inside, b"faked!")  # same size, other bytes
    with pytest.raises(artifacts.CorruptArtifactError, match="sha256 differs"):
        _load(store, ref, tmp_path)


def test_a_reader_writing_to_its_path_input_changes_nothing_another_reader_gets(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "work" / "report"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("fitted")
    ref = artifacts.store_output(folder, "report", store.where())
    mine = _load(store, ref, tmp_path / "first")
    assert isinstance(mine, Path) and not str(mine).startswith(str(Path(store.url)))
    (mine / "notes.txt").write_text("changed by the first reader")
    script = artifacts.local_copy(ref, local_dir=tmp_path / "script", storage_options=store.options)
    (script / "notes.txt").write_text("changed by a script")
    theirs = _load(store, ref, tmp_path / "second")
    assert (theirs / "notes.txt").read_text() == "fitted"
    assert artifacts.is_intact(ref, store.options)
