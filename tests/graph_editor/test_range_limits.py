"""Pipelines Airflow, Python or Kubernetes cannot take are errors with a code before export.

Each limit is the one measured in ``graph_editor.limits``; where the real thing runs here (the
Python parser, the task timer, exec) a test shows the limit is where it says it is.
"""

import json
import signal
import subprocess
import sys

import pytest

from exporters.airflow import export_pipeline
from graph_editor import fileformat
from graph_editor.backends import Backend
from graph_editor.limits import DB_INTEGER_MAX, ENV_STRING_MAX, SECONDS_MAX, VALUE_DEPTH_MAX
from graph_editor.nodes import PipelineParameter
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import has_errors, validate


@pytest.fixture
def example(example_copy):
    return fileformat.load(example_copy)


def errors(pipeline, backend=None):
    return [i for i in validate(pipeline, backend=backend) if i.is_error]


def error_codes(pipeline, backend=None):
    return sorted({i.code for i in errors(pipeline, backend)})


def nested(depth):
    """A list nested ``depth`` levels deep: [[[...]]]."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_an_empty_pipeline_is_an_error():
    assert error_codes(Pipeline()) == ["empty-pipeline"]


@pytest.mark.parametrize(
    "schedule", ["*/0 * * * *", "1-5/0 * * * *", "0 0 30 2 *", "0 0 31 4,6 *", "0 0 1,,2 * *"]
)
def test_schedules_croniter_refuses_are_errors(example, schedule):
    example.update_settings(schedule=schedule)
    assert error_codes(example) == ["bad-schedule"]


@pytest.mark.parametrize(
    "schedule", ["*/100 * * * *", "0 22-2 * * *", "0 0 31 1,2 *", "0 0 30 2 mon", "5/15 * * * *"]
)
def test_schedules_croniter_accepts_stay_valid(example, schedule):
    example.update_settings(schedule=schedule)
    assert error_codes(example) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("retry_delay_seconds", SECONDS_MAX + 1, "bad-retry-delay"),
        ("retry_delay_seconds", 86_400_000_000_000, "bad-retry-delay"),  # timedelta overflows
        ("retry_delay_seconds", -1, "bad-retry-delay"),
        ("max_active_runs", 2**63, "bad-max-active-runs"),
        ("max_active_runs", DB_INTEGER_MAX + 1, "bad-max-active-runs"),
        ("default_retries", DB_INTEGER_MAX + 1, "bad-retries"),
    ],
)
def test_pipeline_numbers_past_airflows_limits(example, field, value, code):
    example.update_settings(**{field: value})
    found = errors(example)
    assert [(i.code, i.field) for i in found] == [(code, field)]


def test_pipeline_numbers_at_the_limits_are_fine(example):
    example.update_settings(
        retry_delay_seconds=SECONDS_MAX, max_active_runs=DB_INTEGER_MAX, default_retries=0
    )
    assert errors(example) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("timeout_seconds", SECONDS_MAX + 1, "bad-timeout"),
        ("timeout_seconds", 86_400_000_000_000, "bad-timeout"),
        ("retries", DB_INTEGER_MAX + 1, "bad-retries"),
    ],
)
def test_node_numbers_past_airflows_limits(example, field, value, code):
    node = example.node_by_name("train_logreg")
    example.update_node(node.id, **{field: value})
    found = errors(example)
    assert [(i.code, i.node_name, i.field) for i in found] == [(code, "train_logreg", field)]


def test_the_timeout_limit_is_the_task_timers(example):
    """Airflow's task timeout is signal.setitimer: the limit is the largest it takes."""
    signal.setitimer(signal.ITIMER_REAL, SECONDS_MAX)
    signal.setitimer(signal.ITIMER_REAL, 0)
    with pytest.raises(OverflowError):
        signal.setitimer(signal.ITIMER_REAL, SECONDS_MAX + 2)
    signal.setitimer(signal.ITIMER_REAL, 0)
    node = example.node_by_name("train_logreg")
    example.update_node(node.id, timeout_seconds=SECONDS_MAX)
    assert errors(example) == []


def test_a_parameter_default_nested_too_deep_is_an_error(example):
    params = (
        *example.settings.parameters,
        PipelineParameter("grid", PortType.LIST, nested(200)),
    )
    example.update_settings(parameters=params)
    found = errors(example)
    assert [(i.code, i.field) for i in found] == [("value-too-deep", "parameters.grid")]


def test_a_node_value_nested_too_deep_is_an_error(example):
    node = example.node_by_name("train_logreg")
    example.update_node(node.id, values={"epochs": nested(VALUE_DEPTH_MAX + 1)})
    found = errors(example)
    assert [(i.code, i.field) for i in found] == [("value-too-deep", "values.epochs")]


