"""The ``*.stitch`` file: one sorted-key JSON document, versioned, migrated, saved atomically."""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from graph_editor.atomic import atomic_write_text, remove_stale_temps
from graph_editor.comments import comment_from_json, comment_to_json
from graph_editor.errors import ModelError, PipelineFileError
from graph_editor.limits import VALUE_DEPTH_MAX
from graph_editor.nodes import (
    DEFAULT_R_IMAGE,
    MISSING,
    Distributed,
    Edge,
    Node,
    NodeKind,
    PipelineParameter,
    PipelineSettings,
    Port,
    Resources,
    SecretRef,
    SecretSource,
    SparkSettings,
    TFStrategy,
)
from graph_editor.pipeline import Pipeline
from graph_editor.sources import read_source_text
from graph_editor.types import PortType

FORMAT = "stitchboard.pipeline"
VERSION = 1
STORE_FIELDS = ("artifact_store", "store_secret", "store_connection", "store_volume")
SUFFIX = ".stitch"
# The document itself is a few levels deep; values inside it may nest VALUE_DEPTH_MAX deep
# (limits.py). Anything deeper is refused up front: a ~1000-deep file made json, the schema
# check and copies recurse until RecursionError.
DOCUMENT_DEPTH_MAX = VALUE_DEPTH_MAX + 20

# MIGRATIONS[v] turns a version-v document into a version v+1 document.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of the current format (shipped in ``resources/schema``)."""
    text = (
        resources.files("resources").joinpath(f"schema/stitch-v{VERSION}.schema.json").read_text()
    )
    return json.loads(text)


@lru_cache(maxsize=1)
def _fast_validator() -> Callable[[Any], Any]:
    """A compiled validator (fastjsonschema, ~20x faster than jsonschema on big files)."""
    import fastjsonschema

    return fastjsonschema.compile(schema())


# -- to JSON --------------------------------------------------------------------------------
def _port_to_json(port: Port) -> dict[str, Any]:
    data: dict[str, Any] = {"name": port.name, "type": port.type.value}
    if port.has_default:
        data["default"] = port.default
    if port.help:
        data["help"] = port.help
    return data


def node_to_json(node: Node) -> dict[str, Any]:
    """A node as a plain JSON object (also used by copy/paste)."""
    data = _node_fields(node)
    if node.port_types:  # only when set, so files without overrides keep their bytes
        data["port_types"] = {name: t.value for name, t in node.port_types.items()}
    if node.files:  # declarations only when set: files without them keep their bytes
        data["files"] = list(node.files)
    if node.produces:
        data["produces"] = list(node.produces)
    if node.assets:  # likewise: only when an output is published as an Asset
        data["assets"] = dict(node.assets)
    if node.kind == NodeKind.SPARK or node.spark != SparkSettings():
        data["spark"] = dataclasses.asdict(node.spark)
    return data


def _node_fields(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "name": node.name,
        "kind": node.kind.value,
        "source": node.source,
        "description": node.description,
        "kernel": node.kernel,
        "language": node.language,
        "image": node.image,
        "resources": {
            "cpu": node.resources.cpu,
            "memory": node.resources.memory,
            "gpu": node.resources.gpu,
            "cpu_limit": node.resources.cpu_limit,
            "memory_limit": node.resources.memory_limit,
        },
        "retries": node.retries,
        "timeout_seconds": node.timeout_seconds,
        "pool": node.pool,
        "env": dict(node.env),
        "secrets": [
            {"env": s.env, "source": s.source.value, "name": s.name, "key": s.key}
            for s in node.secrets
        ],
        "inputs": [_port_to_json(p) for p in node.inputs],
        "outputs": [_port_to_json(p) for p in node.outputs],
        "values": dict(node.values),
        "bindings": dict(node.bindings),
        "position": [round(float(node.position[0]), 1), round(float(node.position[1]), 1)],
        "distributed": {
            "workers": node.distributed.workers,
            "gpus_per_worker": node.distributed.gpus_per_worker,
            "strategy": node.distributed.strategy.value,
        },
        "sample_outputs": dict(node.sample_outputs),
    }


