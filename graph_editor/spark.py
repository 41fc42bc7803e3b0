"""Spark jobs: the rules of a node's driver/executor settings, the Spark configuration it runs
with (a local Spark on the laptop and on an Airflow worker, Spark on Kubernetes in a pod) and
what this machine lacks to run one.

A PySpark notebook or script asks for its session the usual way
(``SparkSession.builder.getOrCreate()``); pyspark reads ``PYSPARK_SUBMIT_ARGS`` when it starts
its JVM, so the master, memory and executors come from the environment the node runs in and
the same notebook runs locally and on the cluster unchanged.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

from graph_editor import names
from graph_editor.images import SPARK_IMAGE
from graph_editor.issues import Issue, error, warning
from graph_editor.nodes import Node, NodeKind, SparkSettings

SUBMIT_ARGS_ENV = "PYSPARK_SUBMIT_ARGS"
CONF_ENV = "STITCHBOARD_SPARK_CONF"  # the same settings as JSON, for code that builds its own
KUBERNETES_MASTER = "k8s://https://kubernetes.default.svc:443"
# A small start: no web UI, no progress bar in the log, few shuffle partitions (Spark's 200
# made a three-row groupBy run 200 tasks).
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
}
CLUSTER_CONF = {"spark.ui.showConsoleProgress": "false"}
# Executor pods connect back to the driver pod. Spark would advertise the bare pod name, which
# other pods cannot resolve (kubelet's /etc/hosts maps it only inside the pod): the pod's IP
# comes in through the downward API as POD_IP_ENV and the runtime makes it spark.driver.host.
# Fixed ports, so a NetworkPolicy or a headless Service can name them.
POD_IP_ENV = "STITCHBOARD_POD_IP"
DRIVER_PORT = 7078
BLOCK_MANAGER_PORT = 7079
DRIVER_CONF = {
    "spark.driver.bindAddress": "0.0.0.0",
    "spark.driver.port": str(DRIVER_PORT),
    "spark.driver.blockManager.port": str(BLOCK_MANAGER_PORT),
}
JAVA_PACKAGE = "openjdk-17-jre-headless"
INSTALL_JAVA = f"install a Java runtime (Debian/Ubuntu: apt-get install {JAVA_PACKAGE})"
# This Python's own pip (a venv's: a system Python refuses installs, PEP 668).
INSTALL_PYSPARK = f"install pyspark ({sys.executable} -m pip install pyspark)"
_MEMORY = re.compile(r"[1-9][0-9]*[kmgt]b?", re.IGNORECASE)


def is_spark_memory(text: str) -> bool:
    """Whether ``text`` is a Spark memory amount with a unit (``512m``, ``2g``)."""
    return bool(_MEMORY.fullmatch(text))


def settings_issues(node: Node) -> list[Issue]:
    """Every problem of a Spark node's driver and executor settings (none for other kinds)."""
    if node.kind != NodeKind.SPARK:
        return []
    s = node.spark
    issues = []
    for label, count in (("executors", s.executors), ("executor cores", s.executor_cores)):
        if count < 1:
            issues.append(
                error("bad-spark", f"{label} must be at least 1 (is {count})", node, field="spark")
            )
    for label, amount in (
        ("executor memory", s.executor_memory),
        ("driver memory", s.driver_memory),
    ):
        if not is_spark_memory(amount):
            issues.append(
                error(
                    "bad-spark",
                    f"{label} {amount!r} is not a Spark memory amount (e.g. '512m' or '2g')",
                    node,
                    field="spark",
                )
            )
    if s.service_account and not names.is_k8s_secret_name(s.service_account):
        issues.append(
            error(
                "bad-spark",
                f"service account {s.service_account!r} is not a Kubernetes name "
                "(lower-case letters, digits, '-' and '.')",
                node,
                field="spark",
            )
        )
    if s.executor_image and any(c.isspace() for c in s.executor_image):
        issues.append(
            error(
                "bad-spark",
                f"executor image {s.executor_image!r} contains spaces",
                node,
                field="spark",
            )
        )
    return issues


