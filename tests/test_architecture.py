"""The house rules of ARCHITECTURE.md, checked on every module's imports (an import-linter
equivalent that needs nothing installed): Qt only in the two Qt subpackages, imports pointing
one way, keyring only in the credential store, the Airflow client only in deploy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6", "Qt", "NodeGraphQt")
QT_HOMES = ("graph_editor/qt", "app/gui")


def modules():
    for package in ("app", "graph_editor", "exporters"):
        for path in sorted((REPO / package).rglob("*.py")):
            yield path.relative_to(REPO).as_posix(), path


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


ALL = list(modules())


@pytest.mark.parametrize(("rel", "path"), ALL, ids=[r for r, _ in ALL])
def test_import_rules(rel, path):
    names = imports_of(path)
    in_qt_home = rel.startswith(QT_HOMES)
    if not in_qt_home:
        assert not {n for n in names if top(n) in QT}, (
            f"{rel} imports Qt outside the Qt subpackages"
        )
    if rel.startswith("graph_editor/"):
        assert not {n for n in names if top(n) in ("app", "exporters")}, (
            f"{rel}: the model imports a service"
        )
    if rel.startswith("graph_editor/qt/"):
        assert not {n for n in names if top(n) == "app"}, f"{rel}: the canvas imports the app"
    if rel.startswith("exporters/"):
        assert not {n for n in names if top(n) == "app"}, f"{rel}: an exporter imports the app"
    if rel.startswith("app/runner/"):
        assert not {n for n in names if n.startswith("app.deploy")}, f"{rel}: runner imports deploy"
    if rel.startswith("app/deploy/"):
        assert not {n for n in names if n.startswith("app.runner")}, f"{rel}: deploy imports runner"
    if rel != "app/credentials.py":
        assert "keyring" not in {top(n) for n in names}, (
            f"{rel}: only the credential store imports keyring"
        )
    if not rel.startswith("app/deploy/"):
        assert "airflow_client" not in {top(n) for n in names}, (
            f"{rel}: only deploy talks to Airflow"
        )


def test_rules_see_real_modules():
    """The checker really parses the tree (guards against a glob that finds nothing)."""
    rels = [r for r, _ in ALL]
    assert "graph_editor/pipeline.py" in rels and "app/cli/main.py" in rels
    assert "networkx" in imports_of(REPO / "graph_editor" / "pipeline.py")


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
