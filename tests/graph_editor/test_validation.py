"""Validation reports every problem with severity, code, node and a message a user understands."""

import dataclasses

import pytest

from graph_editor import fileformat
from graph_editor.build import refresh_ports
from graph_editor.nodes import (
    Distributed,
    Edge,
    Node,
    NodeKind,
    PipelineParameter,
    Port,
    Resources,
    SecretRef,
    SecretSource,
)
from graph_editor.types import PortType
from graph_editor.validation import Severity, cron_problem, validate
from tests.helpers import write_notebook


def codes(issues, severity=None):
    return sorted({i.code for i in issues if severity is None or i.severity == severity})


@pytest.fixture
def example(example_copy):
    return fileformat.load(example_copy)


def by_name(p, name):
    return p.node_by_name(name)


def test_the_example_is_clean(example):
    assert validate(example) == []


def test_a_cycle_names_the_nodes_on_it(example):
    example.add_edge(
        Edge(by_name(example, "compare_models").id, by_name(example, "prepare_data").id),
        check=False,
    )
    issues = [i for i in validate(example) if i.code == "cycle"]
    assert len(issues) == 1 and issues[0].is_error
    for name in ("prepare_data", "train_logreg", "compare_models"):
        assert name in issues[0].message


def test_a_type_mismatch_on_a_wire(example):
    cmp_ = by_name(example, "compare_models")
    example.remove_edge(example.wire_into(cmp_.id, "logreg_accuracy"))
    example.add_edge(
        Edge(by_name(example, "train_mlp").id, cmp_.id, "backend", "logreg_accuracy"), check=False
    )
    issue = next(i for i in validate(example) if i.code == "type-mismatch")
    assert issue.node_name == "compare_models"
    assert (
        "train_mlp.backend -> compare_models.logreg_accuracy: str cannot feed float"
        in issue.message
    )


def test_a_changed_notebook_breaks_wires_loudly(example):
    """Re-inspection after a notebook loses a parameter keeps the wire and flags it."""
    lr = by_name(example, "train_logreg")
    path = example.source_path(lr)
    write_notebook(
        path,
        parameters="train: dict = {}\nlearning_rate: float = 0.1",
        outputs="accuracy: float = 0.5\nweights = []",
    )
    refresh_ports(example, lr.id)
    assert example.wire_into(lr.id, "test") is not None  # never silently dropped
    issues = validate(example)
    assert any(
        i.code == "missing-parameter" and i.node_name == "train_logreg" and "'test'" in i.message
        for i in issues
    )
    write_notebook(path, parameters="train: dict = {}\ntest: dict = {}", outputs="weights = []")
    refresh_ports(example, lr.id)
    assert any(i.code == "missing-output" and "accuracy" in i.message for i in validate(example))


def test_values_and_bindings_are_checked(example):
    prep = by_name(example, "prepare_data")
    example.update_node(
        prep.id,
        values={"seed": "seven", "colour": 1, "n_rows": 5},
        bindings={"n_rows": "n_rows", "test_fraction": "nope"},
    )
    issues = validate(example)
    messages = " | ".join(i.message for i in issues)
    assert "'seed' needs a int, the value set is a str" in messages.replace("an int", "a int")
    assert "'colour', which is not a parameter of prepare_data.ipynb" in messages
    assert "bound to pipeline parameter 'nope', which does not exist" in messages
    assert "value-type" in codes(issues, Severity.ERROR)


def test_missing_or_unreadable_notebook(example):
    lr = by_name(example, "train_logreg")
    example.update_node(lr.id, source="gone.ipynb")
    example.source_path(by_name(example, "train_mlp")).write_text("{not json")
    issues = [i for i in validate(example) if i.code == "unreadable-source"]
    assert {i.node_name for i in issues} == {"train_logreg", "train_mlp"}
    assert any("gone.ipynb: file not found" in i.message for i in issues)


def test_names_task_ids_dag_id_schedule(example):
    nodes = example.nodes
    example.update_node(nodes[0].id, name="same")
    example.update_node(nodes[1].id, name="same")
    example.update_node(nodes[2].id, name="has space!")
    example.update_settings(dag_id="bad id", schedule="61 * * * *", start_date="yesterday")
    found = codes(validate(example), Severity.ERROR)
    assert {"duplicate-name", "bad-name", "bad-dag-id", "bad-schedule", "bad-start-date"} <= set(
        found
    )


