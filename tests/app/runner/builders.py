"""Small pipelines of real notebooks in tmp folders, for the runner tests."""

from __future__ import annotations

import os
from pathlib import Path

from graph_editor import fileformat
from graph_editor.build import node_from_source
from graph_editor.nodes import Edge, NodeKind, PipelineParameter, PipelineSettings
from graph_editor.pipeline import Pipeline
from tests.helpers import write_notebook


def notebook(path: Path, parameters: str = "", body: str = "", outputs: str = "") -> Path:
    """Write a notebook: a markdown title, then parameters, body and outputs cells."""
    return write_notebook(path, parameters=parameters, outputs=outputs, body=body, title=True)


def pipeline(
    folder: Path,
    sources: dict[str, Path],
    wires: list[str] = (),
    parameters: tuple[PipelineParameter, ...] = (),
    **node_changes: dict,
) -> Pipeline:
    """Save and reload a pipeline of ``name -> source`` nodes; wires are 'a.out->b.in' or 'a->b'."""
    p = Pipeline(
        PipelineSettings(name="test", dag_id="test", parameters=parameters),
        path=folder / "test.stitch",
    )
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


FAILING_SOURCE = "rows = len(table)\nraise ValueError(f'{rows} rows is too few')\n"


def artifact_then_failing_cell(folder: Path, fail: bool = True) -> tuple[Path, int]:
    """``make`` hands a DataFrame (an artifact: the runtime injects a load cell) to ``use``,
    whose notebook has a markdown title, a ``skip``-tagged cell and, with ``fail``, a cell that
    raises. Returns the saved pipeline and the raising cell's number as the user counts it (its
    position in their notebook, every cell counted, 1-based)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def write(path: Path, cells: list[tuple[str, str, list[str]]]) -> Path:
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.cells = [
            (new_markdown_cell if kind == "md" else new_code_cell)(src) for kind, src, _ in cells
        ]
        for i, (cell, (_, _, tags)) in enumerate(zip(nb.cells, cells, strict=True)):
            cell["id"] = f"cell-{i}"
            if tags:
                cell.metadata["tags"] = tags
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(path))
        return path

    make = write(
        folder / "make.ipynb",
        [
            ("md", "# Make a table", []),
            ("code", "import pandas as pd", []),
            ("code", "table = pd.DataFrame({'v': [1, 2, 3]})", ["outputs"]),
        ],
    )
    last = FAILING_SOURCE if fail else "rows = len(table)\n"
    use = write(
        folder / "use.ipynb",
        [
            ("md", "# Use the table", []),
            ("code", "table = None", ["parameters"]),
            ("code", "print('a scratch cell the pipeline skips')", ["skip"]),
            ("code", "import pandas as pd", []),
            ("code", last, []),
            ("code", "count = rows", ["outputs"]),
        ],
    )
    built = pipeline(folder, {"make": make, "use": use}, ["make.table->use.table"])
    return Path(built.path), 5
