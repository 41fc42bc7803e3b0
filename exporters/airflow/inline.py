"""The worker- and pod-side code a DAG module carries, read from its real module.

``resources/runtime/stitchboard_task.py`` is linted, typed and tested like any module; the
exporter copies its functions' source into the DAG module and writes ``pod_bootstrap`` as the
program a pod runs with ``python3 -c``. The names the generated module must not reuse for
task variables come from here too, so they cannot drift from the code.
"""

from __future__ import annotations

import ast
from functools import cache
from importlib import resources

from exporters.airflow.values import JINJA_OPENERS

TASK_MODULE = "stitchboard_task.py"
BOOTSTRAP_FUNCTION = "pod_bootstrap"
BOOTSTRAP = "POD_BOOTSTRAP"  # the module constant holding the bootstrap program


@cache
def _text() -> str:
    # read as a file (not inspect.getsource): the frozen app ships it as data
    return (resources.files("resources.runtime") / TASK_MODULE).read_text(encoding="utf-8")


@cache
def _tree() -> ast.Module:
    return ast.parse(_text())


@cache
def _functions() -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in _tree().body if isinstance(n, ast.FunctionDef)}


def defined_names() -> set[str]:
    """Every top-level name the inlined code defines or expects the DAG module to define."""
    names = set(_functions()) | {BOOTSTRAP}
    for node in _tree().body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def function_source(name: str) -> str:
    """The source of one function of the task module, exactly as written there."""
    node = _functions()[name]
    assert not node.decorator_list, name
    lines = _text().splitlines(keepends=True)
    return "".join(lines[node.lineno - 1 : node.end_lineno])


def annotation_names(name: str) -> set[str]:
    """Names used in a function's annotations (the DAG module imports those it knows)."""
    found: set[str] = set()
    for node in ast.walk(_functions()[name]):
        annotations = []
        if isinstance(node, ast.FunctionDef):
            annotations.append(node.returns)
        elif isinstance(node, ast.arg):
            annotations.append(node.annotation)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            if annotation is not None:
                found |= {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}
    return found


def check_inert(text: str) -> str:
    """Fail loudly if text would be seen as a Jinja template (a pod's command is templated)."""
    assert not any(d in text for d in JINJA_OPENERS), "bootstrap text contains Jinja delimiters"
    return text


@cache
def bootstrap_program() -> str:
    """What a pod runs as ``python3 -c``: the bootstrap function, then a call to it."""
    text = function_source(BOOTSTRAP_FUNCTION) + f"\n\nraise SystemExit({BOOTSTRAP_FUNCTION}())\n"
    return check_inert(text)
