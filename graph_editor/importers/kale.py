"""Kale-annotated notebooks imported as pipelines: one generated notebook per step.

Kale tags cells with ``block:NAME`` / ``step:NAME`` (a step), ``prev:NAME`` (its upstream
steps), ``imports`` and ``functions`` (prepended to every step), ``pipeline-parameters``,
``pipeline-metrics`` and ``skip``; an untagged cell continues the cell before it. The tag
language follows Kale's ``backend/kale/processors/nbprocessor.py`` (``parse_notebook``).

Kale passes variables between steps by pickling them; here a variable a step reads and an
upstream step assigns becomes a wire: an output of the producer (its ``outputs`` cell) and an
input of the reader (its ``parameters`` cell). Pipeline parameters become typed pipeline
parameters bound to the inputs of the steps that read them. Files: Kale steps share the
notebook's folder (one volume), so a relative file one step names and a later step names too
is declared as produced by the first (``_files``).
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from graph_editor.build import apply_layout, node_from_source, task_name
from graph_editor.errors import NotebookError, PipelineFileError
from graph_editor.file_checks import relative_paths
from graph_editor.importers.elyra_files import relay_links
from graph_editor.nodes import Edge, PipelineParameter, PipelineSettings
from graph_editor.notebook import read_notebook
from graph_editor.pipeline import Pipeline
from graph_editor.types import type_of_value

STEP_TAG = re.compile(r"(?:block|step):([_a-z][_a-z0-9]*)?")
PREV_TAG = re.compile(r"prev:([_a-z][_a-z0-9]*)")
SPECIAL = ("skip", "imports", "functions", "pipeline-parameters", "pipeline-metrics")
IGNORED = re.compile(r"(annotation|label|limit):.*")
BUILTINS = set(dir(builtins))


@dataclass
class KaleStep:
    """One step: its code cells and the steps it comes after."""

    name: str
    cells: list[str] = field(default_factory=list)
    prev: list[str] = field(default_factory=list)


@dataclass
class KaleNotebook:
    """A Kale notebook split by its tags."""

    steps: dict[str, KaleStep] = field(default_factory=dict)
    prelude: list[str] = field(default_factory=list)  # imports + functions cells
    parameters: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # tags with no equivalent here


def _code(source: str) -> str:
    """Cell source without IPython magics and shell lines (so ``ast`` can read it)."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def split_notebook(path: Path) -> KaleNotebook:
    """Group a notebook's code cells by Kale tag; raises ``NotebookError`` on a bad tag."""
    nb = read_notebook(path)
    result = KaleNotebook()
    imports: list[str] = []
    functions: list[str] = []
    current = ""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = [str(t) for t in cell.metadata.get("tags", [])]
        names = [m.group(1) for t in tags if (m := STEP_TAG.fullmatch(t)) and m.group(1)]
        special = [t for t in tags if t in SPECIAL]
        result.ignored += [t for t in tags if IGNORED.fullmatch(t)]
        if len(names) + len(special) > 1:
            raise NotebookError(path, f"a cell has more than one Kale step tag: {tags}")
        kind = (names or special or [""])[0]
        if kind == "skip":
            continue
        if kind in SPECIAL or kind in result.steps:
            current = kind
        elif kind:
            prev = [m.group(1) for t in tags if (m := PREV_TAG.fullmatch(t))]
            for name in prev:
                if name not in result.steps:
                    raise NotebookError(path, f"step {kind!r} comes after unknown step {name!r}")
            result.steps[kind] = KaleStep(kind, prev=prev)
            current = kind
        target = {
            "imports": imports,
            "functions": functions,
            "pipeline-parameters": result.parameters,
            "pipeline-metrics": result.ignored,
        }.get(current)
        if target is not None:
            target.append(cell.source if current != "pipeline-metrics" else "pipeline-metrics")
        elif current:
            result.steps[current].cells.append(cell.source)
    result.prelude = imports + functions
    if not result.steps:
        raise NotebookError(path, "no Kale steps (cells tagged block:NAME or step:NAME)")
    return result


