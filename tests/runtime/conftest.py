"""Stores for the artifact tests: a local folder, and a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from resources.runtime import stitchboard_artifacts as artifacts

CREDENTIALS = {"key": "testing", "secret": "testing"}


@dataclass(frozen=True)
class Store:
    """One artifact store under test: its URL and the storage options a reader needs."""

    url: str
    options: dict[str, Any] | None
    endpoint: str = ""

    def where(self, *prefix: str) -> artifacts.Where:
        return artifacts.Where(self.url, prefix or ("dag", "run-1", "task"), self.options)

    def env(self) -> dict[str, str]:
        """The environment a pod would get: endpoint and credentials, nothing in the file."""
        if not self.endpoint:
            return {}
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["key"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret"],
            "AWS_DEFAULT_REGION": "us-east-1",
        }


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto) on a free loopback port for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def make_bucket(endpoint: str) -> str:
    import boto3

    name = f"sb-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["key"],
        aws_secret_access_key=CREDENTIALS["secret"],
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Each test runs on a local run folder and on an S3 bucket (its own, fresh)."""
    if request.param == "local":
        return Store(str(tmp_path / "run-folder"), None)
    endpoint = request.getfixturevalue("s3_endpoint")
    options = {**CREDENTIALS, "client_kwargs": {"endpoint_url": endpoint}}
    return Store(f"s3://{make_bucket(endpoint)}/artifacts", options, endpoint)
