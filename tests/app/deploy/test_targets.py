"""Delivery targets against real parts: a folder, a bare git repository on disk, a moto S3 server."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from app import credentials
from app.deploy.errors import TargetNotWritable
from app.deploy.gittarget import GitTarget
from app.deploy.local import free_port
from app.deploy.s3target import S3Target
from app.deploy.targets import FolderTarget

V1 = {"churn.py": b"# version 1\n"}
V2 = {"churn.py": b"# version 2\n"}


def test_folder_delivers_atomically_skips_unchanged_and_restores(tmp_path: Path) -> None:
    target = FolderTarget(tmp_path)
    assert target.deliver(V1, "deploy") == {"churn.py": None}
    assert (tmp_path / "churn.py").read_bytes() == V1["churn.py"]
    assert target.deliver(V1, "deploy") is None  # unchanged: not delivered again
    previous = target.deliver(V2, "deploy")
    assert previous == V1
    target.write(previous, "roll back")
    assert (tmp_path / "churn.py").read_bytes() == V1["churn.py"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn.py"]  # no temp files left


def test_folder_that_is_missing_is_one_clear_line(tmp_path: Path) -> None:
    target = FolderTarget(tmp_path / "not-mounted")
    with pytest.raises(TargetNotWritable, match="not-mounted does not exist"):
        target.deliver(V1, "deploy")
    with pytest.raises(TargetNotWritable, match="is it mounted"):
        target.check_writable()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TargetNotWritable, match="cannot write"):
        FolderTarget(tmp_path).deliver({"file/churn.py": b"x"}, "deploy")


def test_bundle_names_cannot_escape_the_folder(tmp_path: Path) -> None:
    with pytest.raises(TargetNotWritable, match="not a plain relative path"):
        FolderTarget(tmp_path).deliver({"../evil.py": b"x"}, "deploy")


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, text=True, capture_output=True
    ).stdout


@pytest.fixture
def bare_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "dags.git"
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(repo), cwd=tmp_path)
    return repo


def test_git_target_pushes_one_commit_per_change(bare_repo: Path, tmp_path: Path) -> None:
    target = GitTarget(
        "prod", str(bare_repo), "main", "dags/stitchboard", workdir=tmp_path / "clone"
    )
    assert target.check_writable().endswith("accepts pushes")
    assert target.deliver(V1, "Deploy churn (aaa) from Stitchboard") == {"churn.py": None}
    assert target.deliver(V1, "Deploy churn (aaa) from Stitchboard") is None
    assert _git("log", "--format=%s", "main", cwd=bare_repo).splitlines() == [
        "Deploy churn (aaa) from Stitchboard"
    ]
    assert _git("show", "main:dags/stitchboard/churn.py", cwd=bare_repo) == "# version 1\n"
    assert _git("ls-tree", "-r", "--name-only", "main", cwd=bare_repo).split() == [
        "dags/stitchboard/churn.py"
    ]  # clean history: only the bundle
    assert target.relative_path("churn.py") == "dags/stitchboard/churn.py"

    # someone else pushes meanwhile: our next delivery builds on their commit
    other = tmp_path / "other"
    _git("clone", "--quiet", str(bare_repo), str(other), cwd=tmp_path)
    (other / "README").write_text("hi\n")
    _git("add", "README", cwd=other)
    _git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "readme", cwd=other)
    _git("push", "--quiet", "origin", "main", cwd=other)
    previous = target.deliver(V2, "Deploy churn (bbb) from Stitchboard")
    assert previous == V1
    assert _git("log", "--format=%s", "main", cwd=bare_repo).splitlines() == [
        "Deploy churn (bbb) from Stitchboard",
        "readme",
        "Deploy churn (aaa) from Stitchboard",
    ]


def test_git_target_unreachable_repo_is_one_line(tmp_path: Path) -> None:
    target = GitTarget("prod", str(tmp_path / "missing.git"), workdir=tmp_path / "clone")
    with pytest.raises(TargetNotWritable, match="git clone failed for .*missing.git"):
        target.deliver(V1, "deploy")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_s3_target_puts_objects_under_the_prefix(moto_endpoint: str) -> None:
    credentials.set_secret("s3prof", "s3-access-key", "testing")
    credentials.set_secret("s3prof", "s3-secret-key", "testing")
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket="dags")
    target = S3Target("s3prof", "dags", "prod/dags", moto_endpoint, "us-east-1")
    assert target.check_writable() == f"s3://dags/prod/dags at {moto_endpoint} is writable"
    assert target.deliver(V1, "deploy") == {"churn.py": None}
    body = s3.get_object(Bucket="dags", Key="prod/dags/churn.py")["Body"].read()
    assert body == V1["churn.py"]
    assert target.deliver(V1, "deploy") is None
    previous = target.deliver(V2, "deploy")
    target.write(previous, "roll back")
    assert s3.get_object(Bucket="dags", Key="prod/dags/churn.py")["Body"].read() == V1["churn.py"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="dags")["Contents"]]
    assert keys == ["prod/dags/churn.py"]


def test_s3_missing_bucket_is_not_writable(moto_endpoint: str) -> None:
    credentials.set_secret("s3prof", "s3-access-key", "testing")
    credentials.set_secret("s3prof", "s3-secret-key", "testing")
    target = S3Target("s3prof", "no-such-bucket", "", moto_endpoint, "us-east-1")
    with pytest.raises(TargetNotWritable, match="NoSuchBucket"):
        target.deliver(V1, "deploy")
