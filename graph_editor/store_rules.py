"""Checks of where a pipeline's artifacts live on the cluster, and of its Airflow Assets.

``store_problem`` checks a store URL alone (the deploy profile's override goes through it too);
``store_issues`` checks the pipeline's store settings, the Assets its outputs publish and the
Assets it is scheduled on. Offline: nothing here opens a connection (``profile test`` does).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass

from graph_editor import names
from graph_editor.issues import Issue, error, warning
from graph_editor.pipeline import Pipeline

# scheme -> the fsspec package that opens it (an optional extra of the product)
SCHEMES = {
    "s3": "s3fs",
    "s3a": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "abfs": "adlfs",
    "az": "adlfs",
}
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)")
_ASSET = re.compile(r"\S+")


@dataclass(frozen=True)
class StoreProblem:
    """What is wrong with a store URL: an error (unusable) or a warning (this machine only)."""

    message: str
    fatal: bool = True


def is_local_store(url: str) -> bool:
    """Whether the store is a folder (a shared volume), not an object store."""
    return "://" not in url or url.startswith("file://")


def store_problem(url: str) -> StoreProblem | None:
    """Why ``url`` cannot be an artifact store, or None when it can."""
    if url != url.strip() or not url:
        return StoreProblem(f"artifact store {url!r} is empty or has spaces around it")
    if is_local_store(url):
        path = url.removeprefix("file://")
        if not path.startswith("/"):
            return StoreProblem(
                f"artifact store {url!r} is a relative folder; a shared volume needs an "
                "absolute path (where it is mounted)"
            )
        return None
    found = _URL.fullmatch(url)
    scheme = found.group("scheme").lower() if found else ""
    if scheme not in SCHEMES:
        known = ", ".join(f"{s}://" for s in ("s3", "gs", "abfs"))
        return StoreProblem(f"artifact store {url!r}: unknown scheme (use {known} or a folder)")
    bucket = found.group("rest").split("/", 1)[0] if found else ""
    if not bucket:
        return StoreProblem(f"artifact store {url!r} names no bucket or container")
    package = SCHEMES[scheme]
    if importlib.util.find_spec(package) is None:
        return StoreProblem(
            f"artifact store {url!r} needs the {package} package, not installed here "
            "(pods and workers need it in their image too)",
            fatal=False,
        )
    return None


def store_issues(pipeline: Pipeline) -> list[Issue]:
    """Problems of the pipeline's artifact store settings and of its Assets."""
    s = pipeline.settings
    issues: list[Issue] = []
    if s.artifact_store:
        problem = store_problem(s.artifact_store)
        if problem is not None:
            make = error if problem.fatal else warning
            issues.append(make("artifact-store", problem.message, field="artifact_store"))
    if s.store_volume and (not s.artifact_store or not is_local_store(s.artifact_store)):
        issues.append(
            error(
                "store-volume-without-folder",
                f"volume {s.store_volume!r} is mounted where the artifact store points: the "
                "store must be an absolute folder (e.g. /mnt/artifacts)",
                field="store_volume",
            )
        )
    if s.store_volume and not names.is_k8s_secret_name(s.store_volume):
        issues.append(
            error(
                "store-volume-name", f"{s.store_volume!r} is not a claim name", field="store_volume"
            )
        )
    if s.store_secret and not names.is_k8s_secret_name(s.store_secret):
        issues.append(
            error(
                "store-secret-name",
                f"{s.store_secret!r} is not a Kubernetes Secret name",
                field="store_secret",
            )
        )
    if s.store_connection and not names.is_conn_id(s.store_connection):
        issues.append(
            error(
                "store-connection-id",
                f"{s.store_connection!r} is not an Airflow connection id",
                field="store_connection",
            )
        )
    issues += _asset_issues(pipeline)
    return issues


def _asset_issues(pipeline: Pipeline) -> list[Issue]:
    s = pipeline.settings
    issues: list[Issue] = []
    if s.schedule_assets and s.schedule.strip():
        issues.append(
            error(
                "schedule-and-assets",
                f"the pipeline runs on {s.schedule!r} and on Asset updates; choose one",
                field="schedule_assets",
            )
        )
    for uri in s.schedule_assets:
        if not _ASSET.fullmatch(uri) or uri.startswith("airflow://"):
            issues.append(
                error("asset-uri", f"{uri!r} is not an Asset URI", field="schedule_assets")
            )
    for node in pipeline.nodes:
        outputs = {p.name for p in node.outputs}
        for port, uri in node.assets.items():
            if port not in outputs:
                issues.append(
                    error(
                        "asset-unknown-output",
                        f"Asset {uri!r} is published for output {port!r}, which the node "
                        "does not have",
                        node,
                        field=f"assets.{port}",
                    )
                )
            elif not _ASSET.fullmatch(uri) or uri.startswith("airflow://"):
                issues.append(
                    error("asset-uri", f"{uri!r} is not an Asset URI", node, field=f"assets.{port}")
                )
    return issues
