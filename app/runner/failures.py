"""What went wrong in a notebook, as the user would say it: the real exception and the cell.

papermill's error keeps the exception of the cell only when the kernel sent a traceback; a
failed line magic (IPython's ``UsageError``) reaches it as ``CellExecutionError`` with an empty
message, the real line being on the cell's stderr. Its ``cell_index`` counts the notebook that
ran: with the injected parameters cell, without the cells tagged ``skip``, and without the
error-marker cells a previous failed papermill run left in the user's file. The cell number
given here is the cell's position in the user's own notebook.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

from app.runner.failure import FailureKind, NodeFailure
from resources.runtime import stitchboard_runtime as runtime

MARKER_TAG = "papermill-error-cell-tag"  # papermill's "execution failed here" markdown cells
_VAGUE = {"", "CellExecutionError", "PapermillExecutionError"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags") or [])


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else ""


def _without_markers(cells: list[Any]) -> list[Any]:
    return [c for c in cells if MARKER_TAG not in _tags(c)]


def _source_cells(source: Path) -> list[Any] | None:
    try:
        if source.suffix == ".py":
            return list(runtime.read_jupytext(source).cells)
        return list(nbformat.read(str(source), as_version=4).cells)
    except Exception:  # noqa: BLE001 - the source changed or vanished: no cell number then
        return None


def _from_outputs(cell: Any) -> tuple[str, str]:
    """The exception a cell's outputs show: an error output, else a ``Name: message`` on stderr."""
    outputs = cell.get("outputs") or []
    for out in outputs:
        if out.get("output_type") == "error" and out.get("ename"):
            return str(out["ename"]), _first_line(str(out.get("evalue", "")))
    for out in reversed(outputs):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            text = out.get("text", "")
            lines = text if isinstance(text, list) else str(text).splitlines()
            for line in reversed([str(x).strip() for x in lines]):
                match = runtime.EXCEPTION_LINE.match(line)
                if match:
                    return match.group(1).rsplit(".", 1)[-1], match.group(2)
    return "", ""


def _executed_cell(executed: Path, index: int) -> Any | None:
    try:
        cells = _without_markers(list(nbformat.read(str(executed), as_version=4).cells))
    except Exception:  # noqa: BLE001 - no executed copy was written
        return None
    return cells[index] if 0 <= index < len(cells) else None


def _user_cell(prepared: list[Any], index: int, source: Path) -> tuple[int | None, str]:
    """(cell number in the user's notebook, where) for ``index`` of the notebook that ran."""
    tags = _tags(prepared[index])
    if runtime.COLLECT_TAG in tags:
        return None, "while collecting outputs"
    if runtime.INJECTED_TAG in tags:
        return None, "in the injected parameters"
    if runtime.LOAD_TAG in tags:
        return None, "while loading inputs"
    before = prepared[:index]
    added = {runtime.INJECTED_TAG, runtime.COLLECT_TAG, runtime.LOAD_TAG}
    ran = sum(1 for c in before if not added & set(_tags(c)))
    cells = _source_cells(source)
    if cells is None:
        return ran + 1, f"in cell {ran + 1}"
    # The cells that ran, in the user's file: not skipped, not markers, not an old injection.
    positions = [
        i
        for i, c in enumerate(cells)
        if not {runtime.SKIP_TAG, MARKER_TAG, runtime.INJECTED_TAG} & set(_tags(c))
    ]
    if ran >= len(positions):
        return None, ""
    number = positions[ran] + 1
    return number, f"in cell {number}"


def _traceback(cell: Any, number: int | None) -> str:
    """The cell's traceback without colours; IPython heads the cell's frame "Cell In[7]" after
    the kernel's execution count (injected cells ran first): it says the user's cell number."""
    for out in cell.get("outputs") or []:
        if out.get("output_type") == "error":
            text = _ANSI.sub("", "\n".join(str(t) for t in out.get("traceback") or []))
            count = cell.get("execution_count")
            if isinstance(count, int) and number is not None:
                text = text.replace(f"Cell In[{count}]", f"Cell {number}")
            return text
    return ""


def _source(cell: Any) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def explain_failure(exc: BaseException, prepared: Any, source: Path, executed: Path) -> NodeFailure:
    """The failure of a notebook run: ``prepared`` is the notebook handed to papermill,
    ``source`` the user's file, ``executed`` the executed copy papermill wrote.

    Built here once: the cell number as the user counts it, the cell's code and traceback.
    """
    ename = str(getattr(exc, "ename", "") or type(exc).__name__)
    raw = getattr(exc, "evalue", "") if hasattr(exc, "ename") else str(exc)
    evalue = _first_line(str(raw or ""))
    index = getattr(exc, "cell_index", None)
    cells = _without_markers(list(prepared.cells))
    notebook = str(executed)
    if not isinstance(index, int) or not 0 <= index < len(cells):
        return NodeFailure(FailureKind.CELL, ename, evalue, notebook=notebook)
    cell = _executed_cell(executed, index)
    if ename in _VAGUE or not evalue:
        found = _from_outputs(cell) if cell is not None else ("", "")
        if found[0] and (ename in _VAGUE or found[0] == ename):
            ename, evalue = found[0], found[1] or evalue
    number, where = _user_cell(cells, index, source)
    ran = cell if cell is not None else cells[index]
    return NodeFailure(
        FailureKind.CELL,
        ename,
        evalue,
        cell=number,
        where=where,
        notebook=notebook,
        traceback=_traceback(ran, number),
        cell_source=_source(ran),
    )
