"""The artifact layer: every kind of output stored and read back, on a local run folder and on
a real S3 API (moto's server), with the failures a user meets (crash, deletion, bad value)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from resources.runtime import stitchboard_artifacts as artifacts
from tests.runtime.conftest import Store

RUNTIME_DIR = Path(artifacts.__file__).parent


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": np.arange(6, dtype="int32"),
            "x": np.linspace(0, 1, 6),
            "label": list("abcabc"),
            "kind": pd.Categorical(list("xyzxyz")),
            "when": pd.date_range("2026-01-01", periods=6, freq="D", tz="UTC"),
            "ok": [True, False] * 3,
        },
        index=pd.Index([10, 20, 30, 40, 50, 60], name="customer"),
    )


def load(store: Store, ref, tmp_path: Path, **kw):
    return artifacts.load_input(ref, local_dir=tmp_path / "in", storage_options=store.options, **kw)


def test_a_dataframe_comes_back_equal_with_its_dtypes_and_index(store, tmp_path):
    frame = sample_frame()
    ref = artifacts.store_output(frame, "data", store.where())
    assert (ref.type, ref.format) == ("dataframe", "parquet")
    assert ref.uri.endswith("/dag/run-1/task/data.parquet")
    assert "pandas" in ref.libs and ref.size > 0
    back = load(store, ref.to_json(), tmp_path)
    pd.testing.assert_frame_equal(back, frame)


def test_series_arrays_objects_and_big_json_come_back_equal(store, tmp_path):
    named = pd.Series([1.5, 2.5], name="score", index=["a", "b"])
    unnamed = pd.Series([1, 2, 3])
    grid = np.arange(12, dtype="float32").reshape(3, 4)
    features = np.random.default_rng(0).normal(size=(40, 3))
    model = LogisticRegression().fit(features, features[:, 0] > 0)
    big = [float(i) / 7 for i in range(300_000)]
    where = store.where()
    refs = {
        name: artifacts.store_output(value, name, where)
        for name, value in [
            ("named", named),
            ("unnamed", unnamed),
            ("grid", grid),
            ("model", model),
            ("big", big),
        ]
    }
    assert {n: (r.type, r.format) for n, r in refs.items()} == {
        "named": ("series", "parquet"),
        "unnamed": ("series", "parquet"),
        "grid": ("array", "npy"),
        "model": ("object", "pickle"),
        "big": ("json", "json"),
    }
    pd.testing.assert_series_equal(load(store, refs["named"], tmp_path), named)
    pd.testing.assert_series_equal(load(store, refs["unnamed"], tmp_path), unnamed)
    back = load(store, refs["grid"], tmp_path)
    assert back.dtype == grid.dtype and np.array_equal(back, grid)
    assert (
        refs["model"].python_type.endswith("LogisticRegression") and "sklearn" in refs["model"].libs
    )
    assert (load(store, refs["model"], tmp_path).predict(features) == model.predict(features)).all()
    assert load(store, refs["big"], tmp_path) == big


def test_a_frame_parquet_cannot_hold_is_pickled_and_still_comes_back(store, tmp_path):
    mixed = pd.DataFrame({"a": [1, "x", None]})  # one column, three Python types
    ref = artifacts.store_output(mixed, "mixed", store.where())
    assert (ref.type, ref.format) == ("dataframe", "pickle")
    pd.testing.assert_frame_equal(load(store, ref, tmp_path), mixed)


def test_small_json_travels_as_a_value_up_to_the_threshold(tmp_path):
    where = artifacts.Where(str(tmp_path / "store"), ("d", "r", "t"))
    fits = "x" * (artifacts.INLINE_LIMIT - 2)  # two quote characters make it exactly the limit
    assert artifacts.store_output(fits, "text", where) == fits
    bigger = artifacts.store_output(fits + "x", "text", where)
    assert artifacts.is_ref(bigger.to_json()) and bigger.type == "json"
    assert artifacts.store_output({"rows": 3, "ok": True}, "summary", where) == {
        "rows": 3,
        "ok": True,
    }
    assert artifacts.store_output(np.float64(0.25), "score", where) == 0.25
    assert type(artifacts.store_output(np.int64(4), "n", where)) is int
    assert not (tmp_path / "store" / "d" / "r" / "t" / "summary.json").exists()


def test_a_file_and_a_folder_travel_as_they_are(store, tmp_path):
    report = tmp_path / "work" / "report.csv"
    report.parent.mkdir()
    report.write_text("a,b\n1,2\n")
    model_dir = tmp_path / "work" / "saved model"
    (model_dir / "variables").mkdir(parents=True)
    (model_dir / "saved_model.pb").write_bytes(b"\x00\x01" * 1000)
    (model_dir / "variables" / "data-0").write_bytes(os.urandom(3000))
    file_ref = artifacts.store_output(report, "report", store.where())
    dir_ref = artifacts.store_output(model_dir, "model_dir", store.where())
    assert (file_ref.type, file_ref.format, file_ref.size) == ("path", "file", 8)
    assert (dir_ref.format, dir_ref.size) == ("dir", 5000)
    assert dir_ref.sha256 == artifacts.sha256_tree(model_dir)
    got_file = load(store, file_ref, tmp_path)
    got_dir = load(store, dir_ref, tmp_path)
    assert isinstance(got_file, Path) and got_file.name == "report.csv"
    assert got_file.read_text() == "a,b\n1,2\n"
    assert got_dir.name == "saved model" and artifacts.sha256_tree(got_dir) == dir_ref.sha256
    # the reader's own copy in its folder, from a local store as from a remote one
    assert got_dir.is_relative_to(tmp_path / "in") and str(got_dir) != dir_ref.uri


def test_runs_never_overwrite_each_other(store, tmp_path):
    first = artifacts.store_output(np.zeros(3), "arr", store.where("dag", "run-1", "t"))
    second = artifacts.store_output(np.ones(3), "arr", store.where("dag", "run-2", "t"))
    assert first.uri != second.uri
    assert load(store, first, tmp_path).tolist() == [0.0, 0.0, 0.0]
    assert load(store, second, tmp_path).tolist() == [1.0, 1.0, 1.0]


def test_a_run_id_with_colons_and_plus_signs_makes_a_safe_folder(tmp_path):
    where = artifacts.Where(str(tmp_path), ("dag", "manual__2026-12-02T00:34:32+00:00", "t"))
    ref = artifacts.store_output(np.zeros(1), "arr", where)
    assert "manual__2026-12-02T00_34_32_00_00/t/arr.npy" in ref.uri
    with pytest.raises(artifacts.ArtifactError, match="'..' is not a usable folder name"):
        artifacts.store_output(np.zeros(1), "arr", artifacts.Where(str(tmp_path), ("..", "r")))


class Crash(BaseException):
    """The writer's process dying between writing the data and writing its commit marker."""


