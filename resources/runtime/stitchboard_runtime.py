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

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists); ``from_json`` reads it back."""
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


def collect_cell_source(output_names: list[str], outputs_path: str) -> str:
    """Python source of the last cell: gather the outputs, check JSON, write them to a file."""
    return (
        "# Added by Stitchboard: collect this notebook's outputs (not part of your notebook).\n"
        "import json as _sb_json\n"
        f"_sb_names = {list(output_names)!r}\n"
        "_sb_missing = [_n for _n in _sb_names if _n not in globals()]\n"
        "if _sb_missing:\n"
        "    raise NameError('outputs never assigned: ' + ', '.join(_sb_missing))\n"
        "_sb_values = {}\n"
        "for _n in _sb_names:\n"
        "    _v = globals()[_n]\n"
        "    if type(_v).__module__ == 'numpy' and hasattr(_v, 'item') and getattr(_v, 'ndim', 1) == 0:\n"
        "        _v = _v.item()\n"
        "    try:\n"
        "        _sb_json.dumps(_v, allow_nan=False)\n"
        "    except (TypeError, ValueError) as _e:\n"
        "        raise TypeError(f'output {_n!r} is not JSON-serialisable ({type(_v).__name__}): {_e}') from None\n"
        "    _sb_values[_n] = _v\n"
        f"with open({outputs_path!r}, 'w', encoding='utf-8') as _f:\n"
        "    _sb_json.dump(_sb_values, _f)\n"
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
) -> Any:
    """The notebook to execute: parameters injected (papermill) and the collect cell appended.

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
    nb = parameterize_notebook(nb, dict(parameters), kernel_name=kernel, language=language)
    if output_names:
        cell = nbformat.v4.new_code_cell(collect_cell_source(output_names, str(outputs_path)))
        cell.metadata["tags"] = [COLLECT_TAG]
        nb.cells.append(cell)
    return nb


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
) -> dict[str, Any]:
    """Prepare, execute and collect one notebook node; returns its outputs."""
    source = Path(source)
    with tempfile.TemporaryDirectory(prefix="stitchboard-") as tmp:
        outputs_path = Path(tmp) / "outputs.json"
        nb = prepare_notebook(source, parameters, output_names, outputs_path, kernel_name)
        execute_notebook(nb, output_notebook, cwd or source.parent, kernel_name, timeout)
        return read_outputs(outputs_path, output_names)


def script_arguments(parameters: dict[str, Any]) -> list[str]:
    """``--name=value`` options: text as is, every other value as JSON."""
    return [
        f"--{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in parameters.items()
    ]


def run_script(
    source: str | Path,
    parameters: dict[str, Any],
    output_names: list[str],
    log_path: str | Path | None = None,
    timeout: float | None = None,
    cwd: str | Path | None = None,
    python: str | None = None,
) -> dict[str, Any]:
    """Run a script job under the contract; returns its outputs."""
    source = Path(source)
    with tempfile.TemporaryDirectory(prefix="stitchboard-") as tmp:
        outputs_path = Path(tmp) / "outputs.json"
        env = dict(os.environ, **{OUTPUTS_ENV: str(outputs_path)})
        command = [python or sys.executable, str(source.resolve()), *script_arguments(parameters)]
        log = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115
        try:
            done = subprocess.run(
                command,
                cwd=str(cwd or source.parent),
                env=env,
                timeout=timeout,
                stdout=log or None,
                stderr=subprocess.STDOUT if log else None,
                check=False,
            )
        finally:
            if log:
                log.close()
        if done.returncode != 0:
            raise RuntimeError(f"{source.name} exited with code {done.returncode}")
        return read_outputs(outputs_path, output_names)


def run_spec(
    spec: NodeSpec, source: str | Path, inputs: dict[str, Any], cwd: str | Path
) -> dict[str, Any]:
    """Run the node ``spec`` describes from its file ``source`` in ``cwd``; returns its outputs."""
    if spec.script:
        return run_script(source, inputs, list(spec.outputs), cwd=cwd)
    executed = Path(cwd) / "executed.ipynb"
    kernel = spec.kernel or None
    return run_notebook(source, inputs, list(spec.outputs), executed, kernel, cwd=cwd)


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
    args = parser.parse_args(argv)
    params = json.loads(args.params)
    names = [n for n in args.outputs.split(",") if n]
    if args.source.endswith(".py"):
        outputs = run_script(args.source, params, names, timeout=args.timeout)
    else:
        out_nb = args.output_notebook or str(
            Path(tempfile.gettempdir()) / ("executed-" + Path(args.source).name)
        )
        outputs = run_notebook(
            args.source, params, names, out_nb, args.kernel or None, args.timeout
        )
    text = json.dumps(outputs)
    for target in ([args.result] if args.result else []) + ([XCOM_PATH] if args.xcom else []):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
