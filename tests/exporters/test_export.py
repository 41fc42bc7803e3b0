"""Export without Airflow: golden files, determinism, formatting, AST shape and exact values."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporters.airflow import export_pipeline
from exporters.content import unpack
from exporters.errors import ExportError
from graph_editor.errors import ValidationFailed
from graph_editor.nodes import SecretRef, SecretSource
from tests.exporters.helpers import example, has_jinja, run_module, special_pipeline, unwrap

GOLDEN = Path(__file__).parent / "golden"
CASES = [("example", "kubernetes"), ("example", "worker"), ("special", "kubernetes")]


def build(kind: str, folder: Path):
    return example(folder) if kind == "example" else special_pipeline(folder / "special")


@pytest.mark.parametrize("kind,backend", CASES)
def test_golden_files(kind: str, backend: str, tmp_path: Path) -> None:
    """The generated module matches its reviewed golden file (STITCHBOARD_UPDATE_GOLDEN=1 rewrites)."""
    source = export_pipeline(build(kind, tmp_path), backend).dag_source
    golden = GOLDEN / f"{kind}_{backend}.py"
    if os.environ.get("STITCHBOARD_UPDATE_GOLDEN"):
        golden.write_text(source, encoding="utf-8")
    assert source == golden.read_text(encoding="utf-8")


def test_same_pipeline_same_bytes_wherever_it_lives(tmp_path: Path) -> None:
    first = export_pipeline(example(tmp_path / "a"))
    second = export_pipeline(example(tmp_path / "b" / "deeper"))
    assert first.files == second.files and first.digest == second.digest
    assert str(tmp_path) not in first.dag_source and "/root" not in first.dag_source


def test_goldens_are_black_ruff_and_isort_clean() -> None:
    files = [str(p) for p in sorted(GOLDEN.glob("*.py"))]
    assert len(files) == len(CASES)
    black = subprocess.run(
        [sys.executable, "-m", "black", "--check", "-q", "-l", "88", *files],
        capture_output=True,
        text=True,
    )
    assert black.returncode == 0, black.stderr
    ruff = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--isolated",
            "--check",
            "--line-length",
            "88",
            *files,
        ],
        capture_output=True,
        text=True,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I,F", *files],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


def test_module_top_level_is_cheap(tmp_path: Path) -> None:
    """Only imports, constants, function defs and the DAG block run at parse time."""
    tree = ast.parse(export_pipeline(special_pipeline(tmp_path)).dag_source)
    kinds = {type(n).__name__ for n in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Import", "Assign", "FunctionDef", "With"}
    modules = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert modules <= {
        "__future__",
        "collections.abc",
        "datetime",
        "json",
        "typing",
        "airflow.sdk",
        "kubernetes.client",
        "airflow.providers.cncf.kubernetes.operators.pod",
        "airflow.providers.cncf.kubernetes.secret",
        "airflow.providers.standard.operators.python",
    }
    calls = {
        n.func.id
        for n in ast.walk(tree.body[-2])
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert "open" not in calls


def test_example_values_reach_the_tasks(tmp_path: Path) -> None:
    pipeline = example(tmp_path)
    _, calls = run_module(export_pipeline(pipeline).dag_source)
    dag = next(c for c in calls if c.kind == "DAG").kwargs
    assert dag["dag_id"] == "customer_churn" and dag["schedule"] == "@daily"
    assert dag["default_args"]["owner"] == "data-science" and dag["tags"] == ["example", "ml"]
    assert dag["doc_md"].startswith(pipeline.settings.description)
    params = {k: (v.args[0], v.kwargs["type"]) for k, v in dag["params"].items()}
    assert params == {"n_rows": (400, "integer"), "min_accuracy": (0.6, "number")}
    pods = {c.kwargs["task_id"]: c for c in calls if c.kind == "KubernetesPodOperator"}
    assert list(pods) == [pipeline.node(n).name for n in pipeline.topological_order()]
    for node in pipeline.nodes:
        pod = pods[node.name]
        assert pod.kwargs["image"] == (node.image or pipeline.settings.default_image)
        assert pod.kwargs["namespace"] == "ml-pipelines"
        upstream = {pipeline.node(u).name for u in pipeline.upstream(node.id)}
        assert set(pod.upstream) == upstream
    mlp = pods["train_mlp"].kwargs
    res = mlp["container_resources"]
    assert res.kwargs["limits"] == {"nvidia.com/gpu": "1"}
    assert res.kwargs["requests"] == {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1"}
    assert mlp["execution_timeout"].total_seconds() == 1800


def test_shipped_content_is_stripped_and_complete(tmp_path: Path) -> None:
    pipeline = example(tmp_path)
    namespace, _ = run_module(export_pipeline(pipeline, "worker").dag_source)
    content = namespace["CONTENT"]
    runtime = unpack(content[namespace["SHIPPED"]["stitchboard_runtime.py"]])
    assert "def run_notebook" in runtime
    layer = unpack(content[namespace["SHIPPED"]["stitchboard_artifacts.py"]])
    assert "def store_output" in layer
    texts = [unpack(v) for v in content.values()]
    assert any('"outputs": []' in t and 'execution_count": null' in t for t in texts)
    assert not any('"execution_count": 1' in t for t in texts)
    # editing a notebook changes what ships, and only that content
    nb = pipeline.source_path(pipeline.node_by_name("compare_models"))
    before = export_pipeline(pipeline, "worker")
    nb.write_text(nb.read_text().replace("best_model", "best_model "), encoding="utf-8")
    after = export_pipeline(pipeline, "worker")
    assert before.digest != after.digest


def test_secrets_never_inline_and_connections_are_templates(tmp_path: Path) -> None:
    _, calls = run_module(export_pipeline(special_pipeline(tmp_path)).dag_source)
    fetch = next(c for c in calls if c.kwargs.get("task_id") == "fetch").kwargs
    assert [s.args for s in fetch["secrets"]] == [("env", "API_TOKEN", "api-secrets", "token")]
    assert fetch["env_vars"]["DB_URI"] == "{{ conn.get('warehouse_db').get_uri() }}"
    assert fetch["env_vars"]["DB_PASSWORD"] == "{{ conn.get('warehouse_db').password }}"
    assert fetch["pool"] == "io_pool" and fetch["retries"] == 5


def test_worker_backend_refuses_kubernetes_secrets(tmp_path: Path) -> None:
    pipeline = special_pipeline(tmp_path)
    with pytest.raises(ValidationFailed, match="fetch|api-secrets") as caught:
        export_pipeline(pipeline, "worker")
    assert any("api-secrets" in str(i) or "API_TOKEN" in str(i) for i in caught.value.issues)


def test_validation_errors_refuse_export_with_every_error(tmp_path: Path) -> None:
    pipeline = example(tmp_path)
    pipeline.update_settings(namespace="Not A Name", dag_id="bad dag id")
    with pytest.raises(ValidationFailed, match="and 1 more") as caught:
        export_pipeline(pipeline)
    fields = {i.field for i in caught.value.issues if i.is_error}
    assert {"namespace", "dag_id"} <= fields


def test_bad_connection_field_is_one_clear_error(tmp_path: Path) -> None:
    pipeline = example(tmp_path)
    node = pipeline.node_by_name("train_logreg")
    pipeline.update_node(
        node.id, secrets=(SecretRef("X", SecretSource.AIRFLOW_CONNECTION, "db", "secret"),)
    )
    # Validation names it now, before the exporter's own check is reached.
    with pytest.raises(ValidationFailed, match="train_logreg|'secret'") as caught:
        export_pipeline(pipeline)
    assert [i.node_id for i in caught.value.issues if i.is_error] == [node.id]


def test_unknown_backend_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown backend 'celery'"):
        export_pipeline(example(tmp_path), "celery")


def test_user_jinja_is_literal(tmp_path: Path) -> None:
    pipeline = example(tmp_path)
    node = pipeline.node_by_name("train_logreg")
    pipeline.update_node(node.id, env={"T": "{{ dag_run.conf }}"}, image="img:{{x}}")
    _, calls = run_module(export_pipeline(pipeline).dag_source)
    pod = next(c for c in calls if c.kwargs.get("task_id") == "train_logreg").kwargs
    assert unwrap(pod["env_vars"]["T"]) == "{{ dag_run.conf }}" and not has_jinja(
        pod["env_vars"]["T"]
    )
    assert unwrap(pod["image"]) == "img:{{x}}" and not has_jinja(pod["image"])


def test_bundle_write_is_atomic_and_lists_files(tmp_path: Path) -> None:
    bundle = export_pipeline(example(tmp_path))
    paths = bundle.write(tmp_path / "dags")
    assert [p.name for p in paths] == ["customer_churn.py"]
    assert paths[0].read_bytes() == bundle.files["customer_churn.py"]
    assert sorted(p.name for p in (tmp_path / "dags").iterdir()) == ["customer_churn.py"]


def test_cli_export(tmp_path: Path) -> None:
    pipeline_file = example(tmp_path).path
    out = tmp_path / "dags"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "export",
            str(pipeline_file),
            "-o",
            str(out),
            "--backend",
            "worker",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "customer_churn.py").exists() and "customer_churn" in done.stdout
    text = pipeline_file.read_text().replace('"namespace": "ml-pipelines"', '"namespace": "Bad NS"')
    pipeline_file.write_text(text)
    bad = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "export", str(pipeline_file), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "namespace" in bad.stdout and "Traceback" not in bad.stderr