@pytest.mark.parametrize("backend", list(Backend))
def test_the_depth_limit_is_one_the_dag_file_can_hold(example, backend, monkeypatch):
    """At the limit the generated DAG still parses; far past it Python refuses the file."""
    import exporters.airflow

    # Render past validation (which refuses depth 200) to show Python's own limit.
    monkeypatch.setattr(exporters.airflow, "has_errors", lambda _issues: False)
    params = (*example.settings.parameters, PipelineParameter("grid", PortType.LIST, None))
    example.update_settings(parameters=params)
    for depth, parses in ((VALUE_DEPTH_MAX, True), (200, False)):
        grid = PipelineParameter("grid", PortType.LIST, nested(depth))
        example.update_settings(parameters=(*params[:-1], grid))
        source = export_pipeline(example, backend=backend.value).dag_source
        if parses:
            compile(source, "dag.py", "exec")
        else:
            with pytest.raises(SyntaxError, match="too many nested parentheses"):
                compile(source, "dag.py", "exec")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (float("nan"), "value-not-json"),
        (float("inf"), "value-not-json"),
        (10**4300, "value-too-large"),
    ],
    ids=["nan", "infinity", "4301-digit-int"],
)
def test_values_no_json_or_dag_can_carry_are_errors(example, value, code):
    node = example.node_by_name("prepare_data")
    example.update_node(node.id, values={"test_fraction": value})
    found = errors(example)
    assert [(i.code, i.field) for i in found] == [(code, "values.test_fraction")]


def test_a_self_loop_from_a_file_is_an_error_not_a_crash(example_copy):
    """The editor refuses a self loop; a hand-edited file still gets one to the loader."""
    doc = json.loads(example_copy.read_text())
    first = doc["nodes"][0]["id"]
    doc["edges"].append({"source": first, "target": first})
    example_copy.write_text(json.dumps(doc))
    p = fileformat.load(example_copy)
    found = errors(p)
    assert [(i.code, i.node_id) for i in found] == [("self-loop", first)]
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "validate", str(example_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "[self-loop]" in done.stdout
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize(
    ("where", "code"),
    [("dag_id", "bad-dag-id"), ("namespace", "bad-namespace"), ("name", "bad-name")],
)
def test_a_trailing_newline_never_makes_a_valid_name(example, where, code):
    if where == "name":
        node = example.node_by_name("train_logreg")
        example.update_node(node.id, name="train_logreg\n")
    else:
        example.update_settings(**{where: getattr(example.settings, where) + "\n"})
    assert code in error_codes(example)


def test_a_trailing_newline_in_an_env_name_is_an_error(example):
    node = example.node_by_name("train_logreg")
    example.update_node(node.id, env={"MODE\n": "fast"})
    found = errors(example)
    assert [(i.code, i.field) for i in found] == [("bad-env", "env.MODE\n")]


def test_nul_in_an_env_value_is_an_error(example):
    node = example.node_by_name("train_logreg")
    example.update_node(node.id, env={"MODE": "fa\0st"})
    found = errors(example)
    assert [(i.code, i.field) for i in found] == [("bad-env", "env.MODE")]
    assert "NUL" in found[0].message


def test_an_env_value_past_what_exec_takes_is_an_error(example):
    """Linux refuses one environment string over MAX_ARG_STRLEN: shown with a real exec."""
    node = example.node_by_name("train_logreg")
    fits = "x" * (ENV_STRING_MAX - len("MODE") - 2)
    subprocess.run(["true"], env={"MODE": fits}, check=True)
    with pytest.raises(OSError):
        subprocess.run(["true"], env={"MODE": fits + "x"}, check=True)
    example.update_node(node.id, env={"MODE": fits})
    assert errors(example) == []
    example.update_node(node.id, env={"MODE": fits + "x"})
    assert [i.code for i in errors(example)] == ["env-too-large"]


def test_a_script_named_like_the_runtime_is_an_error(example, example_copy):
    node = example.node_by_name("feature_stats")
    (example_copy.parent / node.source).rename(example_copy.parent / "stitchboard_runtime.py")
    example.update_node(node.id, source="stitchboard_runtime.py")
    found = errors(example)
    assert [(i.code, i.node_name, i.field) for i in found] == [
        ("reserved-source-name", "feature_stats", "source")
    ]


def test_a_keyword_port_name_is_an_error_for_every_backend(example):
    from graph_editor.nodes import Port

    node = example.node_by_name("feature_stats")
    example.update_node(node.id, outputs=(*node.outputs, Port("class", PortType.STR)))
    assert error_codes(example) == ["bad-port-name"]
    for backend in Backend:
        assert has_errors(validate(example, backend=backend))


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("start_date", "1969-12-31", "bad-start-date"),
        ("start_date", "9999-12-31", "bad-start-date"),
        ("owner", "o" * 2001, "bad-owner"),
        ("tags", ("t" * 101,), "bad-tag"),
    ],
)
def test_dates_owner_and_tags_past_what_airflow_stores(example, field, value, code):
    example.update_settings(**{field: value})
    assert [(i.code, i.field) for i in errors(example)] == [(code, field)]


def test_a_script_value_past_what_one_argument_holds_is_an_error(example, tmp_path):
    """A script job gets each value as one --name=value argument; exec refuses one over 128 KiB."""
    from graph_editor.limits import ARG_STRING_MAX
    from graph_editor.nodes import Port

    too_long = "x" * ARG_STRING_MAX
    with pytest.raises(OSError):
        subprocess.run(["true", f"--note={too_long}"], check=True)
    node = example.node_by_name("feature_stats")
    example.update_node(node.id, inputs=(*node.inputs, Port("note", PortType.STR)))
    example.update_node(node.id, values={"note": too_long})
    assert [(i.code, i.field) for i in errors(example)] == [
        ("script-argument-too-large", "values.note")
    ]
    example.update_node(node.id, values={"note": "a\0b"})
    assert [(i.code, i.field) for i in errors(example)] == [("bad-script-argument", "values.note")]
    example.update_node(node.id, values={"note": "x" * 1000})
    assert errors(example) == []