def test_a_half_written_artifact_is_never_read_as_complete(store, tmp_path, monkeypatch):
    where = store.where()
    done = artifacts.store_output(sample_frame(), "data", where)
    assert load(store, done, tmp_path).shape == (6, 6)

    def die(self, ref):
        raise Crash

    monkeypatch.setattr(artifacts._Target, "commit", die)
    with pytest.raises(Crash):  # a retry of the same task dies part-way through its rewrite
        artifacts.store_output(sample_frame().head(2), "data", where)
    monkeypatch.undo()
    with pytest.raises(artifacts.MissingArtifactError, match="never completed") as caught:
        load(store, done, tmp_path, producer="prepare")
    assert done.uri in str(caught.value) and "prepare" in str(caught.value)


def test_a_reference_to_rewritten_data_is_refused(store, tmp_path):
    where = store.where()
    old = artifacts.store_output(np.zeros(3), "arr", where)
    artifacts.store_output(np.ones(3), "arr", where)  # a later try of the same task
    with pytest.raises(artifacts.MissingArtifactError, match="rewritten since"):
        load(store, old, tmp_path)


def test_a_deleted_artifact_names_its_uri_and_the_node_that_made_it(store, tmp_path):
    ref = artifacts.store_output(sample_frame(), "data", store.where())
    if store.endpoint:
        import fsspec

        fs, path = fsspec.core.url_to_fs(ref.uri, **store.options)
        fs.rm(path.split("/")[0], recursive=True)  # the bucket's objects are gone
    else:
        import shutil

        shutil.rmtree(store.url)  # the run folder was deleted
    with pytest.raises(artifacts.MissingArtifactError) as caught:
        load(store, ref, tmp_path, producer="prepare")
    message = str(caught.value)
    assert message == f"artifact {ref.uri} (output of prepare) is missing"


