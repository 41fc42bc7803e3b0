"""Value objects of a pipeline: ports, nodes, edges, pipeline settings and parameters.

All are frozen dataclasses; edits go through ``Pipeline`` methods, which replace values.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph_editor.frozendict import FrozenDict, freeze
from graph_editor.images import R_IMAGE, RUNTIME_IMAGE
from graph_editor.types import PortType

# The image R nodes run in on the cluster unless the node or the pipeline names another: the
# Jupyter R stack (R, IRkernel, jsonlite, Python with papermill's needs), pinned by date.
DEFAULT_R_IMAGE = R_IMAGE


class NodeKind(StrEnum):
    """What a node runs."""

    NOTEBOOK = "notebook"
    TENSORFLOW = "tensorflow"
    RAPIDS = "rapids"
    SPARK = "spark"


class Missing:
    """Marker for "no default" (distinct from a default of ``None``)."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = Missing()


@dataclass(frozen=True)
class Port:
    """One input (a notebook parameter) or output (a variable of the ``outputs`` cell)."""

    name: str
    type: PortType = PortType.ANY
    default: Any = MISSING
    help: str = ""

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(frozen=True)
class Resources:
    """Kubernetes resource requests for a node's pod (limits equal requests for GPUs).

    ``cpu`` and ``memory`` are Kubernetes quantities such as ``"500m"`` or ``"2Gi"``; empty
    means the cluster's default.
    """

    cpu: str = ""
    memory: str = ""
    gpu: int = 0
    cpu_limit: str = ""
    memory_limit: str = ""


class TFStrategy(StrEnum):
    """The tf.distribute strategy a distributed TensorFlow job uses."""

    MULTI_WORKER_MIRRORED = "multi_worker_mirrored"
    MIRRORED = "mirrored"
    PARAMETER_SERVER = "parameter_server"


@dataclass(frozen=True)
class Distributed:
    """How a TensorFlow or RAPIDS node spreads over machines: ``workers`` x ``gpus_per_worker``.

    One worker means a single GPU pod; more means a TFJob (TensorFlow) or a Dask-CUDA
    cluster (RAPIDS). ``strategy`` applies to TensorFlow only.
    """

    workers: int = 1
    gpus_per_worker: int = 1
    strategy: TFStrategy = TFStrategy.MULTI_WORKER_MIRRORED

    @property
    def is_distributed(self) -> bool:
        return self.workers > 1


@dataclass(frozen=True)
class SparkSettings:
    """The driver and executors of a Spark job (PySpark notebook or script).

    Memory amounts are Spark's own strings (``"512m"``, ``"2g"``). On Kubernetes the node's pod
    is the driver and ``executors`` pods of ``executor_cores`` x ``executor_memory`` run beside
    it (image ``executor_image``, else the node's); locally Spark runs in one JVM with
    ``local[executors x executor_cores]`` threads. ``service_account`` may create those pods.
    """

    executors: int = 2
    executor_cores: int = 1
    executor_memory: str = "1g"
    driver_memory: str = "1g"
    service_account: str = ""
    executor_image: str = ""


class SecretSource(StrEnum):
    """Where the value of a secret reference lives on the cluster."""

    KUBERNETES = "kubernetes"  # a key of a Kubernetes Secret
    AIRFLOW_CONNECTION = "airflow_connection"  # an Airflow connection id


@dataclass(frozen=True)
class SecretRef:
    """A secret given to a node as environment variable ``env``; a name only, never a value."""

    env: str
    source: SecretSource
    name: str  # Kubernetes Secret name or Airflow connection id
    key: str = ""  # key inside the Kubernetes Secret (unused for connections)


def new_node_id() -> str:
    """A fresh stable node id (kept across saves, renames and loads)."""
    return "n" + uuid.uuid4().hex[:11]


