"""The run session: node results of the run on show, and a history of runs to show again."""

from __future__ import annotations

import pytest

from graph_editor.run_session import NodeRun, OutputResult, RunKind, RunRecord, RunSession
from graph_editor.run_state import NodeState, RunState


def _session() -> tuple[RunSession, list[tuple[str, object]]]:
    session = RunSession()
    heard: list[tuple[str, object]] = []
    session.node_changed.connect(lambda node_id: heard.append(("node", node_id)))
    session.reset.connect(lambda _n: heard.append(("reset", None)))
    session.history_changed.connect(lambda _n: heard.append(("history", None)))
    return session, heard


def test_a_run_fills_node_results_and_says_which_node_changed() -> None:
    session, heard = _session()
    session.begin(RunRecord("r1", RunKind.DRY_RUN, "dry-run 1"))
    session.update("n1", state=NodeState.RUNNING)
    session.update("n1", state=NodeState.RUNNING)  # the same again: no news
    out = OutputResult("rows", 3, "3")
    session.update("n1", state=NodeState.SUCCEEDED, outputs=(out,), folder="/runs/1/artifacts")
    assert heard == [("reset", None), ("history", None), ("node", "n1"), ("node", "n1")]
    assert session.state("n1") == NodeState.SUCCEEDED
    assert session.node("n1").output("rows") == out and session.node("n1").output("x") is None
    assert session.node("never-ran") == NodeRun()
    session.finish(RunState.SUCCEEDED, {"state": "succeeded"}, folder="/runs/1", label="done")
    shown = session.shown
    assert shown is not None and shown.state == RunState.SUCCEEDED and shown.folder == "/runs/1"
    assert shown.label == "done" and shown.report == {"state": "succeeded"}


def test_history_lists_newest_first_and_an_earlier_run_comes_back() -> None:
    session, _heard = _session()
    session.add_found([RunRecord("/runs/old", RunKind.DRY_RUN, "old", folder="/runs/old")])
    session.begin(RunRecord("r1", RunKind.DRY_RUN, "first"))
    session.update("n1", state=NodeState.FAILED)
    session.finish(RunState.FAILED, folder="/runs/1")
    session.begin(RunRecord("r2", RunKind.DEPLOYED, "second"))
    session.update("n1", state=NodeState.SUCCEEDED)
    assert [r.key for r in session.runs] == ["r2", "r1", "/runs/old"]
    # the runs folder is read again later: known runs (by folder too) are not listed twice
    session.add_found([RunRecord("/runs/1", RunKind.DRY_RUN, "r1 on disk", folder="/runs/1")])
    assert [r.key for r in session.runs] == ["r2", "r1", "/runs/old"]
    kept = session.results_of("r1")
    assert kept is not None and kept["n1"].state == NodeState.FAILED
    session.show("r1", kept)
    assert session.state("n1") == NodeState.FAILED and session.shown.key == "r1"
    with pytest.raises(KeyError):
        session.show("nope", {})


def test_another_document_starts_with_no_runs() -> None:
    session, heard = _session()
    session.begin(RunRecord("r1", RunKind.DRY_RUN, "first"))
    session.update("n1", state=NodeState.SUCCEEDED)
    session.clear()
    assert session.runs == () and session.shown is None and session.state("n1") is None
    assert heard[-2:] == [("reset", None), ("history", None)]