def settings_to_json(settings: PipelineSettings) -> dict[str, Any]:
    return {
        "name": settings.name,
        "description": settings.description,
        "dag_id": settings.dag_id,
        "schedule": settings.schedule,
        "start_date": settings.start_date,
        "catchup": settings.catchup,
        "tags": list(settings.tags),
        "owner": settings.owner,
        "default_image": settings.default_image,
        "namespace": settings.namespace,
        "default_retries": settings.default_retries,
        "retry_delay_seconds": settings.retry_delay_seconds,
        "max_active_runs": settings.max_active_runs,
        "parameters": [
            {
                "name": p.name,
                "type": p.type.value,
                "default": p.default,
                "description": p.description,
            }
            for p in settings.parameters
        ],
        # the artifact store and Asset schedule only when set: older files keep their bytes
        **{k: getattr(settings, k) for k in STORE_FIELDS if getattr(settings, k)},
        **({"schedule_assets": list(settings.schedule_assets)} if settings.schedule_assets else {}),
        **({"r_image": settings.r_image} if settings.r_image != DEFAULT_R_IMAGE else {}),
    }


def edge_to_json(edge: Edge) -> dict[str, Any]:
    data = {"source": edge.source, "target": edge.target}
    if not edge.is_ordering:
        data.update(source_port=edge.source_port, target_port=edge.target_port)
    return data


def to_document(pipeline: Pipeline, folder: Path | None = None) -> dict[str, Any]:
    """The whole pipeline as the JSON document that is written to disk.

    ``folder``: where the file goes, when that is not the folder the sources are relative to
    (Save As elsewhere): the written sources are rebased into it; the nodes are not touched.
    """
    nodes = [node_to_json(n) for n in pipeline.nodes]
    if folder is not None and folder.resolve() != pipeline.base_dir.resolve():
        for data, node in zip(nodes, pipeline.nodes, strict=True):
            if node.source:
                data["source"] = _rebased(node.source, pipeline.base_dir, folder)
    doc = {
        "format": FORMAT,
        "version": VERSION,
        **({"pipeline_id": pipeline.pipeline_id} if pipeline.pipeline_id else {}),
        "pipeline": settings_to_json(pipeline.settings),
        "nodes": nodes,
        "edges": [edge_to_json(e) for e in pipeline.edges],
    }
    if len(pipeline.comments):  # only when there are some: files without keep their bytes
        doc["comments"] = [comment_to_json(c) for c in pipeline.comments]
    return doc


def new_pipeline_id() -> str:
    """A fresh pipeline identity (what deploy tells pipelines apart by)."""
    return uuid.uuid4().hex


