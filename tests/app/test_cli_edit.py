"""Building and changing a pipeline from the terminal: set, wire, bind, param, node, show.

Every command runs as a user types it (a real subprocess); the file on disk is the truth.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from graph_editor import fileformat
from graph_editor.nodes import Edge
from tests.conftest import REPO
from tests.helpers import write_notebook

# Commands run in the pipeline's folder, so this checkout's code goes on the path explicitly.
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
}


def run_cli(*args, cwd=None):
    """``stitchboard ...`` as a user types it, in a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=300,
    )


def ok(*args, cwd=None):
    done = run_cli(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def greet_shout(tmp_path: Path) -> Path:
    """Two real notebooks chained by ``new``: greet(msg, times) -> text; shout(text, suffix)."""
    write_notebook(
        tmp_path / "greet.ipynb",
        parameters="msg: str = 'x'\ntimes: int = 1",
        outputs="text = msg * times",
    )
    write_notebook(
        tmp_path / "shout.ipynb",
        parameters="text: str = ''\nsuffix: str = '?'",
        outputs="loud = text.upper() + suffix",
    )
    target = tmp_path / "hw.stitch"
    assert (
        main(["new", str(target), str(tmp_path / "greet.ipynb"), str(tmp_path / "shout.ipynb")])
        == 0
    )
    return target


def test_a_whole_pipeline_is_built_from_the_terminal_and_dry_runs(greet_shout: Path) -> None:
    folder, f = greet_shout.parent, greet_shout.name
    ok("unwire", f, "shout.text", cwd=folder)  # `new` wired it; do it by hand instead
    assert (
        "added parameter msg: str = 'hi'"
        in ok("param", "add", f, "msg", "--type", "str", "--default", "hi", cwd=folder).stdout
    )
    ok("bind", f, "greet.msg", "msg", cwd=folder)
    ok("set", f, "greet.times=2", "shout.suffix=!", cwd=folder)
    assert (
        "wired greet.text -> shout.text"
        in ok("wire", f, "greet.text", "shout.text", cwd=folder).stdout
    )

    shown = json.loads(ok("show", f, "--json", cwd=folder).stdout)
    assert shown["parameters"] == [
        {"name": "msg", "type": "str", "default": "hi", "description": ""}
    ]
    assert shown["wires"] == [{"from": "greet.text", "to": "shout.text"}]
    greet, shout = shown["nodes"]
    assert (greet["name"], greet["kind"], greet["source"]) == ("greet", "notebook", "greet.ipynb")
    msg, times = greet["inputs"]
    assert msg["bound_to"] == "msg" and msg["type"] == "str" and msg["default"] == "x"
    assert times["value"] == 2 and times["is_set"] and times["type"] == "int"
    assert [i["wired_from"] for i in shout["inputs"]] == ["greet.text", None]
    assert shout["values"] == {"suffix": "!"} and shout["upstream"] == ["greet"]
    assert "times: int = 1  set to 2" in ok("show", f, cwd=folder).stdout

    assert "OK (2 nodes" in ok("validate", f, cwd=folder).stdout
    summary = json.loads(ok("dry-run", f, "-p", "msg=hello", "--json", cwd=folder).stdout)
    nodes = {n["name"]: n for n in summary["nodes"]}
    assert nodes["shout"]["outputs"] == {"loud": "HELLOHELLO!"}  # parameter, value and wire

    reopened = fileformat.load(greet_shout)
    g, s = reopened.nodes
    assert dict(g.bindings) == {"msg": "msg"} and dict(g.values) == {"times": 2}
    assert reopened.edges_into(s.id) == [Edge(g.id, s.id, "text", "text")]


REFUSALS = [
    (["set", "{f}", "nobody.msg=1"], "no node 'nobody' (known: greet, shout)"),
    (["set", "{f}", "greet.colour=red"], "greet has no input 'colour' (inputs: msg, times)"),
    (["set", "{f}", "greet.times=many"], "greet.times (int): expected an int, got 'many'"),
    (["set", "{f}", "shout.text=hi"], "shout.text is wired from greet.text; unwire it first"),
    (["set", "{f}", "--unset", "greet.times"], "greet.times has no value set"),
    (["wire", "{f}", "greet.text", "greet.msg"], "greet cannot feed itself"),
    (["wire", "{f}", "shout.loud", "greet.msg"], "wiring shout into greet would make a cycle"),
    (["wire", "{f}", "greet.text", "shout.text"], "greet.text -> shout.text is already connected"),
    (["wire", "{f}", "greet.nothing", "shout.suffix"], "greet has no output 'nothing'"),
    (["unwire", "{f}", "shout.suffix"], "shout.suffix is not wired"),
    (["bind", "{f}", "greet.msg", "nope"], "no pipeline parameter 'nope' (known: none)"),
    (["unbind", "{f}", "greet.msg"], "greet.msg is not bound to a pipeline parameter"),
    (["param", "add", "{f}", "2fast"], "parameter name '2fast' is not a valid Python name"),
    (["param", "add", "{f}", "n", "--type", "int", "--default", "x"], "expected an int"),
    (["param", "add", "{f}", "n", "--type", "colour"], "unknown type 'colour'"),
    (["param", "remove", "{f}", "n"], "no pipeline parameter 'n'"),
    (["node", "remove", "{f}", "ghost"], "no node 'ghost'"),
    (["node", "rename", "{f}", "greet", "shout"], "a node named 'shout' already exists"),
    (["node", "rename", "{f}", "greet", "a b"], "node name 'a b' is not a valid task id"),
    (["node", "add", "{f}", "greet.ipynb", "--kind", "flink"], "unknown node kind 'flink'"),
]


@pytest.mark.parametrize(
    ("args", "message"), REFUSALS, ids=[m.split(":")[0][:40] for _, m in REFUSALS]
)
def test_a_refused_edit_says_why_in_one_line_and_leaves_the_file_alone(
    greet_shout: Path, args: list[str], message: str
) -> None:
    before = greet_shout.read_bytes()
    done = run_cli(*[a.format(f=greet_shout.name) for a in args], cwd=greet_shout.parent)
    assert done.returncode == 1, done.stdout
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert greet_shout.read_bytes() == before


def test_type_mismatch_on_a_wire_and_a_duplicate_parameter_are_refused(tmp_path: Path) -> None:
    write_notebook(tmp_path / "count.ipynb", outputs="n = 3")
    write_notebook(tmp_path / "flag.ipynb", parameters="on: bool = True")
    ok("new", "p.stitch", "count.ipynb", "flag.ipynb", cwd=tmp_path)
    target = tmp_path / "p.stitch"
    ok("param", "add", "p.stitch", "rows", "--type", "int", "--default", "5", cwd=tmp_path)
    before = target.read_bytes()
    mismatch = run_cli("wire", "p.stitch", "count.n", "flag.on", cwd=tmp_path)
    assert mismatch.returncode == 1
    assert "type mismatch: count.n is int, flag.on needs bool" in mismatch.stderr
    duplicate = run_cli("param", "add", "p.stitch", "rows", cwd=tmp_path)
    assert "pipeline parameter 'rows' already exists" in duplicate.stderr
    bad_bind = run_cli("bind", "p.stitch", "flag.on", "rows", cwd=tmp_path)
    assert "parameter 'rows' is int, flag.on needs bool" in bad_bind.stderr
    assert target.read_bytes() == before


def test_bad_usage_and_unreadable_files_exit_2(greet_shout: Path, tmp_path: Path) -> None:
    before = greet_shout.read_bytes()
    no_equals = run_cli("set", greet_shout, "greet.times")
    assert no_equals.returncode == 2 and "expected NODE.INPUT=VALUE" in no_equals.stderr
    missing = run_cli("wire", tmp_path / "nope.stitch", "a.b", "c.d")
    assert missing.returncode == 2 and "nope.stitch: file not found" in missing.stderr
    no_action = run_cli("param")
    assert no_action.returncode == 2 and "choose an action" in no_action.stderr
    bad_source = run_cli("node", "add", greet_shout, tmp_path / "absent.ipynb")
    assert bad_source.returncode == 2 and "absent.ipynb" in bad_source.stderr
    assert greet_shout.read_bytes() == before


def test_an_edit_that_leaves_the_pipeline_invalid_is_saved_with_warnings(
    greet_shout: Path,
) -> None:
    folder, f = greet_shout.parent, greet_shout.name
    ok("set", f, "greet.times=3", cwd=folder)
    write_notebook(folder / "greet.ipynb", parameters="msg: str = 'x'", outputs="text = msg")
    done = ok("param", "add", f, "level", "--type", "int", "--default", "1", cwd=folder)
    assert "the pipeline is not valid yet" in done.stderr
    assert "greet.ipynb has no parameter 'times'" in done.stderr  # the notebook lost that parameter
    assert fileformat.load(greet_shout).settings.parameter("level").default == 1
    assert run_cli("validate", f, cwd=folder).returncode == 1


def test_set_bind_and_wire_replace_each_other_and_say_so(greet_shout: Path) -> None:
    folder, f = greet_shout.parent, greet_shout.name
    ok("param", "add", f, "msg", "--default", "hi", cwd=folder)
    ok("set", f, "greet.msg=direct", cwd=folder)
    assert "its set value 'direct' dropped" in ok("bind", f, "greet.msg", "msg", cwd=folder).stdout
    assert "was bound to parameter 'msg'" in ok("set", f, "greet.msg=x", cwd=folder).stdout
    ok("unwire", f, "greet.text", "shout.text", cwd=folder)
    ok("set", f, "shout.text=typed", cwd=folder)
    assert "its set value dropped" in ok("wire", f, "greet.text", "shout.text", cwd=folder).stdout
    ok("set", f, "--unset", "greet.msg", cwd=folder)
    node = fileformat.load(greet_shout).nodes[0]
    assert dict(node.values) == {} and dict(node.bindings) == {}
    ok("bind", f, "greet.msg", "msg", cwd=folder)
    refused = run_cli("param", "remove", f, "msg", cwd=folder)
    assert "parameter 'msg' feeds greet.msg; unbind them first" in refused.stderr
    ok("unbind", f, "greet.msg", cwd=folder)
    ok("param", "remove", f, "msg", cwd=folder)
    assert fileformat.load(greet_shout).settings.parameters == ()


def test_nodes_are_added_renamed_ordered_and_removed(greet_shout: Path) -> None:
    folder, f = greet_shout.parent, greet_shout.name
    write_notebook(folder / "tail.ipynb", parameters="loud: str = ''", outputs="done = 1")
    assert (
        "added node last (notebook, tail.ipynb)"
        in ok("node", "add", f, "tail.ipynb", "--name", "last", cwd=folder).stdout
    )
    ok("wire", f, "shout.loud", "last.loud", cwd=folder)
    ok("node", "rename", f, "shout", "yell", cwd=folder)
    ok("wire", f, "greet", "last", cwd=folder)  # two node names: an ordering edge
    p = fileformat.load(greet_shout)
    greet, yell, last = p.nodes
    assert yell.name == "yell" and last.position[0] > yell.position[0]
    assert set(p.edges_into(last.id)) == {
        Edge(yell.id, last.id, "loud", "loud"),
        Edge(greet.id, last.id),
    }
    ok("unwire", f, "greet", "last", cwd=folder)
    assert "removed node yell and 2 edge(s)" in ok("node", "remove", f, "yell", cwd=folder).stdout
    p = fileformat.load(greet_shout)
    assert [n.name for n in p.nodes] == ["greet", "last"] and p.edges == ()


def test_new_wires_each_input_to_the_nearest_earlier_producer(tmp_path: Path) -> None:
    write_notebook(tmp_path / "a.ipynb", outputs="data = [1]\nrows = 1")
    write_notebook(tmp_path / "b.ipynb", parameters="rows: int = 0", outputs="rows = 2")
    write_notebook(tmp_path / "c.ipynb", parameters="data: list = []\nrows: int = 0")
    ok("new", "p.stitch", "a.ipynb", "b.ipynb", "c.ipynb", cwd=tmp_path)
    p = fileformat.load(tmp_path / "p.stitch")
    a, b, c = p.nodes
    assert set(p.edges_into(c.id)) == {
        Edge(a.id, c.id, "data", "data"),  # two nodes back: only a makes data
        Edge(b.id, c.id, "rows", "rows"),  # b is nearer than a
    }
    assert p.edges_into(b.id) == [Edge(a.id, b.id, "rows", "rows")]


def test_wiring_a_parameter_bound_input_drops_the_binding_and_validates_clean(
    greet_shout: Path,
) -> None:
    """As on the canvas (graph_editor.wiring): the wire feeds the input, nothing is doubled."""
    folder, f = greet_shout.parent, greet_shout.name
    ok("param", "add", f, "said", "--default", "hi", cwd=folder)
    ok("unwire", f, "greet.text", "shout.text", cwd=folder)
    ok("bind", f, "shout.text", "said", cwd=folder)
    done = ok("wire", f, "greet.text", "shout.text", cwd=folder)
    assert "wired greet.text -> shout.text (its parameter binding dropped)" in done.stdout
    assert dict(fileformat.load(greet_shout).nodes[1].bindings) == {}
    checked = run_cli("validate", f, cwd=folder)
    assert checked.returncode == 0 and "double-input" not in checked.stdout + checked.stderr
