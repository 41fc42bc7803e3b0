"""Checks of a node against its notebook and this machine: kernel installed, GPU libraries
imported on a plain node, wired ports whose type the notebook changed.

Validation turns each finding into a warning; none of them stops an export.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph_editor.nodes import Node, NodeKind
from graph_editor.notebook import NotebookInfo

INSTALL_HINTS = {
    "ir": "install it with `apt-get install r-base-core r-cran-irkernel r-cran-jsonlite` "
    "or, in R, `IRkernel::installspec()`",
}
R_SCRIPT_HINT = "install R: `apt-get install r-base-core r-cran-jsonlite`"
GPU_KIND_HINTS = {
    "tensorflow": "TensorFlow",
    "cudf": "RAPIDS",
    "cuml": "RAPIDS",
    "dask_cudf": "RAPIDS",
}


@dataclass(frozen=True)
class Finding:
    """One warning about a node: a code, a message a user understands, the field it is about."""

    code: str
    message: str
    field: str = ""


def installed_kernels() -> frozenset[str]:
    """Names of the Jupyter kernels installed here, read from the kernelspec folders (fast,
    where jupyter_client's KernelSpecManager takes ~2.5 s on its first call)."""
    key = tuple(os.environ.get(v) for v in _JUPYTER_ENV) + (sys.prefix,)
    folders = _kernel_folders(key)
    stamps = tuple(f.stat().st_mtime_ns if f.is_dir() else 0 for f in folders)
    return _kernels_in(folders, stamps)


# What jupyter_core's search path depends on (read once per value: 1,000 nodes, one lookup).
_JUPYTER_ENV = (
    "JUPYTER_PATH",
    "JUPYTER_DATA_DIR",
    "JUPYTER_PREFER_ENV_PATH",
    "JUPYTER_PLATFORM_DIRS",
    "HOME",
    "XDG_DATA_HOME",
    "XDG_DATA_DIRS",
    "CONDA_PREFIX",
)


@lru_cache(maxsize=8)
def _kernel_folders(key: tuple[str | None, ...]) -> tuple[Path, ...]:
    from jupyter_core.paths import jupyter_path

    return tuple(Path(f) for f in jupyter_path("kernels"))


@lru_cache(maxsize=8)
def _kernels_in(folders: tuple[Path, ...], stamps: tuple[int, ...]) -> frozenset[str]:
    names = {spec.parent.name.lower() for f in folders for spec in f.glob("*/kernel.json")}
    if importlib.util.find_spec("ipykernel") is not None:
        names.add("python3")  # ipykernel's own kernel needs no kernelspec file
    return frozenset(names)


def kernel_program(kernel: str) -> str:
    """The program a kernelspec starts (its ``argv[0]``), "" when unknown or not installed."""
    key = tuple(os.environ.get(v) for v in _JUPYTER_ENV) + (sys.prefix,)
    folders = _kernel_folders(key)
    for folder in folders:
        spec = folder / kernel.lower() / "kernel.json"
        if spec.is_file():
            return _argv0(spec, spec.stat().st_mtime_ns)
    return ""


@lru_cache(maxsize=32)
def _argv0(spec: Path, _stamp: int) -> str:
    try:
        argv = json.loads(spec.read_text(encoding="utf-8")).get("argv") or []
    except (OSError, ValueError, AttributeError):
        return ""
    return str(argv[0]) if argv and isinstance(argv[0], str) else ""


def missing_program(kernel: str) -> str:
    """The program of an installed kernel that cannot be found here ("" when it can).

    Debian's IR kernelspec stays registered after R is removed (or was copied from another
    machine): the kernel looks installed, and the run failed with a raw FileNotFoundError.
    """
    program = kernel_program(kernel)
    if not program or os.access(resolved_program(program), os.X_OK):
        return ""
    return program


def resolved_program(program: str) -> str:
    """The file a kernelspec's ``argv[0]`` starts: jupyter_client starts this Python for
    ``python``/``python3``/``python3.X`` (not PATH's, which Debian may not have), else PATH."""
    major, minor = sys.version_info[:2]
    if program in {"python", f"python{major}", f"python{major}.{minor}"}:
        return sys.executable
    if os.sep in program:
        return program
    return shutil.which(program) or program


def install_hint(kernel: str) -> str:
    """How to install a missing kernel (``ir``: the R package), else where to look."""
    return INSTALL_HINTS.get(
        kernel.lower(), "see `jupyter kernelspec list` for the kernels installed here"
    )


def missing_kernel(node: Node, info: NotebookInfo) -> Finding | None:
    """A warning when the kernel the node runs on is not installed (dry-run impossible here)."""
    if info.is_script:
        return None
    kernel = node.kernel or info.kernel
    if kernel.lower() in installed_kernels():
        program = missing_program(kernel)
        if not program:
            return None
        return Finding(
            "kernel-program-missing",
            f"kernel {kernel!r} is installed but the program it starts ({program}) is not, "
            f"so a dry-run cannot run this node; {install_hint(kernel)}",
            "kernel",
        )
    return Finding(
        "kernel-not-installed",
        f"kernel {kernel!r} is not installed here, so a dry-run cannot run this node; "
        f"{install_hint(kernel)}",
        "kernel",
    )


def missing_rscript(node: Node, info: NotebookInfo) -> Finding | None:
    """A warning when an R script job cannot run here because ``Rscript`` is not on PATH."""
    if not (info.is_script and info.language == "r") or shutil.which("Rscript"):
        return None
    return Finding(
        "rscript-not-installed",
        f"{node.source} is an R script but Rscript is not installed here, so a dry-run cannot "
        f"run this node; {R_SCRIPT_HINT}",
        "source",
    )


def gpu_suggestion(node: Node, info: NotebookInfo) -> Finding | None:
    """A hint when a plain node imports TensorFlow or RAPIDS libraries (no GPU is asked for)."""
    if node.kind != NodeKind.NOTEBOOK or not info.gpu_libraries or node.resources.gpu:
        return None
    libraries = ", ".join(info.gpu_libraries)
    kind = GPU_KIND_HINTS[info.gpu_libraries[0]]
    return Finding(
        "gpu-library-on-plain-node",
        f"{node.source} imports {libraries} but runs as a plain job without a GPU; "
        f"make it a {kind} node (or set a GPU) if it needs one",
        "kind",
    )


def port_type_drift(node: Node, info: NotebookInfo, wired: set[str]) -> list[Finding]:
    """Wired ports whose type in the file differs from the notebook's (override applied)."""
    if info.is_script:
        return []
    found: list[Finding] = []
    sides = [("inputs", node.inputs, info.inputs)]
    if info.outputs_supported:
        sides.append(("outputs", node.outputs, info.outputs))
    for side, ports, declared in sides:
        notebook = {p.name: node.port_types.get(p.name, p.type) for p in declared}
        for port in ports:
            now = notebook.get(port.name)
            if port.name in wired and now is not None and now != port.type:
                found.append(
                    Finding(
                        "port-type-changed",
                        f"{node.source} now types the wired port {port.name!r} as "
                        f"{now.value}, the pipeline says {port.type.value} (re-inspect, "
                        "or set the port's type on the node to keep it)",
                        f"{side}.{port.name}",
                    )
                )
    return found


def node_findings(node: Node, info: NotebookInfo, wired: set[str]) -> list[Finding]:
    """Every warning of this module for one node; ``wired`` names its wired ports."""
    checks = (missing_kernel(node, info), missing_rscript(node, info), gpu_suggestion(node, info))
    found = [f for f in checks if f]
    return found + port_type_drift(node, info, wired)
