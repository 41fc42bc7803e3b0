"""The run report as typed values: each failure kind writes the keys the report always had."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from app.events import LogEvent, LogLevel, NodeState, RunFinished, RunState
from app.runner.failure import FailureKind, NodeFailure
from app.runner.options import RunMode
from app.runner.report import NodeRecord, summary
from graph_editor.nodes import Node


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (
            NodeFailure(
                FailureKind.CELL, "ValueError", "bad", cell=3, where="in cell 3", notebook="n.ipynb"
            ),
            {
                "type": "ValueError",
                "message": "bad",
                "cell": 3,
                "notebook": "n.ipynb",
                "where": "in cell 3",
                "kind": "cell",
            },
        ),
        (
            NodeFailure(FailureKind.SCRIPT, "KeyError", "'x'", log="s.log", exit_code=1),
            {
                "type": "KeyError",
                "message": "'x'",
                "cell": None,
                "log": "s.log",
                "exit_code": 1,
                "kind": "script",
            },
        ),
        (
            NodeFailure(FailureKind.TIMEOUT, "Timeout", "timed out after 2 s", notebook="n.ipynb"),
            {
                "type": "Timeout",
                "message": "timed out after 2 s",
                "cell": None,
                "notebook": "n.ipynb",
                "kind": "timeout",
            },
        ),
        (
            NodeFailure(FailureKind.INPUT, "InputError", "input 'x' has no value"),
            {
                "type": "InputError",
                "message": "input 'x' has no value",
                "cell": None,
                "kind": "input",
            },
        ),
    ],
    ids=["cell", "script", "timeout", "input"],
)
def test_each_failure_kind_writes_the_reports_keys_in_order(failure, expected) -> None:
    data = failure.to_json()
    assert data == expected and list(data) == list(expected)


@pytest.mark.parametrize(
    "failure",
    [
        NodeFailure(
            FailureKind.CELL,
            "ValueError",
            "bad rows",
            cell=5,
            where="in cell 5",
            notebook="n.ipynb",
            traceback="Traceback ...\nValueError: bad rows",
            cell_source="raise ValueError('bad rows')",
        ),
        NodeFailure(FailureKind.SCRIPT, "KeyError", "'x'", log="s.log", exit_code=2),
        NodeFailure(FailureKind.INPUT, "InputError", "input 'x' has no value"),
    ],
    ids=["cell", "script", "input"],
)
def test_a_failure_read_back_from_run_json_is_the_one_the_run_built(failure) -> None:
    assert NodeFailure.from_json(json.loads(json.dumps(failure.to_json()))) == failure


def test_a_report_from_before_failures_kept_their_kind_still_shows_the_cell() -> None:
    old = {"type": "ValueError", "message": "bad", "cell": 3, "where": "in cell 3"}
    failure = NodeFailure.from_json(old)
    assert failure is not None and failure.kind == FailureKind.CELL
    assert failure.headline == "in cell 3: ValueError: bad"
    assert NodeFailure.from_json(None) is None and NodeFailure.from_json({"cell": 1}) is None


def test_a_runner_exception_becomes_a_failure_line() -> None:
    failure = NodeFailure.from_exception(RuntimeError("kernel gone"))
    assert failure.kind == FailureKind.RUNNER and failure.line == "RuntimeError: kernel gone"


def test_the_summary_counts_failed_nodes_and_writes_run_json(tmp_path: Path) -> None:
    ok, bad = NodeRecord(Node("a", "load")), NodeRecord(Node("b", "train"))
    ok.state, ok.mode, ok.outputs = NodeState.SUCCEEDED, RunMode.CACHED, {"rows": 3}
    bad.state = NodeState.FAILED
    bad.error = NodeFailure(FailureKind.OUTPUT, "OutputError", "'x' is not JSON")
    report = summary(None, "p", tmp_path, RunState.FAILED, [ok, bad], time.time(), {"jobs": 1})
    ok.outputs["rows"] = 99  # the report is a snapshot, not a view of the records
    data = report.to_json()
    assert data["counts"] == {"succeeded": 1, "failed": 1} and data["failed"] == ["train"]
    assert data["nodes"][0]["mode"] == "cached" and data["nodes"][0]["outputs"] == {"rows": 3}
    assert data["nodes"][1]["error"] == {
        "type": "OutputError",
        "message": "'x' is not JSON",
        "cell": None,
        "kind": "output",
    }
    old = os.umask(0o022)
    try:
        path = report.write()
    finally:
        os.umask(old)
    assert json.loads(path.read_text()) == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0600
    finished = RunFinished(RunState.FAILED, report)
    assert finished.summary == data and finished.report is report


def test_a_log_level_outside_the_vocabulary_is_refused() -> None:
    assert LogEvent("x", level="warning").level is LogLevel.WARNING  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'loud' is not a valid LogLevel"):
        LogEvent("x", level="loud")  # type: ignore[arg-type]
