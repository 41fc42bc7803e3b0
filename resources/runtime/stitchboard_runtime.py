"""Stitchboard's task runtime: runs one node under the notebook/script contract.

This file is self-contained (it needs only papermill and nbformat) because it travels: the
local dry-run imports it, and the exporter ships it next to the DAG so that a Kubernetes pod
or an Airflow worker runs nodes exactly as the laptop did.

One node is described by a ``NodeSpec`` (the one shape sent to pods, workers and cluster
jobs) and its inputs are filled by ``resolve_inputs`` alone: a wire wins over a pipeline
parameter binding, which wins over a set value.

Contract (see ARCHITECTURE.md):
- notebook: inputs are injected by papermill after the cell tagged ``parameters``; a final cell
  written here collects the variables named as outputs into a JSON file;
- script job: inputs arrive as ``--name=value`` options (text as is, everything else as JSON);
  the script writes one JSON object to the file named by ``$STITCHBOARD_OUTPUTS``.

Command line (used in pods and on workers):
    python stitchboard_runtime.py SOURCE --params JSON --outputs a,b [--output-notebook OUT]
        [--kernel NAME] [--result FILE] [--xcom]
``--xcom`` writes the outputs to ``/airflow/xcom/return.json`` for KubernetesPodOperator.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

OUTPUTS_ENV = "STITCHBOARD_OUTPUTS"
COLLECT_TAG = "stitchboard-collect"
XCOM_PATH = "/airflow/xcom/return.json"
SKIP_TAG = "skip"  # Kale: cells not to run


class ScriptFailed(RuntimeError):
    """A script job exited non-zero; its own traceback is already in its log, so whoever
    reports this prints one line, never the runtime's traceback under the script's."""


class OutputError(Exception):
    """A node did not produce its declared outputs (missing, or not JSON-serialisable)."""


@dataclass(frozen=True)
class NodeSpec:
    """Everything a task needs to run one node; the one shape sent to pods, workers and jobs.

    ``values`` are the values set on the node, ``params`` its inputs bound to pipeline
    parameters (input -> parameter), ``wires`` its wired inputs (input -> (task id, output)).
    Which of them fills an input is decided by ``resolve_inputs`` alone.
    """

    task_id: str
    source: str  # file name of the notebook or script in the task's working folder
    content: str = ""  # key of the shipped file in the DAG module's CONTENT
    kernel: str = ""
    script: bool = False
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    wires: dict[str, tuple[str, str]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    connections: dict[str, tuple[str, str]] = field(default_factory=dict)  # env -> (id, part)
    flags: tuple[str, ...] = ()  # extra options for ``main`` (``--xcom``)
    path_outputs: tuple[str, ...] = ()  # outputs typed ``path``: a script names files for them
    files: tuple[str, ...] = ()  # files/folders shipped with the node (relative to its source)
    produces: tuple[str, ...] = ()  # files/folders it writes for the nodes downstream
    file_keys: dict[str, str] = field(default_factory=dict)  # shipped file -> content key
    file_sources: tuple[str, ...] = ()  # upstream tasks whose produced files it gets, in order
    pipeline_file: str = ""  # the pipeline's file name, for messages that say how to fix it

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists); ``from_json`` reads it back. The file
        hand-off fields appear only when set (specs without files keep their old shape)."""
        extra: dict[str, Any] = {
            "file_keys": dict(self.file_keys),
            "file_sources": list(self.file_sources),
            "pipeline_file": self.pipeline_file,
        }
        return {
            "task_id": self.task_id,
            "source": self.source,
            "content": self.content,
            "kernel": self.kernel,
            "script": self.script,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "values": dict(self.values),
            "params": dict(self.params),
            "wires": {k: list(v) for k, v in self.wires.items()},
            "env": dict(self.env),
            "connections": {k: list(v) for k, v in self.connections.items()},
            "flags": list(self.flags),
            "path_outputs": list(self.path_outputs),
            "files": list(self.files),
            "produces": list(self.produces),
            **{k: v for k, v in extra.items() if v},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NodeSpec:
        """The spec ``to_json`` wrote (missing optional fields take their defaults)."""
        pairs = {k: (str(v[0]), str(v[1])) for k, v in dict(data.get("wires", {})).items()}
        conns = {k: (str(v[0]), str(v[1])) for k, v in dict(data.get("connections", {})).items()}
        return cls(
            task_id=str(data["task_id"]),
            source=str(data["source"]),
            content=str(data.get("content", "")),
            kernel=str(data.get("kernel", "") or ""),
            script=bool(data.get("script", False)),
            inputs=tuple(data.get("inputs", ())),
            outputs=tuple(data.get("outputs", ())),
            values=dict(data.get("values", {})),
            params=dict(data.get("params", {})),
            wires=pairs,
            env=dict(data.get("env", {})),
            connections=conns,
            flags=tuple(data.get("flags", ())),
            path_outputs=tuple(data.get("path_outputs", ())),
            files=tuple(data.get("files", ())),
            produces=tuple(data.get("produces", ())),
            file_keys={str(k): str(v) for k, v in dict(data.get("file_keys", {})).items()},
            file_sources=tuple(data.get("file_sources", ())),
            pipeline_file=str(data.get("pipeline_file", "")),
        )


class Origin(Enum):
    """Where an input's value came from."""

    WIRE = "wire"
    PARAMETER = "parameter"
    VALUE = "value"


@dataclass(frozen=True)
class InputSource:
    """One input's origin: a wire (``ref`` = "task.output"), a parameter (its name), a value."""

    origin: Origin
    ref: str = ""

    def describe(self) -> str:
        """How a run report names it: ``prepare.train``, ``parameter n_rows``, ``set value``."""
        if self.origin is Origin.WIRE:
            return self.ref
        if self.origin is Origin.PARAMETER:
            return f"parameter {self.ref}"
        return "set value"


@dataclass(frozen=True)
class ResolvedInputs:
    """The values to inject into a node and where each came from (unlisted: notebook default)."""

    values: dict[str, Any]
    sources: dict[str, InputSource]

    def origins(self) -> dict[str, str]:
        return {name: source.describe() for name, source in self.sources.items()}


def resolve_inputs(
    spec: NodeSpec, params: Mapping[str, Any], upstream: Callable[[str, str], Any]
) -> ResolvedInputs:
    """Fill a node's inputs: a wire wins over a parameter binding, which wins over a set value.

    ``upstream(task_id, output)`` returns an upstream output and raises ``KeyError`` when that
    output does not exist; such an input, like one with no wire, binding or value, is left to
    the notebook's (or script's) own default. A binding to a parameter absent from ``params``
    falls through to the set value.
    """
    values: dict[str, Any] = {}
    sources: dict[str, InputSource] = {}
    names = dict.fromkeys([*spec.inputs, *spec.wires, *spec.params, *spec.values])
    for name in names:
        if name in spec.wires:
            task_id, output = spec.wires[name]
            try:
                values[name] = upstream(task_id, output)
            except KeyError:
                continue
            sources[name] = InputSource(Origin.WIRE, f"{task_id}.{output}")
        elif name in spec.params and spec.params[name] in params:
            values[name] = params[spec.params[name]]
            sources[name] = InputSource(Origin.PARAMETER, spec.params[name])
        elif name in spec.values:
            values[name] = spec.values[name]
            sources[name] = InputSource(Origin.VALUE)
    return ResolvedInputs(values, sources)


RUNTIME_DIR = Path(__file__).resolve().parent
LOAD_TAG = "stitchboard-load"
INJECTED_TAG = "injected-parameters"
FILES_KEY = "__files__"  # outputs entry of a node with produced files: {relative path: ref}
WORK_META = ".stitchboard"  # folder inside a working folder for downloads (never user data)


def artifacts_module() -> Any:
    """The artifact layer lying beside this file (``stitchboard_artifacts``), imported once."""
    import importlib

    if __package__:
        return importlib.import_module(f"{__package__}.stitchboard_artifacts")
    if str(RUNTIME_DIR) not in sys.path:
        sys.path.insert(0, str(RUNTIME_DIR))
    return importlib.import_module("stitchboard_artifacts")


def rlang_module() -> Any:
    """The R bridge lying beside this file (``stitchboard_rlang``), imported once."""
    import importlib

    if __package__:
        return importlib.import_module(f"{__package__}.stitchboard_rlang")
    if str(RUNTIME_DIR) not in sys.path:
        sys.path.insert(0, str(RUNTIME_DIR))
    return importlib.import_module("stitchboard_rlang")


def _is_r_script(path: str | Path) -> bool:
    return str(path).lower().endswith(".r")


def finish_outputs(outputs_path: str | Path, store: str, prefix: tuple[str, ...]) -> None:
    """After a notebook ran: store what an R notebook's collect cell wrote (else nothing)."""
    if not Path(f"{outputs_path}.r.json").exists():  # stitchboard_rlang.raw_outputs_path
        return
    rlang_module().finish_outputs(
        outputs_path, store or str(Path(outputs_path).parent / "artifacts"), prefix
    )


def _kernel_path_line() -> str:
    """Source that lets the kernel import the artifact layer; it leaves no name behind."""
    return (
        "(lambda _s, _d: _d in _s.path or _s.path.insert(0, _d))"
        f"(__import__('sys'), {str(RUNTIME_DIR)!r})\n"
    )


def split_inputs(parameters: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(injected, loaded): small JSON values are injected as source by papermill; artifact
    references and JSON values past the artifact layer's ``INLINE_LIMIT`` go to the manifest."""
    art = artifacts_module()
    inline: dict[str, Any] = {}
    loaded: dict[str, Any] = {}
    for name, value in parameters.items():
        if art.is_ref(value):
            loaded[name] = value
            continue
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            inline[name] = value  # not JSON: papermill writes its repr, as before
            continue
        (inline if len(text) <= art.INLINE_LIMIT else loaded)[name] = value
    return inline, loaded


def load_cell_source(manifest_path: str | Path) -> str:
    """The cell after the injected parameters that loads artifacts and big values."""
    art = artifacts_module()
    return (
        "# Added by Stitchboard: load this node's artifact inputs (not part of your notebook).\n"
        + _kernel_path_line()
        + art.load_inputs_cell(manifest_path)
    )


def collect_cell_source(
    output_names: list[str],
    outputs_path: str | Path,
    store: str = "",
    prefix: tuple[str, ...] = (),
) -> str:
    """The last cell: store the outputs (values or artifacts) and write the JSON result file."""
    art = artifacts_module()
    store = store or str(Path(outputs_path).parent / "artifacts")
    return (
        "# Added by Stitchboard: collect this notebook's outputs (not part of your notebook).\n"
        + _kernel_path_line()
        + art.collect_outputs_cell(output_names, store, prefix, outputs_path)
    )


def strip_outputs(nb: Any) -> Any:
    """Remove cell outputs and execution counts (for shipping and for clean prepared copies)."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def prepare_notebook(
    source: str | Path,
    parameters: dict[str, Any],
    output_names: list[str],
    outputs_path: str | Path,
    kernel_name: str | None = None,
    *,
    store: str = "",
    prefix: tuple[str, ...] = (),
    manifest_path: str | Path | None = None,
    producers: Mapping[str, str] | None = None,
    as_text: tuple[str, ...] = (),
) -> Any:
    """The notebook to execute: inputs given to it and the collect cell appended.

    Small JSON inputs are injected by papermill after the cell tagged ``parameters``; artifact
    references and big values are written to a small manifest (``manifest_path``, default
    ``<outputs>.inputs.json``) that one generated cell right after the injected one loads.
    Outputs are stored in ``store`` (default: ``artifacts`` beside ``outputs_path``) under
    ``prefix``. ``producers`` names the upstream node of each wired input (for messages),
    ``as_text`` the ``str`` inputs that get a path artifact as text.

    The source notebook is only read, never written. A ``.py`` source is a jupytext notebook
    (percent or light cells), converted in memory. Kale's conventions hold: cells tagged
    ``skip`` are dropped, a ``pipeline-parameters`` cell is the parameters cell when there is
    no ``parameters`` one.
    Notebooks without kernelspec metadata (jupytext, VS Code) run on ``kernel_name``, else
    the kernel their ``language_info`` names, else ``python3``.
    """
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    if str(source).endswith(".py"):
        nb = read_jupytext(Path(source))
    else:
        nb = load_notebook_node(str(source))  # papermill's loader adds the metadata it expects
    strip_outputs(nb)
    nb.cells = [c for c in nb.cells if SKIP_TAG not in (c.get("metadata", {}).get("tags") or [])]
    tags = [c.get("metadata", {}).get("tags") or [] for c in nb.cells]
    if not any("parameters" in t for t in tags):  # Kale's tag: inject after it, as papermill's
        kale = next(
            (c for c, t in zip(nb.cells, tags, strict=True) if "pipeline-parameters" in t), None
        )
        if kale is not None:
            kale.metadata["tags"] = [*kale.metadata.get("tags", []), "parameters"]
    kernel, language = _kernel_and_language(nb, kernel_name)
    nb.metadata["kernelspec"] = dict(
        nb.metadata.get("kernelspec") or {}, name=kernel, language=language
    )
    nb.metadata["kernelspec"].setdefault("display_name", kernel)
    inline, loaded = split_inputs(parameters)
    in_r = language.strip().lower() == "r"  # the R bridge is imported for R nodes only
    rlang = rlang_module() if in_r else None
    if rlang is not None:
        rlang.clear_outputs(outputs_path)
        inline, moved = rlang.papermill_safe(inline)
        loaded.update(moved)
    # papermill registers its R translator as "R" (and the kernel "ir"), not as "r"
    nb = parameterize_notebook(nb, inline, kernel_name=kernel, language="R" if in_r else language)
    if loaded:
        manifest = Path(manifest_path or _beside(outputs_path, ".inputs.json"))
        write = rlang.write_manifest if rlang else write_manifest
        write(manifest, loaded, producers or {}, as_text)
        load = rlang.load_cell_source if rlang else load_cell_source
        cell = nbformat.v4.new_code_cell(load(manifest))
        cell.metadata["tags"] = [LOAD_TAG]
        nb.cells.insert(_after_injected(nb), cell)
    if output_names:
        cell = nbformat.v4.new_code_cell(
            rlang.collect_cell_source(output_names, outputs_path)
            if rlang
            else collect_cell_source(output_names, outputs_path, store, tuple(prefix))
        )
        cell.metadata["tags"] = [COLLECT_TAG]
        nb.cells.append(cell)
    return nb


def _beside(path: str | Path, suffix: str) -> Path:
    path = Path(path)
    stem = path.name[: -len(".outputs.json")] if path.name.endswith(".outputs.json") else path.stem
    return path.with_name(stem + suffix)


def _after_injected(nb: Any) -> int:
    """Index right after the injected-parameters cell (else the parameters cell, else 0)."""
    for tag in (INJECTED_TAG, "parameters"):
        for i, cell in enumerate(nb.cells):
            if tag in (cell.get("metadata", {}).get("tags") or []):
                return i + 1
    return 0


def write_manifest(
    path: Path, inputs: Mapping[str, Any], producers: Mapping[str, str], as_text: tuple[str, ...]
) -> None:
    """The small JSON file ``stitchboard_artifacts.load_inputs`` reads in the kernel."""
    art = artifacts_module()
    manifest = {
        "inputs": {
            k: art.ref_from_json(v).to_json() if art.is_ref(v) else v for k, v in inputs.items()
        },
        "local_dir": str(path.parent / (path.name.split(".")[0] + "-downloads")),
        "producers": {k: v for k, v in producers.items() if k in inputs},
        "as_text": [n for n in as_text if n in inputs],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def read_jupytext(source: Path) -> Any:
    """A jupytext ``.py`` notebook (or the ipynb JSON an export shipped under that name)."""
    import nbformat

    text = source.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        nb = nbformat.reads(text, as_version=4)
    else:
        import jupytext

        nb = jupytext.reads(text, fmt="py")
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    return nb


def _kernel_and_language(nb: Any, kernel_name: str | None) -> tuple[str, str]:
    spec = nb.metadata.get("kernelspec") or {}
    info = nb.metadata.get("language_info") or {}
    language = str(spec.get("language") or info.get("name") or "")
    kernel = kernel_name or spec.get("name") or ""
    if not kernel:
        kernel = "python3" if language.lower() in ("", "python") else _kernel_for(language)
    if not language:
        language = _installed_kernels().get(kernel, "") or "python"
    return kernel, language.lower()


def _installed_kernels() -> dict[str, str]:
    """Installed kernel names and their languages, read from the kernelspec folders (fast:
    jupyter_client's KernelSpecManager takes ~2.5 s on its first call)."""
    from jupyter_core.paths import jupyter_path

    found: dict[str, str] = {}
    for folder in reversed(jupyter_path("kernels")):  # earlier folders win
        for spec in sorted(Path(folder).glob("*/kernel.json")):
            try:
                language = json.loads(spec.read_text(encoding="utf-8")).get("language", "")
            except (OSError, ValueError, AttributeError):
                continue
            found[spec.parent.name.lower()] = str(language)
    return found


def _kernel_for(language: str) -> str:
    """The installed kernel for a language (``ir`` for R), else ``python3``."""
    kernels = _installed_kernels()
    return next(
        (name for name, lang in sorted(kernels.items()) if lang.lower() == language.lower()),
        "python3",
    )


def read_outputs(outputs_path: str | Path, output_names: list[str]) -> dict[str, Any]:
    """The outputs a node wrote; raises ``OutputError`` naming what is missing or broken."""
    path = Path(outputs_path)
    if not output_names:
        return {}
    if not path.exists():
        raise OutputError(f"no outputs were written (expected {', '.join(output_names)})")
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise OutputError(f"outputs file is not valid JSON: {exc}") from exc
    if not isinstance(values, dict):
        raise OutputError("outputs file must hold one JSON object")
    missing = [n for n in output_names if n not in values]
    if missing:
        raise OutputError(f"outputs never written: {', '.join(missing)}")
    return {n: values[n] for n in output_names}


def execute_notebook(
    nb: Any,
    output_path: str | Path,
    cwd: str | Path,
    kernel_name: str | None = None,
    timeout: float | None = None,
    **engine_kwargs: Any,
) -> Any:
    """Execute a prepared notebook with papermill, writing the executed copy to ``output_path``."""
    import papermill

    return papermill.execute_notebook(
        nb,
        str(output_path),
        kernel_name=kernel_name or None,
        cwd=str(cwd) if cwd is not None else None,
        execution_timeout=timeout,
        progress_bar=False,
        log_output=False,
        **engine_kwargs,
    )


def run_notebook(
    source: str | Path,
    parameters: dict[str, Any],
    output_names: list[str],
    output_notebook: str | Path,
    kernel_name: str | None = None,
    timeout: float | None = None,
    cwd: str | Path | None = None,
    *,
    store: str = "",
    prefix: tuple[str, ...] = (),
    producers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Prepare, execute and collect one notebook node; returns its outputs (values or refs)."""
    source = Path(source)
    folder = Path(cwd or source.parent)
    with tempfile.TemporaryDirectory(prefix="stitchboard-") as tmp:
        outputs_path = Path(tmp) / "outputs.json"
        nb = prepare_notebook(
            source,
            parameters,
            output_names,
            outputs_path,
            kernel_name,
            store=store or str(folder / "artifacts"),
            prefix=prefix,
            producers=producers,
        )
        execute_notebook(nb, output_notebook, folder, kernel_name, timeout)
        finish_outputs(outputs_path, store or str(folder / "artifacts"), tuple(prefix))
        return read_outputs(outputs_path, output_names)


def script_arguments(parameters: dict[str, Any]) -> list[str]:
    """``--name=value`` options: text as is, every other value as JSON."""
    return [
        f"--{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in parameters.items()
    ]


def script_inputs(
    parameters: Mapping[str, Any], cwd: str | Path, producers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A script's inputs: every artifact reference becomes a local path (``--name=/path``).

    In a local store the path is the artifact itself (read in place, do not modify it); from a
    remote store it is downloaded under ``<cwd>/.stitchboard/inputs/<name>/``.
    """
    art = artifacts_module()
    given: dict[str, Any] = {}
    for name, value in parameters.items():
        if art.is_ref(value):
            local = Path(cwd) / WORK_META / "inputs" / name
            try:
                value = str(
                    art.local_copy(value, local_dir=local, producer=(producers or {}).get(name))
                )
            except art.ArtifactError as exc:
                raise type(exc)(f"input {name!r}: {exc}") from None
        given[name] = value
    return given


# A Python exception line a script printed ("ValueError: ..."); the dry-run reads the same.
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)): ?(.*)$")
# R's error line ("Error in f(x) : message", "Error: message"); "Execution halted" follows it.
R_ERROR_LINE = re.compile(r"^Error(?: in .+?)?\s*:\s*(\S.*)$")


class FailureLine:
    """Watches a script's output for the line that says why it failed: its last Python
    exception line (with the Java cause Py4J prints on the line after it, for Spark), else R's
    last error line, else its last line. It sees every line, not only the last few (Spark
    prints hundreds of shutdown lines after the error)."""

    def __init__(self) -> None:
        self.python = self.r = self.last = ""
        self._cause_next = False

    def see(self, line: str) -> None:
        text = line.rstrip("\n")
        if not text.strip():
            return
        if self._cause_next and text.startswith(": "):
            self.python += " " + text[2:].strip()
        self._cause_next = False
        if EXCEPTION_LINE.match(text):
            self.python = text
            self._cause_next = "An error occurred while calling" in text
        elif R_ERROR_LINE.match(text):
            self.r = text
        self.last = text

    @property
    def line(self) -> str:
        return self.python or self.r or self.last


def _run_streaming(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout: float | None,
    log_path: str | Path | None,
) -> tuple[int, str]:
    """Run a script, its output going on to ``log_path`` (or this process's stdout, the pod's
    log) as it comes; returns the exit code and the line that says why it failed: the last
    exception line it printed (Python's ``Error: ...``), else its last line."""
    import threading

    why = FailureLine()
    sink = open(log_path, "w", encoding="utf-8") if log_path else sys.stdout  # noqa: SIM115
    proc = subprocess.Popen(
        command,
        cwd=str(cwd),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            why.see(line)
            sink.write(line)
            sink.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join(timeout=10)  # a child it left running may hold the pipe: do not wait on it
        if sink is not sys.stdout:
            sink.close()
    return code, why.line


def run_script(
    source: str | Path,
    parameters: dict[str, Any],
    output_names: list[str],
    log_path: str | Path | None = None,
    timeout: float | None = None,
    cwd: str | Path | None = None,
    python: str | None = None,
    *,
    store: str = "",
    prefix: tuple[str, ...] = (),
    path_outputs: tuple[str, ...] = (),
    producers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run a script job under the contract; returns its outputs (values or refs).

    Artifact inputs arrive as ``--name=/local/path``. The outputs JSON may name, for outputs in
    ``path_outputs``, files or folders relative to the working folder: they are stored as path
    artifacts; other values are stored as the artifact layer decides (big JSON, say).
    """
    source = Path(source)
    folder = Path(cwd or source.parent)
    if _is_r_script(source):  # an R script: Rscript, data frames as CSV files
        rlang = rlang_module()
        given = rlang.script_inputs(parameters, folder / WORK_META / "inputs", producers or {})
        program = rlang.rscript()
    else:
        given = script_inputs(parameters, folder, producers)
        program = python or sys.executable
    with tempfile.TemporaryDirectory(prefix="stitchboard-") as tmp:
        outputs_path = Path(tmp) / "outputs.json"
        env = dict(os.environ, **{OUTPUTS_ENV: str(outputs_path)})
        command = [program, str(source.resolve()), *script_arguments(given)]
        code, last = _run_streaming(command, folder, env, timeout, log_path)
        if code != 0:
            said = f": {last}" if last else ""
            raise ScriptFailed(f"{source.name} exited with code {code}{said}")
        raw = read_outputs(outputs_path, output_names)
    return store_values(raw, folder, store, prefix, path_outputs)


def store_values(
    values: Mapping[str, Any],
    cwd: str | Path,
    store: str = "",
    prefix: tuple[str, ...] = (),
    path_outputs: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Outputs as they travel: small JSON values as is, everything else stored (JSON refs)."""
    art = artifacts_module()
    where = art.Where(store or str(Path(cwd) / "artifacts"), tuple(prefix))
    stored: dict[str, Any] = {}
    for name, value in values.items():
        if name in path_outputs and isinstance(value, str):
            value = Path(cwd) / value
        result = art.store_output(value, name, where)
        stored[name] = result.to_json() if isinstance(result, art.ArtifactRef) else result
    return stored


def store_produced(
    cwd: str | Path, produces: tuple[str, ...], store: str, prefix: tuple[str, ...]
) -> dict[str, Any]:
    """Store the files/folders a node declared as produced: ``{relative path: ref JSON}``."""
    art = artifacts_module()
    where = art.Where(store, tuple(prefix))
    found: dict[str, Any] = {}
    for rel in produces:
        path = Path(cwd) / rel
        if not path.exists():
            raise OutputError(
                f"declared produced file {rel!r} was not written (looked in the node's "
                "working folder; paths are relative to the notebook)"
            )
        found[rel] = art.store_output(path, "file-" + rel, where).to_json()
    return found


def produced_files(
    spec: NodeSpec, files_of: Callable[[str], Mapping[str, Any] | None]
) -> dict[str, Any]:
    """The files a node gets from upstream: ``{relative path: ref}``, the one resolution.

    ``spec.file_sources`` names every upstream task (direct or not, wired or ordering-only)
    that declares produced files, in run order; ``files_of(task)`` returns what that task
    produced (its outputs' ``FILES_KEY`` entry). A later producer of the same path wins.
    """
    files: dict[str, Any] = {}
    for task in spec.file_sources:
        files.update(dict(files_of(task) or {}))
    return files


class MissingFileError(OutputError):
    """A node read a relative file that nothing declared (one line saying how to declare it)."""


_NOT_FOUND = re.compile(r"(?:No such file or directory|does not exist)[^'\"]*['\"]([^'\"]+)['\"]")


def missing_file_hint(spec: NodeSpec, message: str) -> str:
    """The line telling the user a relative file was not in the node's working folder and how
    to declare it ('' if ``message`` is not about a missing, undeclared relative file)."""
    found = _NOT_FOUND.search(message)
    path = found.group(1) if found else ""
    if not path or path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return ""
    rel = path.replace("\\", "/").removeprefix("./")
    if any(rel == d or rel.startswith(d.rstrip("/") + "/") for d in (*spec.files, *spec.produces)):
        return ""
    pipeline = spec.pipeline_file or "PIPELINE"
    return (
        f"node {spec.task_id}: file {rel!r} is not in its working folder (each node runs in its "
        f"own folder, as on the cluster): if it sits beside the notebook, declare it with "
        f"`stitchboard node files {pipeline} {spec.task_id} --ship {rel}`; if an upstream "
        f"node writes it, declare it there with `--produces {rel}`"
    )


def restore_files(
    cwd: str | Path, files: Mapping[str, Any], producers: Mapping[str, str] | None = None
) -> None:
    """Put upstream nodes' produced files at the same relative place in ``cwd`` (copies)."""
    import shutil

    art = artifacts_module()
    for i, (rel, ref) in enumerate(sorted(files.items())):
        target = Path(cwd) / rel
        local = Path(cwd) / WORK_META / "files" / str(i)
        got = Path(art.local_copy(ref, local_dir=local, producer=(producers or {}).get(rel)))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        if local in got.parents:
            shutil.move(str(got), str(target))
        elif got.is_dir():
            shutil.copytree(got, target)
        else:
            shutil.copy2(got, target)


def run_spec(
    spec: NodeSpec,
    source: str | Path,
    inputs: dict[str, Any],
    cwd: str | Path,
    *,
    store: str = "",
    prefix: tuple[str, ...] = (),
    files: Mapping[str, Any] | None = None,
    output_notebook: str | Path | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run the node ``spec`` describes from its file ``source`` in ``cwd``; returns its outputs.

    ``store`` is the artifact store URL (default ``<cwd>/artifacts``), ``prefix`` the folder
    parts of this task in it (default ``(spec.task_id,)``; the cluster passes
    ``(dag_id, run_id, task_id)``). ``files`` are upstream produced files (``produced_files``)
    restored into ``cwd`` first. With ``spec.produces`` the result has a ``FILES_KEY`` entry.
    """
    cwd = Path(cwd)
    store = store or str(cwd / "artifacts")
    prefix = tuple(prefix) or (spec.task_id,)
    producers = {name: task for name, (task, _) in spec.wires.items()}
    if files:
        restore_files(cwd, files)
    try:
        if spec.script:
            outputs = run_script(
                source,
                inputs,
                list(spec.outputs),
                cwd=cwd,
                timeout=timeout,
                store=store,
                prefix=prefix,
                path_outputs=spec.path_outputs,
                producers=producers,
            )
        else:
            executed = Path(output_notebook or cwd / "executed.ipynb")
            kernel = spec.kernel or None
            outputs = run_notebook(
                source,
                inputs,
                list(spec.outputs),
                executed,
                kernel,
                timeout,
                cwd=cwd,
                store=store,
                prefix=prefix,
                producers=producers,
            )
    except Exception as exc:  # papermill's or the script's failure: is it an undeclared file?
        hint = missing_file_hint(spec, str(getattr(exc, "evalue", "") or exc))
        if hint:
            raise MissingFileError(hint) from None
        raise
    if spec.produces:
        outputs[FILES_KEY] = store_produced(cwd, spec.produces, store, prefix)
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run one Stitchboard node.")
    parser.add_argument("source")
    parser.add_argument("--params", default="{}", help="JSON object of input values")
    parser.add_argument("--outputs", default="", help="comma-separated output names")
    parser.add_argument(
        "--output-notebook", default="", help="where to write the executed notebook"
    )
    parser.add_argument("--kernel", default="")
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--result", default="", help="also write the outputs to this JSON file")
    parser.add_argument("--xcom", action="store_true", help=f"write the outputs to {XCOM_PATH}")
    parser.add_argument("--store", default="", help="artifact store URL (default ./artifacts)")
    parser.add_argument("--prefix", default="", help="this task's folder in the store, a/b/c")
    parser.add_argument("--path-outputs", default="", help="comma-separated path-typed outputs")
    parser.add_argument("--produces", default="", help="comma-separated produced files")
    parser.add_argument("--files", default="{}", help="JSON {relative path: ref} to restore")
    parser.add_argument("--producers", default="{}", help="JSON {input: upstream node}")
    args = parser.parse_args(argv)
    params = json.loads(args.params)
    names = [n for n in args.outputs.split(",") if n]
    source = Path(args.source)
    spec = NodeSpec(
        task_id=source.stem,
        source=source.name,
        kernel=args.kernel,
        script=args.source.endswith(".py") or _is_r_script(args.source),
        outputs=tuple(names),
        path_outputs=tuple(n for n in args.path_outputs.split(",") if n),
        produces=tuple(n for n in args.produces.split(",") if n),
        wires={k: (str(v), "") for k, v in json.loads(args.producers).items()},
    )
    out_nb = args.output_notebook or str(
        Path(tempfile.gettempdir()) / ("executed-" + Path(args.source).name)
    )
    try:
        outputs = run_spec(
            spec,
            source,
            params,
            source.resolve().parent,
            store=args.store,
            prefix=tuple(p for p in args.prefix.split("/") if p),
            files=json.loads(args.files),
            output_notebook=out_nb,
            timeout=args.timeout,
        )
    except (OutputError, artifacts_module().ArtifactError, RuntimeError) as exc:
        one_line = isinstance(exc, ScriptFailed) or type(exc).__name__ == "RNotFoundError"
        if isinstance(exc, RuntimeError) and not one_line:
            raise
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(outputs)
    for target in ([args.result] if args.result else []) + ([XCOM_PATH] if args.xcom else []):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
