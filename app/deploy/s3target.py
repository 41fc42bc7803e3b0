"""The S3 target: objects under a prefix, for S3 DAG bundles or a sync sidecar."""

from __future__ import annotations

import sys
from pathlib import PurePosixPath
from typing import Any

from app import credentials
from app.deploy.errors import TargetNotWritable, TlsFailed, Unreachable
from app.deploy.targets import DeliveryTarget, Previous, check_name


class S3Target(DeliveryTarget):
    """``s3://bucket/prefix`` on AWS or any S3-compatible endpoint."""

    def __init__(
        self,
        profile: str,
        bucket: str,
        prefix: str = "",
        endpoint: str = "",
        region: str = "",
        verify: bool | str = True,
    ) -> None:
        self.profile = profile
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint = endpoint
        self.region = region
        self.verify = verify
        self._client: Any = None

    def describe(self) -> str:
        where = f" at {credentials.redact_url(self.endpoint)}" if self.endpoint else ""
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/") + where

    def relative_path(self, name: str) -> str:
        return name  # an S3 bundle's root is the prefix itself

    def key(self, name: str) -> str:
        name = check_name(name)
        return str(PurePosixPath(self.prefix, name)) if self.prefix else name

    def client(self) -> Any:
        if self._client is None:
            try:
                import boto3
            except ImportError as exc:  # the ``s3`` extra is not installed
                raise TargetNotWritable(
                    f"the S3 target needs boto3, which is not installed here "
                    f"({sys.executable} -m pip install 'stitchboard[s3]')"
                ) from exc

            access = credentials.get_secret(self.profile, "s3-access-key", required=False)
            secret = credentials.get_secret(self.profile, "s3-secret-key", required=False)
            # A key pair typed into the endpoint URL by an older version: use it, never send it.
            _, url_access, url_secret = credentials.split_url(self.endpoint)
            if not (access and secret) and url_access and url_secret:
                access, secret = url_access, url_secret
            kwargs: dict[str, Any] = {
                "endpoint_url": credentials.strip_userinfo(self.endpoint) or None,
                "region_name": self.region or None,
                "verify": self.verify,
            }
            if access and secret:  # else boto3's own chain (env, ~/.aws, instance role)
                kwargs.update(aws_access_key_id=access, aws_secret_access_key=secret)
            self._client = boto3.client("s3", **kwargs)
        return self._client

    def _fail(self, exc: Exception, action: str) -> Exception:
        from botocore import exceptions as bexc

        if isinstance(exc, bexc.SSLError):
            return TlsFailed(
                f"TLS check failed for {credentials.redact_url(self.endpoint or 'S3')}"
            )
        if isinstance(exc, bexc.EndpointConnectionError | bexc.ConnectTimeoutError):
            where = credentials.redact_url(self.endpoint or "AWS")
            return Unreachable(f"S3 endpoint {where} is unreachable")
        if isinstance(exc, bexc.NoCredentialsError):
            return TargetNotWritable(f"no S3 credentials for profile {self.profile!r}")
        if isinstance(exc, bexc.ClientError):
            err = exc.response.get("Error", {})
            return TargetNotWritable(
                credentials.redact_url(
                    f"{self.describe()}: cannot {action} "
                    f"({err.get('Code', '?')}: {err.get('Message', '')})"
                )
            )
        return TargetNotWritable(f"{self.describe()}: cannot {action} ({type(exc).__name__})")

    def read(self, names: list[str]) -> Previous:
        from botocore import exceptions as bexc

        found: Previous = {}
        for name in names:
            try:
                obj = self.client().get_object(Bucket=self.bucket, Key=self.key(name))
                found[name] = obj["Body"].read()
            except bexc.ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    found[name] = None
                    continue
                raise self._fail(exc, "read") from exc
            except (bexc.BotoCoreError, ValueError) as exc:
                raise self._fail(exc, "read") from exc
        return found

    def write(self, files: Previous, message: str) -> None:
        from botocore import exceptions as bexc

        for name, data in sorted(files.items()):
            try:
                if data is None:
                    self.client().delete_object(Bucket=self.bucket, Key=self.key(name))
                else:
                    self.client().put_object(
                        Bucket=self.bucket,
                        Key=self.key(name),
                        Body=data,
                        Metadata={
                            "stitchboard-note": message[:200].encode("ascii", "replace").decode()
                        },
                    )
            except (bexc.ClientError, bexc.BotoCoreError) as exc:
                raise self._fail(exc, "write") from exc

    def check_writable(self) -> str:
        from botocore import exceptions as bexc

        probe = self.key(".stitchboard-probe")
        try:
            self.client().put_object(Bucket=self.bucket, Key=probe, Body=b"")
            self.client().delete_object(Bucket=self.bucket, Key=probe)
        except (bexc.ClientError, bexc.BotoCoreError) as exc:
            raise self._fail(exc, "write") from exc
        return f"{self.describe()} is writable"