@pytest.mark.parametrize(
    ("make", "type_name"),
    [
        (lambda p: (x for x in range(3)), "generator"),
        (lambda p: open(p / "f.txt", "w"), "TextIOWrapper"),  # noqa: SIM115
        (lambda p: lambda x: x, "function"),
        (lambda p: type("Local", (), {})(), "Local"),
    ],
    ids=["generator", "open-file", "lambda", "local-class"],
)
def test_an_output_that_cannot_be_stored_says_which_and_why(tmp_path, make, type_name):
    value = make(tmp_path)
    where = artifacts.Where(str(tmp_path / "store"), ("d", "r", "t"))
    with pytest.raises(artifacts.UnstorableOutputError) as caught:
        artifacts.store_output(value, "result", where)
    message = str(caught.value)
    assert message.startswith(f"output 'result' cannot be stored ({type_name}): ")
    assert "\n" not in message
    leftovers = list((tmp_path / "store").rglob("*"))
    assert [p for p in leftovers if p.is_file()] == []  # no half-file left behind


def test_a_path_output_that_does_not_exist_is_refused(tmp_path):
    where = artifacts.Where(str(tmp_path / "store"), ("d", "r", "t"))
    with pytest.raises(
        artifacts.UnstorableOutputError, match="'report' names a path that does not"
    ):
        artifacts.store_output(tmp_path / "never-written.csv", "report", where)


def test_a_reference_is_not_mistaken_for_a_user_value():
    ref = artifacts.ArtifactRef("/s/a.npy", "array", "npy", 128, "ab")
    assert artifacts.is_ref(ref.to_json()) and not artifacts.is_ref({"uri": "/s/a.npy"})
    assert artifacts.ref_from_json(json.loads(json.dumps(ref.to_json()))) == ref
    with pytest.raises(artifacts.ArtifactError, match="malformed artifact reference"):
        artifacts.ref_from_json({artifacts.MARKER: 1, "uri": "/x"})
    with pytest.raises(artifacts.ArtifactError, match="malformed"):
        artifacts.ref_from_json({**ref.to_json(), "type": "spreadsheet"})


def test_folder_hashes_see_names_and_bytes_not_times(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "a").write_bytes(b"one")
    first = artifacts.sha256_tree(tmp_path / "d")
    os.utime(tmp_path / "d" / "sub" / "a", (1, 1))
    assert artifacts.sha256_tree(tmp_path / "d") == first
    (tmp_path / "d" / "sub" / "a").write_bytes(b"two")
    assert artifacts.sha256_tree(tmp_path / "d") != first
    (tmp_path / "d" / "sub" / "a").write_bytes(b"one")
    (tmp_path / "d" / "sub" / "a").rename(tmp_path / "d" / "sub" / "b")
    assert artifacts.sha256_tree(tmp_path / "d") != first
    assert artifacts.sha256_file(tmp_path / "d" / "sub" / "b") == artifacts.sha256_stream(
        open(tmp_path / "d" / "sub" / "b", "rb")  # noqa: SIM115
    )
    assert artifacts.sha256_json({"b": 1, "a": [1]}) == artifacts.sha256_json({"a": [1], "b": 1})