@pytest.mark.parametrize(
    ("expr", "ok"),
    [
        ("", True),
        ("@daily", True),
        ("*/15 * * * *", True),
        ("0 3 * * mon-fri", True),
        ("0 0 1 jan *", True),
        ("@sometimes", False),
        ("* * * *", False),
        ("60 * * * *", False),
        ("0 25 * * *", False),
        ("*/x * * * *", False),
    ],
)
def test_cron(expr, ok):
    assert (cron_problem(expr) == "") == ok


def test_resources_env_and_secrets(example):
    node = example.nodes[0]
    example.update_node(
        node.id,
        resources=Resources(cpu="lots", memory="2GB"),
        retries=-1,
        timeout_seconds=0,
        env={"1BAD": "x", "OK": "y"},
        secrets=(
            SecretRef("OK", SecretSource.KUBERNETES, "db", "pw"),
            SecretRef("TOKEN", SecretSource.KUBERNETES, "Bad_Name", ""),
        ),
    )
    issues = [i for i in validate(example) if i.node_id == node.id]
    assert {"bad-resources", "bad-retries", "bad-timeout", "bad-env", "bad-secret"} <= set(
        codes(issues)
    )
    assert any("CPU 'lots' is not a Kubernetes quantity" in i.message for i in issues)


def test_distributed_jobs_need_an_image_and_gpus(example):
    mlp = by_name(example, "train_mlp")
    example.update_node(mlp.id, image="", distributed=Distributed(workers=4, gpus_per_worker=0))
    found = codes([i for i in validate(example) if i.node_id == mlp.id])
    assert "distributed-no-image" in found and "distributed-no-gpu" in found


def test_a_script_on_a_plain_node_is_a_cpu_job_with_a_hint_about_its_gpu_import(example):
    fs = by_name(example, "feature_stats")
    example.update_node(fs.id, kind=NodeKind.NOTEBOOK, resources=Resources())
    issues = [i for i in validate(example) if i.node_id == fs.id]
    assert not [i for i in issues if i.is_error]
    assert [i.code for i in issues] == ["gpu-library-on-plain-node"]
    assert "cudf" in issues[0].message and "RAPIDS" in issues[0].message


def test_unused_parameter_is_a_warning(example):
    params = example.settings.parameters + (PipelineParameter("spare", PortType.INT, 1),)
    example.update_settings(parameters=params)
    issues = validate(example)
    assert [(i.code, i.severity) for i in issues] == [("unused-parameter", Severity.WARNING)]


def test_issue_text_is_one_line_and_json_ready(example):
    example.update_node(example.nodes[0].id, name="bad\nname")
    issue = next(i for i in validate(example) if i.code == "bad-name")
    assert str(issue).startswith("error: node 'bad\\nname': ")
    assert issue.to_json()["code"] == "bad-name"


def test_validation_never_raises_on_odd_pipelines(tmp_path):
    from graph_editor.pipeline import Pipeline

    p = Pipeline(path=tmp_path / "x.stitch")
    p.add_node(Node(id="a", name="", source=""))
    p.add_node(
        dataclasses.replace(
            Node(id="b", name="b", source="x.txt"), inputs=(Port("i", PortType.INT),)
        )
    )
    p.add_edge(Edge("a", "b", "nothing", "i"), check=False)
    found = codes(validate(p))
    assert {"no-name", "no-source", "bad-source", "missing-output"} <= set(found)


def test_a_value_hidden_by_a_wire_or_parameter_is_a_warning(example):
    """Wire beats parameter beats set value (dry-run and export agree); a hidden value is flagged."""
    prep, lr = by_name(example, "prepare_data"), by_name(example, "train_logreg")
    example.update_node(prep.id, values={"n_rows": 10})
    example.update_node(lr.id, values={"epochs": 5})
    example.add_edge(Edge(prep.id, lr.id, "rows", "epochs"))
    found = [(i.node_name, i.code, i.severity) for i in validate(example)]
    assert ("prepare_data", "value-overridden", Severity.WARNING) in found
    assert ("train_logreg", "value-overridden", Severity.WARNING) in found
