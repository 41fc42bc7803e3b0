"""The rules of one export backend: what its DAG cannot do that the other backend can.

``kubernetes_issues`` and ``worker_issues`` are plain functions over a pipeline so that the
exporter's backend objects can point at them; ``validate(pipeline, backend=...)`` adds them to
the backend-independent checks.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Callable

from graph_editor.backends import Backend
from graph_editor.images import image_issues
from graph_editor.issues import Issue, error, warning
from graph_editor.limits import ENV_STRING_MAX, env_string_size, value_problem
from graph_editor.nodes import Node, NodeKind, SecretSource
from graph_editor.pipeline import Pipeline
from graph_editor.pod_env import env_too_big, node_env_size
from graph_editor.pod_files import shipped_file_issues
from graph_editor.sources import read_source_text
from graph_editor.spark import spark_image_issues
from graph_editor.types import ARTIFACT_TYPES
from resources.runtime.stitchboard_task import DEFAULT_STORE_FOLDER

FILE_ENV = "STITCHBOARD_FILE_" + "0" * 16  # a pod variable carrying a file (no store)


def packed_size(pipeline: Pipeline, node: Node) -> int:
    """Bytes the node's notebook or script takes packed (zlib + base64) as the DAG ships it;
    0 when it cannot be read (the file rules report that)."""
    try:
        text = read_source_text(pipeline.source_path(node))
        if not node.is_script:
            nb = json.loads(text)
            for cell in nb.get("cells", []):
                if cell.get("cell_type") == "code":
                    cell["outputs"], cell["execution_count"] = [], None
            text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return 0
    return len(base64.b64encode(zlib.compress(text.encode("utf-8"), 9)))


def _code_issues(pipeline: Pipeline) -> list[Issue]:
    """Without an artifact store, a pod gets its notebook in one env variable: check the size."""
    if pipeline.settings.artifact_store:
        return []  # code reaches pods through the store, by content key
    issues: list[Issue] = []
    for node in pipeline.nodes:
        size = env_string_size(FILE_ENV, "") + packed_size(pipeline, node)
        issues += shipped_file_issues(pipeline, node, size)
        if size > ENV_STRING_MAX:
            issues.append(
                error(
                    "code-too-large",
                    f"the notebook travels in its pod's environment, and packed it takes "
                    f"{size:,} bytes; Linux allows {ENV_STRING_MAX:,} per variable (set an "
                    "artifact store: pods then fetch their code from it)",
                    node,
                    field="source",
                )
            )
    return issues


def store_needed_issues(pipeline: Pipeline) -> list[Issue]:
    """On the cluster, an artifact output needs a store every task reaches (both backends):
    each task runs in its own folder, gone when it ends."""
    if pipeline.settings.artifact_store:
        return []
    issues: list[Issue] = []
    for node in pipeline.nodes:
        wired = {e.source_port for e in pipeline.edges_out_of(node.id) if not e.is_ordering}
        for port in node.outputs:
            if port.type in ARTIFACT_TYPES and port.name in wired:
                issues.append(  # a warning: the deploy profile may name the store
                    warning(
                        "artifact-without-store",
                        f"output {port.name!r} is a {port.type.value}: on the cluster it is "
                        "handed on through an artifact store, and the pipeline names none "
                        "(set artifact_store, or deploy with a profile's --artifact-store)",
                        node,
                        field=f"outputs.{port.name}",
                    )
                )
    return issues


def default_store_issues(pipeline: Pipeline) -> list[Issue]:
    """On the worker backend, artifacts without a pipeline store go to the worker's default
    folder store: fine on one machine, refused by Celery workers (other machines)."""
    needed = store_needed_issues(pipeline)
    if not needed:
        return []
    first = pipeline.node(needed[0].node_id) if needed[0].node_id else None
    return [
        warning(
            "default-worker-store",
            f"{len(needed)} artifact hand-off(s) go through the default store, "
            f"$AIRFLOW_HOME/{DEFAULT_STORE_FOLDER} on the worker: right when every task runs "
            "on one machine (LocalExecutor); Celery workers refuse it (set artifact_store to "
            "s3://... or a folder every worker mounts)",
            first,
            field="artifact_store",
        )
    ]


def kubernetes_issues(pipeline: Pipeline) -> list[Issue]:
    """Problems only the kubernetes backend has: what travels in a pod's env must fit."""
    issues = _code_issues(pipeline) + store_needed_issues(pipeline)
    for node in pipeline.nodes:
        issues += spark_image_issues(node)
        issues += image_issues(node, pipeline.settings)
        if not node.values or any(value_problem(v)[0] for v in node.values.values()):
            continue  # a value that cannot be written at all is reported on its own
        size = node_env_size(pipeline, node)  # measured as the exporter measures it
        if env_too_big(size):
            issues.append(
                error(
                    "values-too-large-for-pod",
                    f"the values set on this node take {size:,} bytes; a pod's environment "
                    f"variable holds at most {ENV_STRING_MAX:,} (store big data as a file "
                    "and pass its path)",
                    node,
                    field="values",
                )
            )
    return issues


def worker_issues(pipeline: Pipeline) -> list[Issue]:
    """Problems only the worker backend has: no Kubernetes Secrets, no cluster jobs."""
    issues: list[Issue] = default_store_issues(pipeline)
    for node in pipeline.nodes:
        for ref in node.secrets:
            if ref.source == SecretSource.KUBERNETES:
                issues.append(
                    error(
                        "kubernetes-secret-on-worker",
                        f"secret {ref.env!r} comes from Kubernetes Secret {ref.name!r}, which "
                        "an Airflow worker cannot read; use an Airflow connection or the "
                        "kubernetes backend",
                        node,
                        field=f"secrets.{ref.env}",
                    )
                )
        if node.kind in (NodeKind.TENSORFLOW, NodeKind.RAPIDS) and node.distributed.is_distributed:
            issues.append(
                warning(
                    "distributed-on-worker",
                    f"a distributed job of {node.distributed.workers} workers runs as one "
                    "process on the Airflow worker (use the kubernetes backend to spread it)",
                    node,
                    field="distributed",
                )
            )
    return issues


BACKEND_RULES: dict[Backend, Callable[[Pipeline], list[Issue]]] = {
    Backend.KUBERNETES: kubernetes_issues,
    Backend.WORKER: worker_issues,
}


def backend_issues(pipeline: Pipeline, backend: Backend) -> list[Issue]:
    """The issues of ``backend``'s own rules (the backend-independent ones not included)."""
    return BACKEND_RULES[Backend(backend)](pipeline)