def test_outputs_named_like_builtins_are_collected_and_given_back(store, tmp_path):
    namespace = {
        "type": "churn",
        "open": pd.Series([1, 2]),
        "_n": 3,
        "_v": np.arange(4),
        "json": {"nested": [1, 2]},
        "report": tmp_path / "report.txt",
        "unused": 1,
    }
    (tmp_path / "report.txt").write_text("fine")
    names = ["type", "open", "_n", "_v", "json", "report"]
    result = tmp_path / "node" / "outputs.json"
    artifacts.collect_outputs(namespace, names, store.url, "dag/run-1/task", result, store.options)
    written = json.loads(result.read_text())
    assert list(written) == names
    assert (
        written["type"] == "churn" and written["_n"] == 3 and written["json"] == namespace["json"]
    )
    assert [written[n]["type"] for n in ("open", "_v", "report")] == ["series", "array", "path"]
    manifest = tmp_path / "next" / "inputs.json"
    manifest.parent.mkdir()
    manifest.write_text(
        json.dumps({"inputs": {**written, "as_str": written["report"]}, "as_text": ["as_str"]})
    )
    if store.options:  # a pod gets its storage options from the environment
        os.environ[artifacts.STORAGE_OPTIONS_ENV] = json.dumps(store.options)
    try:
        loaded = artifacts.load_inputs(manifest)
    finally:
        os.environ.pop(artifacts.STORAGE_OPTIONS_ENV, None)
    assert sorted(loaded) == sorted([*names, "as_str"])
    pd.testing.assert_series_equal(loaded["open"], namespace["open"])
    assert loaded["_v"].tolist() == [0, 1, 2, 3] and loaded["type"] == "churn"
    assert loaded["report"].read_text() == "fine" and isinstance(loaded["as_str"], str)
    assert Path(loaded["as_str"]).read_text() == "fine"


def test_an_output_never_assigned_is_named(tmp_path):
    with pytest.raises(NameError, match="outputs never assigned: model, score"):
        artifacts.collect_outputs(
            {"x": 1}, ["x", "model", "score"], str(tmp_path), "d/r/t", tmp_path / "o.json"
        )


def test_the_generated_cells_are_one_line_of_literals():
    load_cell = artifacts.load_inputs_cell("/runs/a b/inputs.json")
    collect = artifacts.collect_outputs_cell(
        ["type", "df"], "s3://b/p", ["d", "r'1", "t"], "/o.json"
    )
    for source in (load_cell, collect):
        assert source.count("\n") == 1
        compile(source, "<cell>", "exec")
    assert "'/runs/a b/inputs.json'" in load_cell and """"r'1\"""" in collect


