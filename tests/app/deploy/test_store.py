"""The cluster's artifact store at deploy: the profile's override and a real probe (moto S3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.deploy.checks import check_profile
from app.deploy.service import export
from app.deploy.store import StoreUnusable, effective_pipeline, probe_store
from app.settings import Profile, Target
from tests.exporters.helpers import example, run_module
from tests.runtime.conftest import (
    CREDENTIALS,
    make_bucket,
    s3_endpoint,  # noqa: F401  (a session fixture)
)


@pytest.fixture
def aws(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: F811
    """This machine's own access to the store: AWS_* variables pointing at moto."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return s3_endpoint


def _profile(tmp_path: Path, **changes: str) -> Profile:
    target = Target(kind="folder", path=str(tmp_path / "dags"))
    return Profile(name="c", base_url="http://127.0.0.1:9", auth="none", target=target, **changes)


def test_the_probe_writes_lists_and_removes_an_object_in_a_real_bucket(aws: str) -> None:
    bucket = make_bucket(aws)
    line = probe_store(f"s3://{bucket}/artifacts")
    assert "writable" in line and bucket in line
    import boto3

    s3 = boto3.client("s3", endpoint_url=aws, region_name="us-east-1")
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0  # nothing left behind


@pytest.mark.parametrize(
    "url, words",
    [
        ("s3://no-such-bucket-here/a", "cannot write a probe object"),
        ("ftp://host/x", "unknown scheme"),
        ("relative/folder", "absolute path"),
    ],
)
def test_an_unusable_store_is_one_line_naming_it(aws: str, url: str, words: str) -> None:
    with pytest.raises(StoreUnusable) as failed:
        probe_store(url)
    message = str(failed.value)
    assert words in message and url in message and "\n" not in message


def test_profile_test_reports_the_store_after_the_other_checks(tmp_path: Path, aws: str) -> None:
    (tmp_path / "dags").mkdir()
    good = _profile(tmp_path, artifact_store=f"s3://{make_bucket(aws)}/a")
    verdicts = {v.check: v for v in check_profile(good)}
    assert verdicts["store"].ok
    bad = _profile(tmp_path, artifact_store="s3://no-such-bucket-here/a")
    verdicts = {v.check: v for v in check_profile(bad)}
    assert not verdicts["store"].ok and "no-such-bucket-here" in verdicts["store"].message


def test_the_profiles_store_overrides_the_pipelines_in_the_deployed_dag(tmp_path: Path) -> None:
    pipeline = example(tmp_path / "src")
    pipeline.update_settings(artifact_store="s3://laptop/art")
    profile = _profile(
        tmp_path, backend="worker", artifact_store="s3://cluster/art", store_connection="ml_s3"
    )
    assert effective_pipeline(pipeline, profile).settings.artifact_store == "s3://cluster/art"
    assert pipeline.settings.artifact_store == "s3://laptop/art"  # the document is untouched
    namespace, _ = run_module(export(pipeline, profile).dag_source)
    assert namespace["STORE"] == {"url": "s3://cluster/art", "connection": "ml_s3"}
    assert "ml_s3" not in str(namespace["CONTENT"])  # only the id, and only in STORE


def test_after_save_as_into_another_folder_a_deploy_with_the_profiles_store_finds_the_notebooks(
    tmp_path: Path,
) -> None:
    from graph_editor import fileformat

    pipeline = example(tmp_path / "src")
    (tmp_path / "elsewhere").mkdir()
    fileformat.save(pipeline, tmp_path / "elsewhere" / "moved.stitch")  # Save As, not reopened
    profile = _profile(tmp_path, backend="worker", artifact_store="s3://cluster/art")
    deployed = effective_pipeline(pipeline, profile)
    assert [deployed.source_path(n) for n in deployed.nodes] == [
        pipeline.source_path(n) for n in pipeline.nodes
    ]
    namespace, _ = run_module(export(pipeline, profile).dag_source)  # reads every notebook
    assert namespace["STORE"]["url"] == "s3://cluster/art"