def dumps(pipeline: Pipeline, folder: Path | None = None) -> str:
    """The exact text saved for a pipeline: sorted keys, two-space indent, final newline.

    ``folder``: the folder the file is written to (sources are rebased into it, see
    ``to_document``); ``None`` writes the sources as they are.
    """
    return (
        json.dumps(to_document(pipeline, folder), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n"
    )


# -- from JSON ------------------------------------------------------------------------------
def _port_from_json(data: dict[str, Any]) -> Port:
    return Port(
        name=data["name"],
        type=PortType(data["type"]),
        default=data.get("default", MISSING),
        help=data.get("help", ""),
    )


def node_from_json(data: dict[str, Any]) -> Node:
    res = data.get("resources", {})
    dist = data.get("distributed", {})
    return Node(
        id=data["id"],
        name=data["name"],
        kind=NodeKind(data["kind"]),
        source=data["source"],
        description=data.get("description", ""),
        kernel=data.get("kernel", ""),
        language=data.get("language", "python"),
        image=data.get("image", ""),
        resources=Resources(
            cpu=res.get("cpu", ""),
            memory=res.get("memory", ""),
            gpu=res.get("gpu", 0),
            cpu_limit=res.get("cpu_limit", ""),
            memory_limit=res.get("memory_limit", ""),
        ),
        retries=data.get("retries"),
        timeout_seconds=data.get("timeout_seconds"),
        pool=data.get("pool", ""),
        env=dict(data.get("env", {})),
        secrets=tuple(
            SecretRef(s["env"], SecretSource(s["source"]), s["name"], s.get("key", ""))
            for s in data.get("secrets", [])
        ),
        inputs=tuple(_port_from_json(p) for p in data.get("inputs", [])),
        outputs=tuple(_port_from_json(p) for p in data.get("outputs", [])),
        values=dict(data.get("values", {})),
        bindings=dict(data.get("bindings", {})),
        position=tuple(data.get("position", (0.0, 0.0))),  # type: ignore[arg-type]
        distributed=Distributed(
            workers=dist.get("workers", 1),
            gpus_per_worker=dist.get("gpus_per_worker", 1),
            strategy=TFStrategy(dist.get("strategy", TFStrategy.MULTI_WORKER_MIRRORED.value)),
        ),
        sample_outputs=dict(data.get("sample_outputs", {})),
        port_types={k: PortType(v) for k, v in data.get("port_types", {}).items()},
        files=tuple(str(f) for f in data.get("files", ())),
        produces=tuple(str(f) for f in data.get("produces", ())),
        assets=dict(data.get("assets", {})),
        spark=SparkSettings(**data.get("spark", {})),
    )


def settings_from_json(data: dict[str, Any]) -> PipelineSettings:
    defaults = PipelineSettings()
    return PipelineSettings(
        name=data["name"],
        description=data.get("description", ""),
        dag_id=data["dag_id"],
        schedule=data.get("schedule", ""),
        start_date=data.get("start_date", defaults.start_date),
        catchup=data.get("catchup", False),
        tags=tuple(data.get("tags", ())),
        owner=data.get("owner", defaults.owner),
        default_image=data.get("default_image", defaults.default_image),
        namespace=data.get("namespace", defaults.namespace),
        default_retries=data.get("default_retries", 0),
        retry_delay_seconds=data.get("retry_delay_seconds", defaults.retry_delay_seconds),
        max_active_runs=data.get("max_active_runs", 1),
        parameters=tuple(
            PipelineParameter(
                p["name"], PortType(p["type"]), p.get("default"), p.get("description", "")
            )
            for p in data.get("parameters", [])
        ),
        **{k: str(data.get(k, "")) for k in STORE_FIELDS},
        schedule_assets=tuple(data.get("schedule_assets", ())),
        r_image=str(data.get("r_image", DEFAULT_R_IMAGE)),
    )


def _schema_problem(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    message = error.message if len(error.message) < 160 else error.message[:157] + "..."
    return f"invalid pipeline file at {where}: {message}"


def from_document(doc: Any, path: Path | str = "<memory>") -> Pipeline:
    """Build a pipeline from a parsed document, migrating older versions."""
    import jsonschema

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PipelineFileError(
            path, 'not a Stitchboard pipeline (no "format": "stitchboard.pipeline")'
        )
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PipelineFileError(path, f"invalid format version {version!r}")
    if version > VERSION:
        raise PipelineFileError(
            path,
            f"written by a newer Stitchboard (format version {version}); "
            f"this version reads up to {VERSION} — please upgrade",
        )
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["version"] = version
    try:
        _fast_validator()(doc)
    except Exception as exc:  # fastjsonschema's error is terse: ask jsonschema for the best message
        validator = jsonschema.Draft202012Validator(schema())
        error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
        if error is not None:
            raise PipelineFileError(path, _schema_problem(error)) from exc
    pipeline = Pipeline(
        settings_from_json(doc["pipeline"]), path=Path(path) if path != "<memory>" else None
    )
    pipeline.pipeline_id = str(doc.get("pipeline_id", ""))
    try:
        for data in doc["nodes"]:
            if "\x00" in data["source"]:
                raise ModelError(f"node {data['name']!r}: its source path contains a NUL character")
            pipeline.add_node(node_from_json(data))
        for data in doc["edges"]:
            pipeline.add_edge(
                Edge(
                    data["source"],
                    data["target"],
                    data.get("source_port", ""),
                    data.get("target_port", ""),
                ),
                check=False,
            )
        for data in doc.get("comments", []):
            pipeline.comments.add(comment_from_json(data))
    except (ModelError, ValueError) as exc:
        raise PipelineFileError(path, f"invalid pipeline file: {exc}") from exc
    return pipeline


def _depth_exceeds(doc: Any, limit: int) -> bool:
    """Whether a parsed document nests lists/objects more than ``limit`` deep (no recursion)."""
    stack = [(doc, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def loads(text: str, path: Path | str = "<memory>") -> Pipeline:
    try:
        doc = json.loads(text)
    except RecursionError as exc:
        raise PipelineFileError(path, "nested too deeply to read") from exc
    except json.JSONDecodeError as exc:
        stripped = text.rstrip()
        truncated = exc.pos >= len(stripped) or (
            stripped.startswith("{") and not stripped.endswith("}")
        )
        hint = " (the file looks truncated)" if truncated else ""
        raise PipelineFileError(
            path, f"not valid JSON at line {exc.lineno}, column {exc.colno}{hint}"
        ) from exc
    except ValueError as exc:  # a number past Python's 4,300-digit limit for int()
        raise PipelineFileError(path, f"not a usable JSON value: {str(exc)[:80]}") from exc
    if isinstance(doc, dict | list) and _depth_exceeds(doc, DOCUMENT_DEPTH_MAX):
        raise PipelineFileError(path, f"nested more than {DOCUMENT_DEPTH_MAX} levels deep")
    return from_document(doc, path)


def load(path: str | Path) -> Pipeline:
    """Read a ``*.stitch`` file; raises ``PipelineFileError`` naming the path and the problem."""
    path = Path(path)
    remove_stale_temps(path)  # left by a save that was killed
    if path.is_dir():
        raise PipelineFileError(path, "is a folder, not a pipeline file")
    try:  # a regular file only: a FIFO named as the pipeline made every command hang
        text = read_source_text(path)
    except FileNotFoundError as exc:
        raise PipelineFileError(path, "file not found") from exc
    except IsADirectoryError as exc:
        raise PipelineFileError(path, "is a folder, not a pipeline file") from exc
    except OSError as exc:
        raise PipelineFileError(path, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise PipelineFileError(path, f"cannot read: {exc}") from exc
    return loads(text, path.resolve())


def _rebased(source: str, old_dir: Path, new_dir: Path) -> str:
    absolute = (old_dir.resolve() / source).resolve()
    return Path(os.path.relpath(absolute, new_dir.resolve())).as_posix()


def save(pipeline: Pipeline, path: str | Path) -> None:
    """Save atomically; node sources are written rebased when saving to another folder.

    Saving never edits the model: after a Save As elsewhere the nodes keep their sources,
    resolved from the folder they were written for (``Pipeline.sources_dir``); the file has them
    relative to its own folder, as a reload shows.

    The pipeline gets its identity on its first save; saving it as another file (Save As)
    makes that file a pipeline of its own, with a new identity (docs/file-format.md).
    """
    path = Path(path).resolve()
    if not path.parent.is_dir():
        raise PipelineFileError(path, "folder does not exist")
    elsewhere = pipeline.path is not None and Path(pipeline.path).resolve() != path
    known = pipeline.pipeline_id
    if not known or elsewhere:
        pipeline.pipeline_id = new_pipeline_id()
    remove_stale_temps(path)  # left by a save that was killed
    try:
        atomic_write_text(path, dumps(pipeline, path.parent))
    except OSError as exc:
        pipeline.pipeline_id = known  # nothing was written: the pipeline is still what it was
        raise PipelineFileError(path, f"cannot write: {exc.strerror or exc}") from exc
    here = pipeline.base_dir.resolve()
    pipeline.sources_dir = here if here != path.parent else None
    pipeline.path = path