class _Names(ast.NodeVisitor):
    """Names a piece of code reads and assigns at any depth (function bodies included)."""

    def __init__(self) -> None:
        self.loads: set[str] = set()
        self.stores: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        (self.loads if isinstance(node.ctx, ast.Load) else self.stores).add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.stores.add(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stores.add(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            self.stores.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import  # type: ignore[assignment]


def _names(sources: list[str], path: Path, what: str) -> _Names:
    names = _Names()
    for source in sources:
        try:
            names.visit(ast.parse(_code(source)))
        except SyntaxError as exc:
            raise NotebookError(path, f"{what}: syntax error at line {exc.lineno}") from exc
    return names


def _parameters(sources: list[str], path: Path) -> dict[str, tuple[object, str]]:
    """``name = literal`` lines of the pipeline-parameters cells: name -> (value, line)."""
    found: dict[str, tuple[object, str]] = {}
    for source in sources:
        try:
            tree = ast.parse(_code(source))
        except SyntaxError as exc:
            problem = f"pipeline-parameters: syntax error at line {exc.lineno}"
            raise NotebookError(path, problem) from exc
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name):
                    try:
                        value = ast.literal_eval(stmt.value)
                    except ValueError as exc:
                        raise NotebookError(
                            path, f"pipeline parameter {target.id!r} must be a literal value"
                        ) from exc
                    found[target.id] = (value, ast.unparse(stmt))
    return found


def _step_notebook(
    kernelspec: dict, prelude: list[str], params: str, body: list[str], outs: list[str]
) -> nbformat.NotebookNode:
    nb = new_notebook(metadata={"kernelspec": kernelspec} if kernelspec else {})
    cells = [new_code_cell(source) for source in prelude]
    parameters = new_code_cell(params)
    parameters.metadata["tags"] = ["parameters"]
    cells.append(parameters)
    cells += [new_code_cell(source) for source in body]
    if outs:
        outputs = new_code_cell("\n".join(f"{name} = {name}" for name in outs))
        outputs.metadata["tags"] = ["outputs"]
        cells.append(outputs)
    for index, cell in enumerate(cells):
        cell["id"] = f"kale-{index}"
    nb.cells = cells
    return nb


def _files(pipeline: Pipeline, source: Path, code: dict[str, str]) -> list[str]:
    """Kale has no declared files: its steps share the notebook's folder (one volume). A
    relative path that a step names and a later step names too becomes a produced file of the
    first (handed on through a link if it is not directly upstream); a file that sits beside
    the Kale notebook is reported, since the step notebooks live in their own folder."""
    notes: list[str] = []
    first: dict[str, str] = {}  # path -> the first step naming it
    for node_id in pipeline.topological_order():
        node = pipeline.node(node_id)
        for rel in relative_paths(code[node.name]):
            rel = rel.removeprefix("./")
            if (source.parent / rel).exists():
                notes.append(
                    f"step {node.name!r} reads {rel!r} beside the Kale notebook: copy it beside "
                    f"its step notebook and ship it (stitchboard node files PIPELINE {node.name} "
                    f"--ship {rel})"
                )
            elif rel not in first:
                first[rel] = node_id
            elif first[rel] in pipeline.ancestors(node_id):
                writer = pipeline.node(first[rel])
                if rel not in writer.produces:
                    pipeline.update_node(writer.id, produces=(*writer.produces, rel))
    for maker, reader, paths in relay_links(pipeline):
        notes.append(f"step {reader!r} reads {paths}, written by {maker!r} further up: linked")
    made = [f"{n.name}: {', '.join(n.produces)}" for n in pipeline.nodes if n.produces]
    if made:
        notes.append(
            f"files steps hand on (Kale's shared folder) declared as produced: {'; '.join(made)}"
        )
    return notes


def import_kale(
    path: str | Path, target: str | Path, *, overwrite: bool = False
) -> tuple[Pipeline, list[str]]:
    """Split a Kale notebook into one notebook per step (written next to ``target`` in
    ``<stem>.steps/``) and a pipeline over them; returns it (not saved) and report items.

    A step notebook already there (the user may have edited it) is kept: ``PipelineFileError``
    naming it, before anything is written, unless ``overwrite``.
    """
    source, stitch = Path(path).resolve(), Path(target).resolve()
    kale = split_notebook(source)
    there = [
        stitch.parent / f"{stitch.stem}.steps" / f"{name}.ipynb"
        for name in kale.steps
        if (stitch.parent / f"{stitch.stem}.steps" / f"{name}.ipynb").exists()
    ]
    if there and not overwrite:
        others = f" and {len(there) - 1} more" if len(there) > 1 else ""
        raise PipelineFileError(
            there[0], f"step notebook already exists{others} (use --force to overwrite)"
        )
    params = _parameters(kale.parameters, source)
    prelude_names = _names(kale.prelude, source, "imports/functions").stores
    steps = list(kale.steps.values())
    uses = {s.name: _names(s.cells, source, f"step {s.name!r}") for s in steps}
    settings = PipelineSettings(
        name=source.stem,
        dag_id=task_name(source.stem) or "pipeline",
        parameters=tuple(PipelineParameter(n, type_of_value(v), v) for n, (v, _) in params.items()),
    )
    pipeline = Pipeline(settings, path=stitch)
    ancestors: dict[str, list[str]] = {}
    for step in steps:  # Kale only lets a step come after steps defined above it
        seen = [a for p in step.prev for a in [*ancestors[p], p]]
        ancestors[step.name] = [s.name for s in steps if s.name in seen]
    feeds: dict[str, dict[str, str]] = {}  # step -> input name -> producing step
    for step in steps:
        reads = uses[step.name].loads - BUILTINS - prelude_names - set(params)
        feeds[step.name] = {}
        for name in sorted(reads):
            producer = next(
                (a for a in reversed(ancestors[step.name]) if name in uses[a].stores), None
            )
            if producer is not None:
                feeds[step.name][name] = producer
    folder = stitch.parent / f"{stitch.stem}.steps"
    folder.mkdir(parents=True, exist_ok=True)
    kernelspec = dict(read_notebook(source).metadata.get("kernelspec", {}))
    nodes = {}
    for step in steps:
        outs = sorted({n for s, f in feeds.items() for n, p in f.items() if p == step.name})
        used_params = sorted(uses[step.name].loads & set(params))
        lines = [params[n][1] for n in used_params] + [f"{n} = None" for n in feeds[step.name]]
        nb = _step_notebook(kernelspec, kale.prelude, "\n".join(lines), step.cells, outs)
        nbformat.write(nb, str(folder / f"{step.name}.ipynb"))
        node = node_from_source(pipeline, folder / f"{step.name}.ipynb", name=step.name)
        nodes[step.name] = pipeline.add_node(node)
        if used_params:
            pipeline.update_node(node.id, bindings={n: n for n in used_params})
    for step in steps:
        target_id = nodes[step.name].id
        wired_from = set()
        for name, producer in feeds[step.name].items():
            pipeline.add_edge(Edge(nodes[producer].id, target_id, name, name), check=False)
            wired_from.add(producer)
        for prev in step.prev:
            if prev not in wired_from:
                pipeline.add_edge(Edge(nodes[prev].id, target_id), check=False)
    apply_layout(pipeline)
    report = [f"step notebooks written to {folder.name}/"]
    report += _files(pipeline, source, {s.name: "\n".join(map(_code, s.cells)) for s in steps})
    if kale.ignored:
        report.append(f"not mapped: {', '.join(sorted(set(kale.ignored)))}")
    return pipeline, report
