"""Notebook inspection: the ports a notebook or script offers.

Inputs are the variables of the cell tagged ``parameters`` (papermill's convention:
``name: type = default  # help``; Kale's ``pipeline-parameters`` tag counts too); outputs are the variables assigned in the cell tagged
``outputs`` (same grammar). Python cells are read with ``ast`` (multi-line values, annotations);
R cells are read by ``graph_editor.rcells`` (R literals give the types); other languages go
through papermill's translators, and where those cannot inspect, through a simple
``name <- value`` / ``name = value`` reader. Outputs are collected from Python and R notebooks.

A port's type is its annotation when it has one (``any`` means any), else the type of its
default (``None`` gives any). A ``.py`` file is a notebook when it carries jupytext cells
(``# %%`` percent cells, or a jupytext header); otherwise it is a script job. A ``.R`` file
is an R script job (run with ``Rscript``).
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from graph_editor.errors import NotebookError
from graph_editor.nodes import MISSING, Port
from graph_editor.rcells import r_cell_ports
from graph_editor.sources import read_source_text
from graph_editor.types import PortType, parse_type_name, type_of_value

PARAMETERS_TAG = "parameters"
KALE_PARAMETERS_TAG = "pipeline-parameters"
OUTPUTS_TAG = "outputs"
SKIP_TAG = "skip"  # Kale: a cell that is not run
GPU_LIBRARIES = ("tensorflow", "cudf", "cuml", "dask_cudf")
_PERCENT_CELL = re.compile(r"^# ?%%(?!%)", re.MULTILINE)
_JUPYTEXT_HEADER = re.compile(r"\A(#!.*\n)?# ---\n(#.*\n)*?#\s+jupytext:", re.MULTILINE)


@dataclass(frozen=True)
class NotebookInfo:
    """What inspection found in one notebook or script."""

    path: str
    kernel: str
    language: str
    inputs: tuple[Port, ...]
    outputs: tuple[Port, ...]
    has_parameters_cell: bool
    has_outputs_cell: bool
    outputs_supported: bool
    warnings: tuple[str, ...] = ()
    is_script: bool = False  # a plain .py script job (ports declared on its node)
    gpu_libraries: tuple[str, ...] = ()  # GPU libraries it imports (tensorflow, cudf, ...)


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, raising ``NotebookError`` naming the file when it is not one."""
    path = Path(path)
    try:
        text = read_source_text(path)
    except FileNotFoundError as exc:
        raise NotebookError(path, "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(path, f"cannot read: {exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(path, f"not a notebook: invalid JSON at line {exc.lineno}") from exc
    except RecursionError as exc:  # JSON nested past the interpreter's stack
        raise NotebookError(path, "not a notebook: its JSON is nested too deeply") from exc
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError(path, "not a notebook: no 'cells' list")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several unrelated types
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotebookError(path, f"not a valid notebook: {message}") from exc
    return nb


def notebook_kernel(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """(kernel name, language) from a notebook's metadata, defaulting to Python."""
    spec = nb.metadata.get("kernelspec", {}) or {}
    info = nb.metadata.get("language_info", {}) or {}
    kernel = spec.get("name") or "python3"
    language = (spec.get("language") or info.get("name") or "python").lower()
    return kernel, language


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags") or [])


def _tagged_cell(nb: nbformat.NotebookNode, *tags: str) -> nbformat.NotebookNode | None:
    """The first cell carrying the first of ``tags`` found (cells tagged ``skip`` never)."""
    for tag in tags:
        for cell in nb.cells:
            if tag in _tags(cell) and SKIP_TAG not in _tags(cell):
                return cell
    return None


def is_jupytext_text(text: str) -> bool:
    """Whether a ``.py`` file's text is a jupytext notebook (percent cells or its header)."""
    return bool(_PERCENT_CELL.search(text) or _JUPYTEXT_HEADER.match(text))


def is_jupytext_file(path: str | Path) -> bool:
    """Whether ``path`` is a ``.py`` jupytext notebook (False when unreadable or not .py)."""
    path = Path(path)
    if path.suffix != ".py":
        return False
    try:
        return is_jupytext_text(read_source_text(path))
    except (OSError, UnicodeDecodeError):
        return False


def _read_jupytext(path: Path, text: str) -> nbformat.NotebookNode:
    import jupytext

    try:
        return jupytext.reads(text, fmt="py")
    except Exception as exc:  # jupytext raises several types for odd files
        raise NotebookError(path, f"not a readable jupytext notebook: {exc}") from exc


def gpu_libraries(sources: list[str]) -> tuple[str, ...]:
    """The GPU libraries (tensorflow, cudf, ...) that these Python sources import."""
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(_strip_magics(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return tuple(lib for lib in GPU_LIBRARIES if lib in found)


def _literal(text: str) -> Any:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return MISSING
    if isinstance(value, tuple | set | frozenset):
        value = list(value)
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return MISSING
    return value


def _line_comments(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return comments


def _strip_magics(source: str) -> str:
    # IPython magics and shell escapes are not Python; blank them so line numbers hold.
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


_CALL_TYPES = {
    "int": PortType.INT,
    "float": PortType.FLOAT,
    "str": PortType.STR,
    "bool": PortType.BOOL,
    "list": PortType.LIST,
    "dict": PortType.DICT,
    "sorted": PortType.LIST,
    "len": PortType.INT,
    "repr": PortType.STR,
}


def _expression_type(node: ast.expr) -> PortType:
    """The type an expression obviously has (``float(x)``, ``[...]``, ``f"..."``), else any."""
    if isinstance(node, ast.List | ast.ListComp | ast.Tuple):
        return PortType.LIST
    if isinstance(node, ast.Dict | ast.DictComp):
        return PortType.DICT
    if isinstance(node, ast.JoinedStr):
        return PortType.STR
    if isinstance(node, ast.Compare) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    ):
        return PortType.BOOL
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _CALL_TYPES.get(node.func.id, PortType.ANY)
    return PortType.ANY


def python_cell_ports(source: str, *, with_defaults: bool = True) -> list[Port]:
    """Ports of a Python cell: every top-level ``name = ...`` / ``name: T = ...``."""
    source = _strip_magics(source)
    tree = ast.parse(source)
    comments = _line_comments(source)
    ports: dict[str, Port] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names = [stmt.target.id]
            annotation = ast.get_source_segment(source, stmt.annotation)
            value_node = stmt.value
        elif isinstance(stmt, ast.Assign):
            names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            annotation = None
            value_node = stmt.value
        else:
            continue
        default = MISSING
        if value_node is not None:
            segment = ast.get_source_segment(source, value_node) or ""
            default = _literal(segment)
        # An annotation always wins (``x: any = [...]`` is any); else the default's type.
        if annotation:
            port_type = parse_type_name(annotation)
        elif default is not MISSING:
            port_type = type_of_value(default)
        else:
            port_type = _expression_type(value_node) if value_node is not None else PortType.ANY
        help_text = comments.get(stmt.end_lineno or stmt.lineno, "") or comments.get(
            stmt.lineno, ""
        )
        type_comment = re.match(r"type:\s*(\S+)\s*(.*)", help_text)
        if type_comment:  # papermill's "# type: List[str] help" form
            annotation = annotation or type_comment.group(1)
            port_type = parse_type_name(annotation)
            help_text = type_comment.group(2)
        for name in names:
            ports[name] = Port(
                name=name,
                type=port_type,
                default=default if with_defaults else MISSING,
                help=help_text,
            )
    return _ploomber_upstream(tree, list(ports.values()))


def _ploomber_upstream(tree: ast.Module, ports: list[Port]) -> list[Port]:
    """Ploomber's ``upstream = ['a']`` / ``product = None``: its list of names is replaced by a
    dict at run time, so an unannotated ``upstream`` next to ``product`` takes any value."""
    names = {p.name for p in ports}
    annotated = {
        s.target.id
        for s in tree.body
        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
    }
    if not {"upstream", "product"} <= names or "upstream" in annotated:
        return ports
    return [
        Port(p.name, PortType.ANY, p.default, p.help) if p.name == "upstream" else p for p in ports
    ]


_OTHER_LANG_ASSIGN = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:<-|=)\s*(.+?)\s*(?:#\s*(.*))?$"
)


def _other_language_ports(
    nb: nbformat.NotebookNode, cell: nbformat.NotebookNode, kernel: str, language: str
) -> list[Port]:
    from papermill.translators import papermill_translators

    try:
        translator = papermill_translators.find_translator(kernel, language)
        params = translator.inspect(cell)
    except Exception:  # papermill raises its own and builtin types for unknown languages
        params = None
    ports: list[Port] = []
    if params:
        for p in params:
            default = _literal(str(p.default)) if p.default is not None else MISSING
            port_type = parse_type_name(p.inferred_type_name)
            if port_type == PortType.ANY and default is not MISSING:
                port_type = type_of_value(default)
            ports.append(Port(p.name, port_type, default, p.help or ""))
        return ports
    for line in cell.source.splitlines():
        match = _OTHER_LANG_ASSIGN.match(line)
        if not match:
            continue
        name, value, help_text = match.group(1), match.group(2), match.group(3) or ""
        value = {
            "TRUE": "True",
            "FALSE": "False",
            "NULL": "None",
            "true": "True",
            "false": "False",
            "nothing": "None",
        }.get(value, value)
        default = _literal(value)
        port_type = type_of_value(default) if default is not MISSING else PortType.ANY
        ports.append(Port(name, port_type, default, help_text))
    return ports


def inspect_notebook(path: str | Path) -> NotebookInfo:
    """The ports, kernel and language of a notebook; raises ``NotebookError``."""
    path = Path(path)
    if path.suffix.lower() == ".r":
        return inspect_script(path)
    if path.suffix == ".py":
        text = _read_text(path)
        if not is_jupytext_text(text):
            return inspect_script(path)
        nb = _read_jupytext(path, text)
    else:
        nb = read_notebook(path)
    kernel, language = notebook_kernel(nb)
    params_cell = _tagged_cell(nb, PARAMETERS_TAG, KALE_PARAMETERS_TAG)
    outputs_cell = _tagged_cell(nb, OUTPUTS_TAG)
    is_python = language == "python"
    is_r = language == "r"
    warnings: list[str] = []
    inputs: list[Port] = []
    outputs: list[Port] = []
    if params_cell is not None:
        if is_python:
            try:
                inputs = python_cell_ports(params_cell.source)
            except SyntaxError as exc:
                # papermill reads line by line and tolerates broken lines; so do we, loudly.
                inputs = _other_language_ports(nb, params_cell, kernel, language)
                warnings.append(
                    f"parameters cell has a syntax error at line {exc.lineno}; "
                    "ports were read line by line"
                )
        elif is_r:
            inputs = r_cell_ports(params_cell.source)
        else:
            inputs = _other_language_ports(nb, params_cell, kernel, language)
    if outputs_cell is not None:
        if is_python:
            try:
                outputs = python_cell_ports(outputs_cell.source, with_defaults=False)
            except SyntaxError as exc:
                raise NotebookError(
                    path, f"outputs cell has a syntax error at line {exc.lineno}"
                ) from exc
        elif is_r:
            outputs = r_cell_ports(outputs_cell.source, with_defaults=False)
        else:
            warnings.append(
                f"outputs are collected from Python and R notebooks only; the {language} "
                f"notebook's outputs cell is ignored"
            )
    return NotebookInfo(
        path=str(path),
        kernel=kernel,
        language=language,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        has_parameters_cell=params_cell is not None,
        has_outputs_cell=outputs_cell is not None,
        outputs_supported=is_python or is_r,
        warnings=tuple(warnings),
        gpu_libraries=gpu_libraries(
            [c.source for c in nb.cells if c.cell_type == "code" and SKIP_TAG not in _tags(c)]
        )
        if is_python
        else (),
    )


def _read_text(path: Path) -> str:
    try:
        return read_source_text(path)
    except FileNotFoundError as exc:
        raise NotebookError(path, "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(path, f"cannot read: {exc}") from exc


def inspect_script(path: str | Path) -> NotebookInfo:
    """A ``.py`` or ``.R`` script job: ports are declared on the node, so only check it parses
    (an R script is only read: parsing R needs R)."""
    path = Path(path)
    source = _read_text(path)
    if path.suffix.lower() == ".r":
        return NotebookInfo(str(path), "", "r", (), (), False, False, True, is_script=True)
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise NotebookError(path, f"not valid Python: syntax error at line {exc.lineno}") from exc
    return NotebookInfo(
        str(path),
        "python3",
        "python",
        (),
        (),
        False,
        False,
        True,
        is_script=True,
        gpu_libraries=gpu_libraries([source]),
    )


class _InspectionCache:
    """Inspection results keyed by (path, mtime, size): re-read only what changed on disk."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], NotebookInfo | NotebookError]] = {}

    def get(self, path: Path) -> NotebookInfo | NotebookError:
        try:
            st = path.stat()
        except OSError:
            return NotebookError(path, "file not found")
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._entries.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            result: NotebookInfo | NotebookError = inspect_notebook(path)
        except NotebookError as exc:
            result = exc
        self._entries[path] = (stamp, result)
        return result


_CACHE = _InspectionCache()


def inspect_cached(path: Path) -> NotebookInfo | NotebookError:
    """Inspection through the shared cache (used by validation and port refresh)."""
    return _CACHE.get(path)