def spark_image_issues(node: Node) -> list[Issue]:
    """On Kubernetes a Spark node's pod is the driver: the pipeline's default image has no Spark."""
    if node.kind != NodeKind.SPARK or node.image:
        return []
    return [
        warning(
            "spark-no-image",
            "a Spark job needs an image with Java, pyspark and papermill (and Spark's "
            f"entrypoint for the executors), e.g. {SPARK_IMAGE} (packaging/images/"
            "runtime-spark); set the node's image",
            node,
            field="image",
        )
    ]


def java_path() -> str:
    """The ``java`` a local Spark would start (``$JAVA_HOME/bin/java``, else on PATH), or ''."""
    home = os.environ.get("JAVA_HOME", "")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java") or ""


def has_pyspark() -> bool:
    try:
        return importlib.util.find_spec("pyspark") is not None
    except (ImportError, ValueError):
        return False


def missing_here() -> str:
    """What this machine lacks to run a Spark node locally ('' when nothing), as advice."""
    lacking = [] if java_path() else [INSTALL_JAVA]
    if not has_pyspark():
        lacking.append(INSTALL_PYSPARK)
    return "; ".join(lacking)


def local_issues(node: Node) -> list[Issue]:
    """A warning when a Spark node cannot run here (no Java or no pyspark): dry-run impossible."""
    if node.kind != NodeKind.SPARK:
        return []
    lacking = missing_here()
    if not lacking:
        return []
    return [
        warning(
            "spark-not-installed",
            f"Spark cannot run here, so a dry-run cannot run this node: {lacking}",
            node,
            field="kind",
        )
    ]


def local_threads(settings: SparkSettings, cpus: int | None = None) -> int:
    """Threads of the local Spark: executors x cores, at most ``cpus`` (when given)."""
    wanted = max(settings.executors, 1) * max(settings.executor_cores, 1)
    return max(1, min(wanted, cpus)) if cpus else wanted


def _submit_args(master: str, driver_memory: str, conf: dict[str, str]) -> str:
    args = ["--master", master, "--driver-memory", driver_memory]
    for key, value in conf.items():
        args += ["--conf", f"{key}={value}"]
    return shlex.join([*args, "pyspark-shell"])


def _env(master: str, settings: SparkSettings, conf: dict[str, str]) -> dict[str, str]:
    shown = {"spark.master": master, "spark.driver.memory": settings.driver_memory, **conf}
    return {
        SUBMIT_ARGS_ENV: _submit_args(master, settings.driver_memory, conf),
        CONF_ENV: json.dumps(shown, sort_keys=True),
    }


def local_env(settings: SparkSettings, cpus: int | None = None) -> dict[str, str]:
    """The environment of a node on a local Spark (dry-run; an Airflow worker)."""
    master = f"local[{local_threads(settings, cpus)}]"
    return _env(master, settings, dict(LOCAL_CONF))


def kubernetes_env(settings: SparkSettings, namespace: str, image: str) -> dict[str, str]:
    """The environment of a node whose pod is the Spark driver (client mode) on Kubernetes.

    Executors are pods Spark creates in ``namespace`` from ``executor_image`` (else ``image``);
    they reach the driver at its pod IP on fixed ports: the pod's env carries the IP
    (``POD_IP_ENV``, from ``status.podIP``) and the runtime sets ``spark.driver.host`` from it.
    """
    conf = {
        "spark.executor.instances": str(settings.executors),
        "spark.executor.cores": str(settings.executor_cores),
        "spark.executor.memory": settings.executor_memory,
        "spark.kubernetes.namespace": namespace,
        "spark.kubernetes.container.image": settings.executor_image or image,
        **DRIVER_CONF,
        **CLUSTER_CONF,
    }
    return _env(KUBERNETES_MASTER, settings, conf)
