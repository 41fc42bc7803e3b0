"""Elyra ``.pipeline`` files (pipeline-flow v3 documents) imported as Stitchboard pipelines.

``import_elyra(path) -> (Pipeline, report)``: one node per generic notebook or Python script
node, Elyra's links as ordering edges (fan-out and fan-in kept), labels as node names, the
runtime image, environment variables, Kubernetes secrets and resources mapped to the node,
``pipeline_defaults`` merged in, comments as descriptions, and the declared ``dependencies`` /
``outputs`` as the node's shipped / produced files (``elyra_files``: patterns expanded or
stood for by their folder). ``report`` lists, one short item each, what could not be mapped
(volumes, custom components...) and each decision about declared files.

The format follows Elyra's own reader, ``elyra/pipeline/pipeline_definition.py`` (labels from
``app_data.ui_data.label`` then ``app_data.label``, links in ``nodes[].inputs[0].links``,
``pipeline_defaults`` propagated to nodes that do not set a value) and the list items of
``elyra/pipeline/component_parameter.py`` (``EnvironmentVariable``: ``{env_var, value}``,
``KubernetesSecret``: ``{env_var, name, key}``). Files written before app_data version 8 keep
those lists as ``"KEY=VALUE"`` / ``"ENV=secret:key"`` strings; files older than
``component_parameters`` keep the node properties in ``app_data`` itself. Both are read.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph_editor.build import node_from_source, relative_source, task_name
from graph_editor.errors import NotebookError, PipelineFileError, StitchboardError
from graph_editor.importers import elyra_files
from graph_editor.nodes import (
    Edge,
    Node,
    PipelineSettings,
    Resources,
    SecretRef,
    SecretSource,
    new_node_id,
)
from graph_editor.pipeline import Pipeline
from graph_editor.sources import read_source_text

R_OP = "execute-r-node"  # an R script, run with Rscript like any script job
SUPPORTED_OPS = {"execute-notebook-node", "execute-python-node", R_OP}
NEWEST_VERSION = 8  # the newest app_data version this importer was written against
# Elyra node properties with no home in the model yet, with the words the report uses.
UNMAPPED = {
    "mounted_volumes": "mounted volumes",
    "kubernetes_pod_annotations": "pod annotations",
    "kubernetes_pod_labels": "pod labels",
    "kubernetes_tolerations": "tolerations",
    "kubernetes_shared_mem_size": "shared memory size",
    "gpu_vendor": "GPU vendor",
    "disable_node_caching": "node caching switch",
}


def _load(path: Path) -> dict[str, Any]:
    try:  # a regular file only: a FIFO named as the pipeline made the import hang
        doc = json.loads(read_source_text(path))
    except FileNotFoundError as exc:
        raise PipelineFileError(path, "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineFileError(path, f"cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise PipelineFileError(path, f"not valid JSON at line {exc.lineno}") from exc
    if not isinstance(doc, dict) or doc.get("doc_type") != "pipeline":
        raise PipelineFileError(path, 'not an Elyra pipeline (no "doc_type": "pipeline")')
    pipelines = doc.get("pipelines")
    if not isinstance(pipelines, list) or not pipelines:
        raise PipelineFileError(path, "Elyra pipeline has no 'pipelines' list")
    wanted = doc.get("primary_pipeline")
    ids = [p.get("id") for p in pipelines if isinstance(p, dict)]
    if wanted and wanted not in ids:  # falling back to another pipeline blamed its fields
        raise PipelineFileError(
            path,
            f"'primary_pipeline' is {wanted!r} but 'pipelines' has no pipeline with that id "
            f"(ids: {', '.join(repr(i) for i in ids) or 'none'})",
        )
    index = ids.index(wanted) if wanted else 0
    primary = pipelines[index]
    if not isinstance(primary, dict):
        raise PipelineFileError(path, f"'pipelines[{index}]' is not an object")
    if not isinstance(primary.get("nodes"), list):
        raise PipelineFileError(
            path, f"'pipelines[{index}].nodes' ({primary.get('id')!r}) is not a list of nodes"
        )
    return primary


def _label(node: dict[str, Any], params: dict[str, Any]) -> str:
    app = node.get("app_data") or {}
    label = (app.get("ui_data") or {}).get("label") or app.get("label") or ""
    if not label:
        label = Path(str(params.get("filename") or "node")).stem
    for suffix in (".ipynb", ".py", ".r", ".R"):
        label = label.removesuffix(suffix)
    return task_name(re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").lower()) or "node"


def _params(node: dict[str, Any]) -> dict[str, Any]:
    app = node.get("app_data") or {}
    params = app.get("component_parameters")
    return params if isinstance(params, dict) else app  # before component_parameters existed


def _env(items: Any) -> dict[str, str]:
    """``["KEY=VALUE"]`` (app_data < 8) or ``[{"env_var": K, "value": V}]`` (8)."""
    env: dict[str, str] = {}
    for item in items or ():
        if isinstance(item, dict):
            key, value = str(item.get("env_var") or ""), item.get("value")
        else:
            key, _, value = str(item).partition("=")
        if key.strip():
            env[key.strip()] = "" if value is None else str(value)
    return env


def _secrets(items: Any) -> list[SecretRef]:
    """``["ENV=secret:key"]`` (app_data < 8) or ``[{"env_var", "name", "key"}]`` (8)."""
    refs: list[SecretRef] = []
    for item in items or ():
        if isinstance(item, dict):
            env, name, key = (str(item.get(k) or "") for k in ("env_var", "name", "key"))
        else:
            env, _, rest = str(item).partition("=")
            name, _, key = rest.partition(":")
        if env.strip():
            refs.append(SecretRef(env.strip(), SecretSource.KUBERNETES, name.strip(), key.strip()))
    return refs


def _quantity(value: Any, unit: str = "") -> str:
    if value in (None, "", "None"):
        return ""
    text = str(value).strip()
    return f"{text}{unit}" if unit and re.fullmatch(r"\d+(\.\d+)?", text) else text


def _resources(params: dict[str, Any]) -> Resources:
    # Elyra asks for RAM in GB (whole or decimal numbers) and CPUs as a count.
    gpu = str(params.get("gpu") or "").strip()
    return Resources(
        cpu=_quantity(params.get("cpu")),
        memory=_quantity(params.get("memory"), "G"),
        gpu=int(gpu) if gpu.isdigit() else 0,
        cpu_limit=_quantity(params.get("cpu_limit")),
        memory_limit=_quantity(params.get("memory_limit"), "G"),
    )


def _present(value: Any) -> bool:
    return value not in (None, "", [], {}, False, "None")


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(
            str(v.get("path") or v.get("key") or v) if isinstance(v, dict) else str(v)
            for v in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


class _Importer:
    """One import: the Elyra document in, the pipeline and the report items out."""

    def __init__(self, source: Path, target: Path) -> None:
        self.source = source
        self.primary = _load(source)
        app = self.primary.get("app_data") or {}
        self.version = app.get("version")
        self.properties: dict[str, Any] = app.get("properties") or {}
        self.defaults: dict[str, Any] = self.properties.get("pipeline_defaults") or {}
        self.comments: list[dict[str, Any]] = (app.get("ui_data") or {}).get("comments") or []
        name = str(self.properties.get("name") or app.get("name") or source.stem)
        dag_id = task_name(re.sub(r"[^A-Za-z0-9_.-]+", "_", name)) or "pipeline"
        settings = PipelineSettings(
            name=name,
            dag_id=dag_id,
            description=str(self.properties.get("description") or ""),
            default_image=str(
                self.defaults.get("runtime_image")
                or self.properties.get("runtime_image")
                or PipelineSettings().default_image
            ),
        )
        self.pipeline = Pipeline(settings, path=target)
        self.report: list[str] = []
        self.ids: dict[str, str] = {}  # Elyra node id -> our node id
        self.skipped: dict[str, list[str]] = {}  # skipped Elyra node id -> its upstream ids

    # -- the whole import -------------------------------------------------------------------
    def run(self) -> tuple[Pipeline, list[str]]:
        if isinstance(self.version, int) and self.version > NEWEST_VERSION:
            self.report.append(
                f"Elyra format version {self.version} is newer than {NEWEST_VERSION}: "
                "read as version 8"
            )
        self._pipeline_defaults_report()
        nodes = [n for n in self.primary["nodes"] if isinstance(n, dict)]
        for node in nodes:
            self._node(node)
        for node in nodes:
            self._links(node)
        for producer, reader, rel in elyra_files.relay_links(self.pipeline):
            self.report.append(
                f"node {reader!r} reads {rel}, output of {producer!r} further up: linked "
                f"{producer} -> {reader} (Elyra hands declared outputs to every later node)"
            )
        self._comments()
        if not len(self.pipeline):  # nothing to open: say why, and let nobody write a file
            why = "; ".join(self.report) or "the primary pipeline's 'nodes' list is empty"
            raise PipelineFileError(self.source, f"no node could be imported: {why}")
        return self.pipeline, self.report

    def _pipeline_defaults_report(self) -> None:
        for key, words in UNMAPPED.items():
            if _present(self.defaults.get(key)):
                self.report.append(f"pipeline defaults: not mapped yet: {words}")
        if _present(self.properties.get("pipeline_parameters")):
            names = _describe([p.get("name", "?") for p in self.properties["pipeline_parameters"]])
            self.report.append(f"pipeline parameters (Kubeflow only in Elyra) not mapped: {names}")

    # -- nodes ------------------------------------------------------------------------------
    def _node(self, data: dict[str, Any]) -> None:
        elyra_id = str(data.get("id") or "")
        params = _params(data)
        label = _label(data, params)
        op = str(data.get("op") or data.get("type") or "?")
        if data.get("type") != "execution_node" or op not in SUPPORTED_OPS:
            self.report.append(f"node {label!r} not imported: {op!r} has no equivalent")
            self.skipped[elyra_id] = self._upstream_ids(data)
            return
        node = self._build(data, params, label)
        self.pipeline.add_node(node)
        self.ids[elyra_id] = node.id
        for key, words in UNMAPPED.items():
            if _present(params.get(key)):
                self.report.append(f"node {node.name!r}: not mapped yet: {words}")
        self._declared_files(node, params)

    def _build(self, data: dict[str, Any], params: dict[str, Any], label: str) -> Node:
        filename = str(params.get("filename") or "")
        path = (self.source.parent / filename).resolve()
        ui = (data.get("app_data") or {}).get("ui_data") or {}
        position = (float(ui.get("x_pos") or 0.0), float(ui.get("y_pos") or 0.0))
        name = self.pipeline.unique_name(label)
        try:
            node = node_from_source(self.pipeline, path, position=position, name=name)
            if path.suffix == ".ipynb" and not node.inputs:
                self.report.append(
                    f"node {node.name!r}: {filename} has no 'parameters' cell, so no input "
                    "ports (Elyra passes inputs as environment variables; it still runs)"
                )
        except NotebookError as exc:
            self.report.append(f"node {name!r}: {exc.problem} ({filename or 'no filename'})")
            node = Node(
                id=new_node_id(),
                name=name,
                source=relative_source(path, self.pipeline.base_dir) if filename else "",
                position=position,
            )
        env = _env(self.defaults.get("env_vars")) | _env(params.get("env_vars"))
        secrets = {s.env: s for s in _secrets(self.defaults.get("kubernetes_secrets"))}
        secrets |= {s.env: s for s in _secrets(params.get("kubernetes_secrets"))}
        image = str(params.get("runtime_image") or "")
        if image == self.pipeline.settings.default_image:
            image = ""
        return dataclasses.replace(
            node,
            image=image,
            env=env,
            secrets=tuple(secrets.values()),
            resources=_resources(params),
        )

    def _declared_files(self, node: Node, params: dict[str, Any]) -> None:
        """Elyra's ``dependencies`` and ``outputs`` as the node's shipped and produced files."""
        folder = self.pipeline.source_path(node).parent
        own = Path(node.source).name
        recursive = bool(params.get("include_subdirectories"))
        ships = elyra_files.shipped(folder, own, params.get("dependencies") or (), recursive)
        makes = elyra_files.produced(params.get("outputs") or ())
        if ships.paths or makes.paths:
            self.pipeline.update_node(node.id, files=ships.paths, produces=makes.paths)
        self.report += [f"node {node.name!r}: {note}" for note in (*ships.notes, *makes.notes)]

    # -- links ------------------------------------------------------------------------------
    def _upstream_ids(self, data: dict[str, Any]) -> list[str]:
        ids: list[str] = []
        for port in data.get("inputs") or ():
            for link in (port or {}).get("links") or ():
                ref = str((link or {}).get("node_id_ref") or "")
                if ref and ref not in ids:
                    ids.append(ref)
        return ids

    def _resolve(self, elyra_id: str, seen: frozenset[str] = frozenset()) -> Iterable[str]:
        """Our node ids standing for an Elyra node (a skipped node stands for its upstream)."""
        if elyra_id in self.ids:
            yield self.ids[elyra_id]
        elif elyra_id in self.skipped and elyra_id not in seen:
            for up in self.skipped[elyra_id]:
                yield from self._resolve(up, seen | {elyra_id})

    def _links(self, data: dict[str, Any]) -> None:
        target = self.ids.get(str(data.get("id") or ""))
        if target is None:
            return
        for ref in self._upstream_ids(data):
            sources = list(self._resolve(ref))
            if not sources and ref not in self.skipped:
                self.report.append(
                    f"node {self.pipeline.node(target).name!r}: link from unknown node {ref!r}"
                )
            for source in sources:
                edge = Edge(source, target)
                if source != target and not self.pipeline.has_edge(edge):
                    self.pipeline.add_edge(edge, check=False)

    # -- comments ---------------------------------------------------------------------------
    def _comments(self) -> None:
        loose: list[str] = []
        for comment in self.comments:
            text = str((comment or {}).get("content") or "").strip()
            if not text:
                continue
            self._canvas_comment(comment, text)
            refs = [
                self.ids[r["node_ref"]]
                for r in comment.get("associated_id_refs") or ()
                if isinstance(r, dict) and r.get("node_ref") in self.ids
            ]
            for node_id in refs:
                old = self.pipeline.node(node_id).description
                self.pipeline.update_node(
                    node_id, description=f"{old}\n\n{text}".strip() if old else text
                )
            if not refs:
                loose.append(text)
        if loose:
            description = "\n\n".join([self.pipeline.settings.description, *loose]).strip()
            self.pipeline.update_settings(description=description)

    def _canvas_comment(self, comment: dict[str, Any], text: str) -> None:
        """The comment also stays on the canvas where Elyra drew it (a canvas note)."""
        from graph_editor.comments import Comment, new_comment_id

        def number(key: str, default: float) -> float:
            try:
                return float(comment.get(key) or default)
            except (TypeError, ValueError):
                return default

        self.pipeline.comments.add(
            Comment(
                id=new_comment_id(),
                text=text[:20_000],
                position=(number("x_pos", 0.0), number("y_pos", -160.0)),
                size=(number("width", 240.0), number("height", 120.0)),
            )
        )


def import_elyra(path: str | Path, target: str | Path | None = None) -> tuple[Pipeline, list[str]]:
    """Read an Elyra ``.pipeline`` file into a pipeline that will live at ``target``.

    ``target`` (default: the same name with ``.stitch``) decides what node sources are
    relative to. Returns the pipeline (not saved) and the report items (empty: all mapped).
    Raises ``PipelineFileError`` naming the field when the file is not an Elyra pipeline, and
    when no node of it can be imported (so no empty ``.stitch`` is written).
    """
    source = Path(path).resolve()
    stitch = Path(target).resolve() if target is not None else source.with_suffix(".stitch")
    try:
        return _Importer(source, stitch).run()
    except StitchboardError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError, RecursionError) as exc:
        # a value of an unexpected type or shape somewhere in the document: one line
        text = " ".join(str(exc).split())[:120]
        raise PipelineFileError(
            source, f"not a usable Elyra pipeline ({type(exc).__name__}: {text})"
        ) from exc
