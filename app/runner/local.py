"""TensorFlow, RAPIDS and Spark nodes on a laptop: what is missing here, when sample outputs
stand in, and the environment a Spark node runs with (a local Spark, ``graph_editor.spark``).

The rule (documented in docs/dry-run.md): a TensorFlow or RAPIDS node always runs locally as a
single worker, on CPU when there is no GPU. If it then fails because a GPU library cannot be
imported and the node declares sample outputs for every output, it is marked SAMPLED and its
sample outputs flow downstream; otherwise it fails like any node.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from functools import cache
from pathlib import Path

from graph_editor import spark
from graph_editor.nodes import Node, NodeKind
from graph_editor.tensorflow import tensorflow_env

LIBRARIES = {NodeKind.TENSORFLOW: "tensorflow", NodeKind.RAPIDS: "cudf"}
GPU_MODULES = {
    "tensorflow",
    "keras",
    "cudf",
    "cuml",
    "cugraph",
    "cupy",
    "dask_cuda",
    "dask_cudf",
    "rmm",
    "tensorrt",
}
_NO_MODULE = re.compile(r"No module named '([A-Za-z0-9_.]+)'")


@cache
def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@cache
def has_gpu() -> bool:
    return Path("/dev/nvidia0").exists() or shutil.which("nvidia-smi") is not None


def node_env(node: Node) -> dict[str, str]:
    """The environment a node's kernel or script gets beyond this process's: its own env, and
    for a Spark node a local Spark's (the kernel's pyspark starts its JVM with it).

    Spark's Python workers run on this Python unless the node sets ``PYSPARK_PYTHON``.
    """
    if node.kind != NodeKind.SPARK:
        return {**tensorflow_env(node), **node.env}  # a TensorFlow node's strategy, too
    env = spark.local_env(node.spark, os.cpu_count())
    env["PYSPARK_PYTHON"] = sys.executable
    return {**env, **node.env}


def spark_notes(node: Node) -> list[str]:
    """How a Spark node's local run differs from the cluster's."""
    threads = spark.local_threads(node.spark, os.cpu_count())
    notes = [
        f"runs on a local Spark (local[{threads}], one JVM; executor settings apply on the cluster)"
    ]
    lacking = spark.missing_here()
    if lacking:
        notes.append(f"Spark cannot run here: {lacking}")
    return notes


def local_notes(node: Node) -> list[str]:
    """What differs from the cluster for this node when it runs here (empty for notebooks)."""
    if node.kind == NodeKind.SPARK:
        return spark_notes(node)
    if node.kind not in LIBRARIES:
        return []
    notes = []
    library = LIBRARIES[node.kind]
    if not has_module(library):
        notes.append(f"{library} is not installed here")
    if not has_gpu():
        notes.append("no GPU here: runs on CPU")
    if node.distributed.is_distributed:
        notes.append(
            f"distributed job ({node.distributed.workers} workers) runs as a single worker"
        )
    return notes


def missing_gpu_module(ename: str, evalue: str) -> str:
    """The GPU library an ImportError names ('' when the error is something else)."""
    if ename not in ("ImportError", "ModuleNotFoundError"):
        return ""
    match = _NO_MODULE.search(evalue)
    name = match.group(1).split(".")[0] if match else ""
    if name in GPU_MODULES:
        return name
    return next((m for m in sorted(GPU_MODULES) if re.search(rf"\b{m}\b", evalue)), "")


# Import names whose package on PyPI has another name (the hint names what to install).
PACKAGE_OF = {
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "bs4": "beautifulsoup4",
    "skimage": "scikit-image",
    "dateutil": "python-dateutil",
}


def missing_module(ename: str, evalue: str) -> str:
    """The top-level module a ``ModuleNotFoundError`` names ('' for any other error)."""
    if ename != "ModuleNotFoundError":
        return ""
    match = _NO_MODULE.search(evalue)
    return match.group(1).split(".")[0] if match else ""


def install_hint(module: str, python: str = sys.executable) -> str:
    """How to install ``module`` where the notebooks' default kernel runs (this Python)."""
    return f"{python} -m pip install {PACKAGE_OF.get(module, module)}"


def can_sample(node: Node) -> bool:
    """Whether the node declares a sample value for every output."""
    return node.kind in LIBRARIES and all(p.name in node.sample_outputs for p in node.outputs)
