"""Dry-run behaviour with small real notebooks: parallelism, failures, timeouts, cancel, samples."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import nbformat
import pytest

from app.events import LogEvent, NodeEvent, NodeState, RunFinished
from app.runner import DryRun, RunOptions
from app.runner.errors import RunError
from app.runner.failure import FailureKind
from app.runner.local import has_module
from app.runner.report import RunSummary
from graph_editor.errors import ValidationFailed
from graph_editor.nodes import NodeKind, Port
from graph_editor.types import PortType
from tests.app.runner.builders import alive, descendants, notebook, pipeline

pytestmark = pytest.mark.slow


def finish(run: DryRun) -> dict:
    events = list(run.events())
    assert isinstance(events[-1], RunFinished)
    report = events[-1].report
    assert isinstance(report, RunSummary)
    assert json.loads((run.run_dir / "run.json").read_text()) == json.loads(
        json.dumps(events[-1].summary, default=repr)
    )
    nodes = {n["name"]: n for n in events[-1].summary["nodes"]}
    return nodes | {"_": events[-1].summary, "_report": report}


def test_independent_nodes_overlap_in_time(tmp_path: Path) -> None:
    body = "import time\nt0 = time.time()\ntime.sleep(1.5)\nt1 = time.time()"
    a = notebook(tmp_path / "a.ipynb", body=body, outputs="start = t0\nend = t1")
    b = notebook(tmp_path / "b.ipynb", body=body, outputs="start = t0\nend = t1")
    nodes = finish(DryRun(pipeline(tmp_path, {"a": a, "b": b}), RunOptions(jobs=2)))
    first, second = nodes["a"]["outputs"], nodes["b"]["outputs"]
    assert first["start"] < second["end"] and second["start"] < first["end"]  # ran side by side
    ra, rb = nodes["a"], nodes["b"]
    assert ra["started_at"] < rb["ended_at"] and rb["started_at"] < ra["ended_at"]
    assert descendants() == []  # every kernel, used or started ahead, is shut down


def test_failure_is_reported_downstream_skipped_other_branch_finishes(tmp_path: Path) -> None:
    root = notebook(tmp_path / "root.ipynb", outputs="value = 2")
    bad = notebook(
        tmp_path / "bad.ipynb",
        parameters="value = 0",
        body="raise ZeroDivisionError('no data for ' + str(value))",
        outputs="out = 1",
    )
    after = notebook(tmp_path / "after.ipynb", parameters="out = 0", outputs="done = out")
    good = notebook(tmp_path / "good.ipynb", parameters="value = 0", outputs="double = value * 2")
    p = pipeline(
        tmp_path,
        {"root": root, "bad": bad, "after": after, "good": good},
        ["root.value->bad.value", "bad.out->after.out", "root.value->good.value"],
    )
    before = bad.read_bytes()
    nodes = finish(DryRun(p, RunOptions(jobs=2)))
    assert nodes["_"]["state"] == "failed"
    assert nodes["bad"]["state"] == "failed"
    error = nodes["bad"]["error"]
    assert (error["type"], error["message"], error["cell"]) == (
        "ZeroDivisionError",
        "no data for 2",
        3,
    )
    assert nodes["bad"]["detail"] == "in cell 3: ZeroDivisionError: no data for 2"
    failure = next(n.error for n in nodes["_report"].nodes if n.node.name == "bad")
    assert failure.kind == FailureKind.CELL and failure.where == "in cell 3"
    assert nodes["_report"].failed == ("bad",)
    executed = nbformat.read(error["notebook"], 4)
    assert any(
        o.get("ename") == "ZeroDivisionError" for c in executed.cells for o in c.get("outputs", [])
    )
    assert nodes["after"]["state"] == "skipped" and "bad failed" in nodes["after"]["detail"]
    assert nodes["good"]["state"] == "succeeded" and nodes["good"]["outputs"] == {"double": 4}
    assert bad.read_bytes() == before


def test_an_output_that_cannot_be_stored_fails_naming_it_and_its_type(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "gen.ipynb", outputs="rows = (i for i in range(3))\ncount = 2")
    nodes = finish(DryRun(pipeline(tmp_path, {"gen": nb}), RunOptions(jobs=1)))
    assert nodes["gen"]["state"] == "failed"
    detail = nodes["gen"]["detail"]
    assert "'rows'" in detail and "generator" in detail and "\n" not in detail
    assert nodes["gen"]["error"]["where"] == "while collecting outputs"


def test_timeout_fails_the_node_and_kills_its_kernel(tmp_path: Path) -> None:
    slow = notebook(
        tmp_path / "slow.ipynb",
        body="import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(120)",
        outputs="x = 1",
    )
    after = notebook(tmp_path / "after.ipynb", parameters="x = 0", outputs="y = x")
    p = pipeline(
        tmp_path, {"slow": slow, "after": after}, ["slow.x->after.x"], slow={"timeout_seconds": 2}
    )
    run = DryRun(p, RunOptions(jobs=1))
    events = list(run.events())
    nodes = {n["name"]: n for n in events[-1].summary["nodes"]}
    assert nodes["slow"]["state"] == "failed" and nodes["slow"]["detail"] == "timed out after 2 s"
    assert nodes["after"]["state"] == "skipped"
    kernel_pid = int(
        next(e.text for e in events if isinstance(e, LogEvent) and e.node_name == "slow")
    )
    assert not alive(kernel_pid)


def test_cancel_stops_kernels_scripts_and_their_children(tmp_path: Path) -> None:
    spawn = (
        "import os, subprocess, time\nchild = subprocess.Popen(['sleep', '300'])\n"
        "print('pids', os.getpid(), child.pid, flush=True)\ntime.sleep(300)"
    )
    nb = notebook(tmp_path / "nb.ipynb", body=spawn, outputs="x = 1")
    script = tmp_path / "job.py"
    script.write_text(spawn + "\n")
    p = pipeline(tmp_path, {"nb": nb, "job": script}, job={"outputs": (Port("x", PortType.INT),)})
    run = DryRun(p, RunOptions(jobs=2))
    pids: list[int] = []
    states = {}
    finished = None
    for event in run.events():
        if isinstance(event, LogEvent) and event.text.startswith("pids"):
            pids += [int(x) for x in event.text.split()[1:]]
            if len(pids) == 4:
                threading.Thread(target=run.cancel).start()  # as the GUI would, from elsewhere
        elif isinstance(event, NodeEvent):
            states[event.node_name] = event.state
        elif isinstance(event, RunFinished):
            finished = event
    assert finished is not None and finished.state == "cancelled"
    assert states == {"nb": NodeState.CANCELLED, "job": NodeState.CANCELLED}
    assert len(pids) == 4 and not [pid for pid in pids if alive(pid)]
    assert descendants() == []


def test_prepare_only_injects_without_a_kernel(tmp_path: Path) -> None:
    first = notebook(tmp_path / "first.ipynb", parameters="n = 1", outputs="m = n")
    second = notebook(tmp_path / "second.ipynb", parameters="m = 0\nlabel = 'x'", outputs="z = m")
    p = pipeline(
        tmp_path,
        {"first": first, "second": second},
        ["first.m->second.m"],
        second={"values": {"label": "from the node"}},
    )
    nodes = finish(DryRun(p, RunOptions(prepare_only=True, overrides={})))
    assert {nodes[n]["state"] for n in ("first", "second")} == {"succeeded"}
    prepared = nbformat.read(nodes["second"]["notebook"], 4)
    injected = next(
        c for c in prepared.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert 'label = "from the node"' in injected.source
    assert all(not c.get("outputs") for c in prepared.cells if c.cell_type == "code")
    assert descendants() == []


@pytest.mark.skipif(has_module("tensorflow"), reason="tensorflow is installed here")
def test_missing_gpu_library_uses_sample_outputs(tmp_path: Path) -> None:
    """tensorflow is really missing here; the node says so and its samples flow downstream."""
    gpu = notebook(tmp_path / "gpu.ipynb", body="import tensorflow as tf", outputs="accuracy = 0.9")
    use = notebook(tmp_path / "use.ipynb", parameters="accuracy = 0.0", outputs="seen = accuracy")
    nosample = notebook(tmp_path / "nosample.ipynb", body="import tensorflow", outputs="z = 1")
    p = pipeline(
        tmp_path,
        {"gpu": gpu, "use": use, "nosample": nosample},
        ["gpu.accuracy->use.accuracy"],
        gpu={"kind": NodeKind.TENSORFLOW, "sample_outputs": {"accuracy": 0.7}},
        nosample={"kind": NodeKind.TENSORFLOW},
    )
    nodes = finish(DryRun(p, RunOptions(jobs=2)))
    assert nodes["gpu"]["state"] == "sampled" and nodes["gpu"]["mode"] == "sampled"
    assert "tensorflow is not available here" in nodes["gpu"]["detail"]
    assert nodes["use"]["outputs"] == {"seen": 0.7}
    assert nodes["nosample"]["state"] == "failed"
    assert "declare sample outputs" in nodes["nosample"]["detail"]


def test_errors_before_anything_runs(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", parameters="x = 1", outputs="y = x")
    b = notebook(tmp_path / "b.ipynb", parameters="y = 0", outputs="z = y")
    p = pipeline(tmp_path, {"a": a, "b": b}, ["a.y->b.y"])
    with pytest.raises(RunError, match="no earlier run has the outputs of 'a'"):
        DryRun(p, RunOptions(only=("b",))).events()
    with pytest.raises(RunError, match="no node named 'nope'"):
        DryRun(p, RunOptions(from_node="nope")).events()
    with pytest.raises(RunError, match="would overwrite the notebook"):
        DryRun(p, RunOptions(run_dir=tmp_path)).events()
    b.unlink()
    with pytest.raises(ValidationFailed):
        DryRun(p).events()


def test_an_unknown_kernel_fails_its_node_with_a_way_on(tmp_path):
    """A node asking for a kernel this machine does not have: one clear line, not a hang."""
    from app.events import NodeEvent, NodeState, RunFinished
    from app.runner import DryRun, RunOptions
    from graph_editor import fileformat
    from graph_editor.build import chain
    from tests.helpers import write_notebook

    nb = write_notebook(tmp_path / "a.ipynb", parameters="x: int = 1", outputs="y = x")
    pipeline = chain([nb], tmp_path / "p.stitch")
    pipeline.update_node(pipeline.nodes[0].id, kernel="no-such-kernel-here")
    fileformat.save(pipeline, tmp_path / "p.stitch")
    events = list(DryRun(fileformat.load(tmp_path / "p.stitch"), RunOptions(jobs=1)).events())
    failed = [e for e in events if isinstance(e, NodeEvent) and e.state == NodeState.FAILED]
    assert len(failed) == 1
    assert (
        "no-such-kernel-here" in failed[0].detail and "jupyter kernelspec list" in failed[0].detail
    )
    assert isinstance(events[-1], RunFinished)


def test_a_missing_library_is_named_with_the_command_that_installs_it(tmp_path: Path) -> None:
    """A notebook whose kernel lacks a library fails saying which and how to install it (as the
    bundled example does on the README's first install, which has no scikit-learn)."""
    nb = notebook(tmp_path / "fit.ipynb", body="import stitchboard_no_such_lib", outputs="z = 1")
    nodes = finish(DryRun(pipeline(tmp_path, {"fit": nb}), RunOptions(jobs=1)))
    assert nodes["fit"]["state"] == "failed"
    detail = nodes["fit"]["detail"]
    assert "No module named 'stitchboard_no_such_lib'" in detail
    assert "-m pip install stitchboard_no_such_lib" in detail


def test_the_install_hint_names_the_package_not_the_import() -> None:
    from app.runner.local import install_hint, missing_module

    evalue = "No module named 'sklearn.linear_model'"
    assert missing_module("ModuleNotFoundError", evalue) == "sklearn"
    assert install_hint("sklearn").endswith("-m pip install scikit-learn")
    assert missing_module("ValueError", evalue) == ""
