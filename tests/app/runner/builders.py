"""Small pipelines of real notebooks in tmp folders, for the runner tests."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graph_editor import fileformat
from graph_editor.build import node_from_source
from graph_editor.nodes import Edge, NodeKind, PipelineParameter, PipelineSettings
from graph_editor.pipeline import Pipeline


def notebook(path: Path, parameters: str = "", body: str = "", outputs: str = "") -> Path:
    """Write a notebook: a markdown title, then parameters, body and outputs cells."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    cells = [new_markdown_cell(f"# {path.stem}")]
    for source, tag in ((parameters, "parameters"), (body, ""), (outputs, "outputs")):
        if source:
            cell = new_code_cell(source)
            if tag:
                cell.metadata["tags"] = [tag]
            cells.append(cell)
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def pipeline(folder: Path, sources: dict[str, Path], wires: list[str] = (),
             parameters: tuple[PipelineParameter, ...] = (), **node_changes: dict) -> Pipeline:
    """Save and reload a pipeline of ``name -> source`` nodes; wires are 'a.out->b.in' or 'a->b'."""
    p = Pipeline(PipelineSettings(name="test", dag_id="test", parameters=parameters),
                 path=folder / "test.stitch")
    ids = {}
    for name, source in sources.items():
        kind = NodeKind.TENSORFLOW if source.suffix == ".py" else NodeKind.NOTEBOOK
        node = p.add_node(node_from_source(p, source, kind=kind, name=name))
        ids[name] = node.id
        if name in node_changes:
            p.update_node(node.id, **node_changes[name])
    for wire in wires:
        left, right = wire.split("->")
        src, _, out = left.partition(".")
        dst, _, inp = right.partition(".")
        p.add_edge(Edge(ids[src], ids[dst], out, inp))
    fileformat.save(p, folder / "test.stitch")
    return fileformat.load(folder / "test.stitch")


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# Processes that were already running below this one when a test started (say, the real Airflow
# another test module started for the whole session): they and their subtrees are not ours.
BASELINE: set[int] = set()


def mark_baseline() -> None:
    """Remember the processes already below this one, so a test only sees those it started."""
    BASELINE.clear()
    BASELINE.update(_below(os.getpid(), set()))


def descendants(pid: int | None = None) -> list[int]:
    """Living processes below ``pid`` (default: this process) that a test started, from /proc."""
    return [p for p in _below(pid or os.getpid(), BASELINE) if alive(p)]


def _below(pid: int, skip: set[int]) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in skip:
                found.append(child)
                frontier.append(child)
    return found