def test_the_module_needs_only_the_standard_library_to_import():
    code = (
        "import sys, stitchboard_artifacts;"
        "print([m for m in sys.modules if m.split('.')[0] in "
        "('pandas', 'numpy', 'pyarrow', 'fsspec', 's3fs')])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=RUNTIME_DIR, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_pickle_made_with_other_library_versions_loads_with_a_warning(tmp_path):
    where = artifacts.Where(str(tmp_path / "store"), ("d", "r", "t"))
    features = np.eye(4)
    model = LogisticRegression().fit(features, [0, 1, 0, 1])
    ref = artifacts.store_output(model, "model", where)
    older = artifacts.ArtifactRef(**{**ref.__dict__, "libs": {**ref.libs, "sklearn": "0.24.2"}})
    with pytest.warns(UserWarning, match=r"other versions \(sklearn 0.24.2 -> "):
        back = artifacts.load_input(older)
    assert (back.predict(features) == model.predict(features)).all()


def test_a_model_loaded_where_its_library_is_not_imported_yet_gives_no_warning(tmp_path):
    # The next node's kernel has not imported sklearn when it loads the model (the warning said
    # "sklearn 1.x -> missing" on every example run).
    where = artifacts.Where(str(tmp_path / "store"), ("d", "r", "t"))
    ref = artifacts.store_output(LogisticRegression().fit(np.eye(2), [0, 1]), "model", where)
    code = (
        "import json, sys, warnings, stitchboard_artifacts as a;"
        "warnings.simplefilter('error');"
        "m = a.load_input(a.ArtifactRef(**json.loads(sys.argv[1])));"
        "print(type(m).__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(ref.__dict__)],
        cwd=RUNTIME_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "LogisticRegression"


def test_a_store_that_cannot_be_written_gives_one_line_naming_output_and_store(s3_endpoint):
    options = {"key": "k", "secret": "s", "client_kwargs": {"endpoint_url": s3_endpoint}}
    where = artifacts.Where("s3://no-such-bucket/x", ("d", "r", "t"), options)
    with pytest.raises(artifacts.ArtifactError) as caught:
        artifacts.store_output(np.zeros(2), "grid", where)
    message = str(caught.value)
    assert message.startswith(
        "output 'grid': cannot write to the artifact store s3://no-such-bucket/x"
    )
    assert "bucket does not exist" in message and "\n" not in message
    with pytest.raises(artifacts.ArtifactError, match="cannot open this artifact store"):
        artifacts.store_output(np.zeros(2), "grid", artifacts.Where("nosuch://x", ("d",)))


def test_a_pickle_whose_library_is_gone_names_the_artifact_and_the_missing_module(
    tmp_path, monkeypatch
):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "shortlived_lib.py").write_text("class Model:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    import shortlived_lib

    where = artifacts.Where(str(tmp_path / "store"), ("d", "r", "t"))
    ref = artifacts.store_output(shortlived_lib.Model(), "model", where)
    monkeypatch.delitem(sys.modules, "shortlived_lib")
    (tmp_path / "lib" / "shortlived_lib.py").unlink()
    with pytest.raises(artifacts.ArtifactError) as caught:
        artifacts.load_input(ref, producer="train")
    assert str(caught.value) == (
        f"cannot read artifact {ref.uri} (output of train) "
        "(ModuleNotFoundError: No module named 'shortlived_lib')"
    )


def test_a_file_url_store_is_a_local_folder(tmp_path):
    where = artifacts.Where(f"file://{tmp_path}/store", ("d", "r", "t"))
    ref = artifacts.store_output(pd.Series([1, 2], name="s"), "s", where)
    assert ref.uri == f"{tmp_path}/store/d/r/t/s.parquet" and Path(ref.uri + ".commit").exists()
    assert artifacts.load_input(ref).tolist() == [1, 2]


def test_an_input_whose_artifact_is_gone_names_the_input_the_uri_and_the_producer(tmp_path):
    ref = artifacts.store_output(np.zeros(2), "grid", artifacts.Where(str(tmp_path / "s"), ("d",)))
    Path(ref.uri).unlink()
    Path(ref.uri + ".commit").unlink()
    manifest = tmp_path / "inputs.json"
    manifest.write_text(json.dumps({"inputs": {"X": ref.to_json()}, "producers": {"X": "prep"}}))
    with pytest.raises(artifacts.MissingArtifactError) as caught:
        artifacts.load_inputs(manifest)
    assert str(caught.value) == f"input 'X': artifact {ref.uri} (output of prep) is missing"


def test_a_folder_hashes_the_same_after_a_round_trip_through_the_store(store, tmp_path):
    (tmp_path / "out" / "empty").mkdir(parents=True)  # object stores keep no empty folders
    (tmp_path / "out" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "out" / "deep" / "er" / "f.txt").write_text("x")
    ref = artifacts.store_output(tmp_path / "out", "out", store.where())
    back = load(store, ref, tmp_path)
    assert artifacts.sha256_tree(back) == ref.sha256 == artifacts.sha256_tree(tmp_path / "out")
    assert (back / "deep" / "er" / "f.txt").read_text() == "x"
