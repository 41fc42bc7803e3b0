"""What the export refuses, validation says first: each case by code, node and field, in the API and
in ``stitchboard validate FILE --backend ...`` (exit 1, one line naming the node and field)."""

import subprocess
import sys

import pytest

from exporters.airflow import export_pipeline
from graph_editor import fileformat
from graph_editor.backends import Backend
from graph_editor.errors import ValidationFailed
from graph_editor.export_rules import backend_issues, kubernetes_issues, worker_issues
from graph_editor.nodes import Distributed, Port, SecretRef, SecretSource
from graph_editor.types import PortType
from graph_editor.validation import has_errors, validate


def run_validate(path, *options):
    """``stitchboard validate`` in a real subprocess, as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "validate", str(path), *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


def secret_on(node_name, ref):
    def change(p):
        node = p.node_by_name(node_name)
        p.update_node(node.id, secrets=(ref,))

    return change


def bad_port(p):
    node = p.node_by_name("feature_stats")  # a script job: its ports are declared on the node
    outputs = (*node.outputs, Port("row-count", PortType.INT))
    p.update_node(node.id, outputs=outputs)


def long_tag(p):
    p.update_settings(tags=("example", "t" * 101))


# (what the user did, backend, code, node, field, words of the message)
CASES = {
    "kubernetes secret on the worker backend": (
        secret_on("train_logreg", SecretRef("DB_PASSWORD", SecretSource.KUBERNETES, "db", "pw")),
        "worker",
        "kubernetes-secret-on-worker",
        "train_logreg",
        "secrets.DB_PASSWORD",
        "cannot read",
    ),
    "port name that is not a Python name": (
        bad_port,
        "worker",
        "bad-port-name",
        "feature_stats",
        "outputs.row-count",
        "not a Python name",
    ),
    "unknown connection field": (
        secret_on(
            "train_logreg",
            SecretRef("WAREHOUSE", SecretSource.AIRFLOW_CONNECTION, "warehouse", "pasword"),
        ),
        "worker",
        "bad-connection-field",
        "train_logreg",
        "secrets.WAREHOUSE",
        "'pasword'",
    ),
    "bad connection id": (
        secret_on(
            "train_logreg",
            SecretRef("WAREHOUSE", SecretSource.AIRFLOW_CONNECTION, "ware house", "password"),
        ),
        "worker",
        "bad-connection-id",
        "train_logreg",
        "secrets.WAREHOUSE",
        "'ware house'",
    ),
    "tag over 100 characters": (
        long_tag,
        "worker",
        "bad-tag",
        "",
        "tags",
        "at most 100 characters",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_what_export_refuses_validation_reports_first(example_copy, case):
    change, backend, code, node_name, field, words = CASES[case]
    p = fileformat.load(example_copy)
    change(p)

    found = [i for i in validate(p, backend=Backend(backend)) if i.code == code]
    assert len(found) == 1, found
    issue = found[0]
    assert issue.is_error and issue.node_name == node_name and issue.field == field
    assert words in issue.message
    # The exporter refuses the same pipeline through the same issue, with every other error.
    with pytest.raises(ValidationFailed) as caught:
        export_pipeline(p, backend=backend)
    assert code in {i.code for i in caught.value.issues if i.is_error}

    fileformat.save(p, example_copy)
    done = run_validate(example_copy, "--backend", backend)
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if f"[{code}]" in line)
    assert (f"node {node_name!r}" in line if node_name else True) and f"({field})" in line
    assert "Traceback" not in done.stderr


def test_kubernetes_secrets_are_fine_on_kubernetes_and_refused_only_on_the_worker(example_copy):
    p = fileformat.load(example_copy)
    secret_on("train_logreg", SecretRef("DB_PASSWORD", SecretSource.KUBERNETES, "db", "pw"))(p)
    assert not has_errors(validate(p))
    assert not has_errors(validate(p, backend=Backend.KUBERNETES))
    assert [i.code for i in validate(p, backend=Backend.WORKER) if i.is_error] == [
        "kubernetes-secret-on-worker"
    ]
    assert [i.code for i in worker_issues(p) if i.is_error] == ["kubernetes-secret-on-worker"]
    assert [i for i in kubernetes_issues(p) if i.is_error] == []
    assert backend_issues(p, Backend.WORKER) == worker_issues(p)


def test_the_example_passes_both_backends(example_copy):
    p = fileformat.load(example_copy)
    for backend in Backend:
        assert not has_errors(validate(p, backend=backend)), backend
    done = run_validate(example_copy, "--backend", "worker")
    assert done.returncode == 0 and "OK (5 nodes" in done.stdout


def test_an_unknown_backend_is_a_usage_error(example_copy):
    done = run_validate(example_copy, "--backend", "lambda")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]  # after argparse's usage line
    assert "'lambda'" in last and "kubernetes" in last and "worker" in last


def test_json_output_carries_the_backend_issue(example_copy):
    import json

    p = fileformat.load(example_copy)
    secret_on("train_logreg", SecretRef("TOKEN", SecretSource.KUBERNETES, "api", "token"))(p)
    fileformat.save(p, example_copy)
    done = run_validate(example_copy, "--json", "--backend", "worker")
    assert done.returncode == 1
    issue = next(i for i in json.loads(done.stdout) if i["code"] == "kubernetes-secret-on-worker")
    assert issue["node"] == "train_logreg" and issue["field"] == "secrets.TOKEN"


def test_values_too_big_for_a_pod_environment_are_refused_on_kubernetes_only(example_copy):
    """A node's set values travel in its pod's environment, which Linux caps at 128 KiB."""
    p = fileformat.load(example_copy)
    node = p.node_by_name("feature_stats")  # a script job: inputs are declared on the node
    # Two values of 70 kB: each fits in one command-line argument, together not in one variable.
    half = ["x" * 1000] * 70
    p.update_node(
        node.id,
        inputs=(*node.inputs, Port("labels", PortType.LIST), Port("more", PortType.LIST)),
        values={"labels": half, "more": half},
    )
    assert not has_errors(validate(p, backend=Backend.WORKER))
    k8s = [i for i in validate(p, backend=Backend.KUBERNETES) if i.is_error]
    assert [(i.code, i.node_name) for i in k8s] == [("values-too-large-for-pod", "feature_stats")]
    p.update_node(node.id, values={"labels": half})  # 70 kB: travels
    assert not has_errors(validate(p, backend=Backend.KUBERNETES))


def test_a_distributed_job_on_the_worker_backend_is_a_warning(example_copy):
    p = fileformat.load(example_copy)
    mlp = p.node_by_name("train_mlp")
    p.update_node(mlp.id, distributed=Distributed(workers=3, gpus_per_worker=1))
    found = [
        (i.code, i.is_error) for i in validate(p, backend=Backend.WORKER) if i.node_id == mlp.id
    ]
    assert found == [("distributed-on-worker", False)]