@dataclass(frozen=True)
class Node:
    """One task of the pipeline: a notebook or script job with its ports and settings."""

    id: str
    name: str
    kind: NodeKind = NodeKind.NOTEBOOK
    source: str = ""  # path of the notebook or .py script, relative to the pipeline file
    description: str = ""
    kernel: str = ""  # empty: the notebook's own kernel
    language: str = "python"
    image: str = ""  # empty: the pipeline's default image
    resources: Resources = field(default_factory=Resources)
    retries: int | None = None  # None: the pipeline's default
    timeout_seconds: int | None = None
    pool: str = ""
    env: Mapping[str, str] = field(default_factory=FrozenDict)
    secrets: tuple[SecretRef, ...] = ()
    inputs: tuple[Port, ...] = ()
    outputs: tuple[Port, ...] = ()
    values: Mapping[str, Any] = field(default_factory=FrozenDict)  # values for unwired inputs
    bindings: Mapping[str, str] = field(default_factory=FrozenDict)  # input -> pipeline parameter
    position: tuple[float, float] = (0.0, 0.0)
    distributed: Distributed = field(default_factory=Distributed)
    spark: SparkSettings = field(default_factory=SparkSettings)  # Spark nodes only
    sample_outputs: Mapping[str, Any] = field(default_factory=FrozenDict)  # when a dry-run skips
    # The user's port types, by port name: they win over the notebook's on every re-inspect.
    port_types: Mapping[str, PortType] = field(default_factory=FrozenDict)
    # Declared files (paths relative to the notebook, posix): shipped with the node from beside
    # its notebook, and written by it for the nodes downstream (restored at the same place).
    files: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    # output port -> Airflow Asset URI the task publishes when it succeeds
    assets: Mapping[str, str] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        # The mappings are frozen so that no edit can bypass the model's events and undo.
        for name in _MAPPING_FIELDS:
            object.__setattr__(self, name, freeze(getattr(self, name)))

    @property
    def is_script(self) -> bool:
        """A script job (``.py``, or ``.R`` run with ``Rscript``), not a notebook."""
        return self.source.endswith(".py") or self.is_r_script

    @property
    def is_r_script(self) -> bool:
        return self.source.lower().endswith(".r")

    @property
    def runs_r(self) -> bool:
        """An R notebook or an R script (it needs R, and an R image on the cluster)."""
        return self.is_r_script or self.language.lower() == "r"

    def input(self, name: str) -> Port | None:
        return next((p for p in self.inputs if p.name == name), None)

    def output(self, name: str) -> Port | None:
        return next((p for p in self.outputs if p.name == name), None)

    def __hash__(self) -> int:  # values may hold lists, which make the generated hash fail
        return hash(self.id)


_MAPPING_FIELDS = ("env", "values", "bindings", "sample_outputs", "port_types", "assets")


@dataclass(frozen=True, order=True)
class Edge:
    """A wire from an output port to an input port, or (ports empty) an ordering edge."""

    source: str  # node id
    target: str  # node id
    source_port: str = ""
    target_port: str = ""

    @property
    def is_ordering(self) -> bool:
        return not self.source_port

    def describe(self, names: dict[str, str] | None = None) -> str:
        names = names or {}
        src = names.get(self.source, self.source)
        dst = names.get(self.target, self.target)
        if self.is_ordering:
            return f"{src} -> {dst}"
        return f"{src}.{self.source_port} -> {dst}.{self.target_port}"


@dataclass(frozen=True)
class PipelineParameter:
    """A typed, pipeline-wide value; becomes an Airflow DAG param and a dry-run ``-p`` option."""

    name: str
    type: PortType = PortType.STR
    default: Any = None
    description: str = ""

    def __hash__(self) -> int:
        return hash(self.name)


@dataclass(frozen=True)
class PipelineSettings:
    """Pipeline-wide settings that become the Airflow DAG's arguments."""

    name: str = "pipeline"
    description: str = ""
    dag_id: str = "pipeline"
    schedule: str = ""  # cron expression, preset such as "@daily", or empty for none
    start_date: str = "2024-01-01"
    catchup: bool = False
    tags: tuple[str, ...] = ()
    owner: str = "stitchboard"
    default_image: str = RUNTIME_IMAGE
    namespace: str = "default"
    default_retries: int = 0
    retry_delay_seconds: int = 300
    max_active_runs: int = 1
    parameters: tuple[PipelineParameter, ...] = ()
    # Where artifacts live on the cluster: a folder (a shared volume) or an fsspec URL
    # (s3://bucket/prefix, gs://..., abfs://...). Empty: inline values only, code in env.
    artifact_store: str = ""
    store_secret: str = ""  # Kubernetes Secret whose keys become the pods' env (AWS_...)
    store_connection: str = ""  # Airflow connection id the workers read the store with
    store_volume: str = ""  # PersistentVolumeClaim mounted at artifact_store in every pod
    schedule_assets: tuple[str, ...] = ()  # Asset URIs of other pipelines that trigger this one
    r_image: str = DEFAULT_R_IMAGE  # the image of R nodes without an image of their own

    def parameter(self, name: str) -> PipelineParameter | None:
        return next((p for p in self.parameters if p.name == name), None)
