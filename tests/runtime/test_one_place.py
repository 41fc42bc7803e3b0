"""The resolution order lives in one function, and worker code lives in real modules.

Both checks read the source with ``ast``; each is first shown to catch the old shape (the
snippets below are what the exporter and the runner held before), so neither cannot fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GROUPS = ({"wires", "wired"}, {"params", "bindings"}, {"values"})
# Functions that name all three sources without choosing between them: the one resolver,
# the serialiser, and the two builders that copy a node's sources into its spec.
ALLOWED = {
    "resources/runtime/stitchboard_runtime.py": {"resolve_inputs", "to_json"},
    "app/runner/plan.py": {"node_spec"},
    "exporters/airflow/plan.py": {"node_spec"},
    # Reports the wire, the binding and the set value of each input side by side; picks none.
    "app/cli/commands/show.py": {"_node"},
}
CODE_NODES = (ast.FunctionDef, ast.Import, ast.ImportFrom, ast.Assign, ast.For, ast.With)

OLD_RUN_NODE = """
def run_node(node, **context):
    given = dict(node["values"])
    for name, param in node["params"].items():
        given[name] = context["params"][param]
    for name, (task_id, output) in node["wires"].items():
        given[name] = context["ti"].xcom_pull(task_ids=task_id)[output]
    return given
"""
OLD_PLAN = """
def plan_tasks(pipeline):
    for port in node.inputs:
        if port.name in plan.wires:
            continue
        if port.name in node.bindings:
            plan.params[port.name] = node.bindings[port.name]
        elif port.name in node.values:
            plan.values[port.name] = node.values[port.name]
"""
OLD_RUNNER = """
def node_inputs(pipeline, node, params, outputs):
    wired = {e.target_port: e for e in pipeline.edges_into(node.id) if not e.is_ordering}
    for name in names:
        if name in wired:
            values[name] = outputs[wired[name].source][wired[name].source_port]
        elif name in node.bindings and node.bindings[name] in params:
            values[name] = params[node.bindings[name]]
        elif name in node.values:
            values[name] = node.values[name]
"""
OLD_HELPERS = (
    'POD_BOOTSTRAP = """\nimport base64, json, os\nnode = json.loads(os.environ["N"])\n"""\n'
)


def _mentions(function: ast.AST) -> set[str]:
    called = {id(n.func) for n in ast.walk(function) if isinstance(n, ast.Call)}
    found = set()
    for n in ast.walk(function):
        if isinstance(n, ast.Attribute) and id(n) not in called:
            found.add(n.attr)
        elif isinstance(n, ast.Name):
            found.add(n.id)
        elif isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant):
            found.add(str(n.slice.value))
    return found


def resolvers(source: str) -> set[str]:
    """Functions that read a wire, a parameter binding and a set value: an input order."""
    tree = ast.parse(source)
    return {
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and all(group & _mentions(n) for group in GROUPS)
    }


def code_strings(source: str) -> list[str]:
    """String literals that are Python programs (imports, definitions, assignments...)."""
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and "\n" in n.value:
            try:
                tree = ast.parse(n.value)
            except SyntaxError:
                continue
            if any(isinstance(c, CODE_NODES) for c in ast.walk(tree)):
                found.append(n.value)
    return found


def _modules(*folders: str):
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*.py")):
            yield path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8")


def test_the_checks_catch_the_old_shapes() -> None:
    assert resolvers(OLD_RUN_NODE) == {"run_node"}
    assert resolvers(OLD_PLAN) == {"plan_tasks"}
    assert resolvers(OLD_RUNNER) == {"node_inputs"}
    assert len(code_strings(OLD_HELPERS)) == 1


def test_the_input_order_is_written_once() -> None:
    found = {
        rel: sorted(resolvers(text) - ALLOWED.get(rel, set()))
        for rel, text in _modules("app", "exporters", "resources/runtime")
    }
    assert {rel: names for rel, names in found.items() if names} == {}
    assert "resolve_inputs" in resolvers(
        (REPO / "resources/runtime/stitchboard_runtime.py").read_text(encoding="utf-8")
    )


def test_no_worker_python_hides_in_exporter_strings() -> None:
    found = {rel: code_strings(text) for rel, text in _modules("exporters")}
    assert {rel: texts for rel, texts in found.items() if texts} == {}
