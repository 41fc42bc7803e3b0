"""The house rules of ARCHITECTURE.md, checked on every module's imports (an import-linter
equivalent that needs nothing installed): Qt only in the two Qt subpackages, imports pointing
one way, keyring only in the credential store, the Airflow client only in deploy.

Imports are read from the source: ``import x``, ``from x import y`` (also relative ones,
resolved against the module's package) and ``importlib.import_module("x")`` /
``__import__("x")`` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6", "Qt", "NodeGraphQt")
QT_HOMES = ("graph_editor/qt/", "app/gui/")


def modules():
    for package in ("app", "graph_editor", "exporters"):
        for path in sorted((REPO / package).rglob("*.py")):
            yield path.relative_to(REPO).as_posix(), path


def _package_of(rel: str) -> list[str]:
    parts = rel.removesuffix(".py").split("/")
    return parts[:-1]  # a module's package (for __init__.py: the package itself)


def _string_import(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imports_of(path: Path, rel: str | None = None) -> set[str]:
    """Every module name ``path`` imports (``from a import b`` gives ``a`` and ``a.b``)."""
    rel = rel or path.relative_to(REPO).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(rel)
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module:
                found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call):
            name = _string_import(node)
            if name:
                found.add(name)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(rel: str, path: Path) -> list[str]:
    """The house rules ``rel`` breaks (empty when it keeps them all)."""
    names = imports_of(path, rel)
    tops = {top(n) for n in names}
    found = []
    if not rel.startswith(QT_HOMES) and tops & set(QT):
        found.append(f"{rel} imports Qt outside the Qt subpackages")
    if rel.startswith("graph_editor/") and tops & {"app", "exporters"}:
        found.append(f"{rel}: the model imports a service")
    if rel.startswith("graph_editor/") and not rel.startswith("graph_editor/qt/"):
        if any(within(n, "graph_editor.qt") for n in names):
            found.append(f"{rel}: the pure model imports the canvas (graph_editor.qt)")
    if rel.startswith("graph_editor/qt/") and "app" in tops:
        found.append(f"{rel}: the canvas imports the app")
    if rel.startswith("exporters/") and "app" in tops:
        found.append(f"{rel}: an exporter imports the app")
    if rel.startswith("app/runner/") and any(within(n, "app.deploy") for n in names):
        found.append(f"{rel}: runner imports deploy")
    if rel.startswith("app/deploy/") and any(within(n, "app.runner") for n in names):
        found.append(f"{rel}: deploy imports runner")
    if rel != "app/credentials.py" and "keyring" in tops:
        found.append(f"{rel}: only the credential store imports keyring")
    if not rel.startswith("app/deploy/") and "airflow_client" in tops:
        found.append(f"{rel}: only deploy talks to Airflow")
    return found


ALL = list(modules())


@pytest.mark.parametrize(("rel", "path"), ALL, ids=[r for r, _ in ALL])
def test_import_rules(rel, path):
    assert violations(rel, path) == []


def test_rules_see_real_modules():
    """The checker really parses the tree (guards against a glob that finds nothing)."""
    rels = [r for r, _ in ALL]
    assert "graph_editor/pipeline.py" in rels and "app/cli/main.py" in rels
    assert "networkx" in imports_of(REPO / "graph_editor" / "pipeline.py")
    assert "airflow_client.client" in imports_of(REPO / "app" / "deploy" / "airflow.py")


PLANTED = {
    "graph_editor/sneaky.py": (
        "from .qt import canvas\n",
        "the pure model imports the canvas",
    ),
    "graph_editor/sneaky2.py": (
        "from graph_editor import qt\n",
        "the pure model imports the canvas",
    ),
    "graph_editor/sneaky3.py": (
        "import importlib\nimportlib.import_module('PySide6.QtWidgets')\n",
        "imports Qt outside the Qt subpackages",
    ),
    "graph_editor/qt/sneaky.py": (
        "from ...app import events\n",
        "the canvas imports the app",
    ),
    "app/runner/sneaky.py": (
        "from ..deploy.errors import DeployError\n",
        "runner imports deploy",
    ),
    "exporters/sneaky.py": (
        "__import__('app.settings')\n",
        "an exporter imports the app",
    ),
    "app/cli/sneaky.py": (
        "from importlib import import_module\nimport_module('keyring')\n",
        "only the credential store imports keyring",
    ),
}


@pytest.mark.parametrize("rel", sorted(PLANTED))
def test_a_planted_bad_import_is_caught(rel, tmp_path):
    """The rules can fail: a module with a forbidden import (relative or by string) is named."""
    source, rule = PLANTED[rel]
    path = tmp_path / "planted.py"
    path.write_text(source, encoding="utf-8")
    found = violations(rel, path)
    assert any(rule in v for v in found), found
    assert all(v.startswith(rel) for v in found)


def test_a_clean_module_passes(tmp_path):
    path = tmp_path / "clean.py"
    path.write_text("from . import nodes\nfrom graph_editor.types import PortType\n")
    assert violations("graph_editor/clean.py", path) == []


def test_pure_packages_import_without_qt():
    import subprocess
    import sys

    code = (
        "import sys, graph_editor.validation, graph_editor.fileformat, graph_editor.build, app.cli.main;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','NodeGraphQt','Qt')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
