"""The exporter tests reuse the artifact tests' real S3 server (moto on loopback)."""

from __future__ import annotations

from tests.runtime.conftest import s3_endpoint  # noqa: F401  (a session fixture)
