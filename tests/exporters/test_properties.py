"""Property tests: hostile user text stays inert data in the generated DAG, byte for byte."""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path
from typing import Any

import black
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters.airflow import export_pipeline
from graph_editor.nodes import PipelineParameter, PipelineSettings
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from tests.exporters.helpers import (
    ECHO_OUTPUTS,
    ECHO_PARAMS,
    echo_node,
    has_jinja,
    run_module,
    unwrap,
    write_notebook,
)

HOSTILE = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\u2028",
    "\x85",
    "{{ 7*7 }}",
    "{% raw %}",
    "{#",
    "}}",
    "# fmt: off",
    "__import__('os').system('x')",
    "é",
    "中文",
    "🙂",
    "\ud7ff",
    "$(HOME)",
    "a.json",
    ".md",
    " ",
    "\\n",
    "\U0001f600",
]
hostile_text = st.one_of(
    st.text(max_size=30), st.lists(st.sampled_from(HOSTILE), max_size=6).map("".join)
)
no_space = hostile_text.map(lambda s: "".join(s.split()) or "img")
task_names = st.sampled_from(
    [
        "fetch",
        "class",
        "DAG",
        "CONTENT",
        "run_node",
        "1st",
        "a.b-c",
        "dag",
        "_private",
        "x" * 120,
        "None",
        "json",
    ]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | hostile_text
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)


def hostile_pipeline(folder: Path, names: list[str], text: dict[str, Any]) -> Pipeline:
    folder.mkdir(parents=True, exist_ok=True)
    write_notebook(folder / "echo.ipynb", ECHO_PARAMS, ECHO_OUTPUTS)
    p = Pipeline(
        PipelineSettings(
            name=text["name"],
            description=text["description"],
            dag_id="hostile",
            owner=text["owner"],
            tags=tuple(dict.fromkeys(t[:100] for t in text["tags"])),
            parameters=(
                PipelineParameter("greeting", PortType.STR, text["param"], text["param_doc"]),
            ),
        ),
        folder / "hostile.stitch",
    )
    for i, name in enumerate(dict.fromkeys(names)):
        p.add_node(
            echo_node(
                f"n{i}",
                name,
                description=text["node_doc"],
                image=text["image"],
                values={"text": text["value"], "data": text["data"]},
                env={"USER_VALUE": text["env"]},
            )
        )
    first = p.nodes[0]
    p.update_node(first.id, bindings={"text": "greeting"}, values={"data": text["data"]})
    return p


texts = st.fixed_dictionaries(
    {
        "name": hostile_text,
        "description": hostile_text,
        "owner": hostile_text,
        "tags": st.lists(hostile_text, max_size=3),
        "param": hostile_text,
        "param_doc": hostile_text,
        "node_doc": hostile_text,
        "image": no_space,
        "value": hostile_text,
        "data": st.dictionaries(hostile_text, json_values, max_size=3),
        # An environment variable cannot hold NUL: validation refuses it (tested there).
        "env": hostile_text.map(lambda s: s.replace("\x00", "")),
    }
)


def check(pipeline: Pipeline, backend: str) -> None:
    source = export_pipeline(pipeline, backend).dag_source
    ast.parse(source)
    assert black.format_str(source, mode=black.Mode(line_length=88)) == source
    _, calls = run_module(source)
    dag = next(c for c in calls if c.kind == "DAG").kwargs
    s = pipeline.settings
    assert dag["description"] == s.name and dag["default_args"]["owner"] == s.owner
    assert dag["tags"] == list(s.tags) and dag["doc_md"].startswith(s.description.strip() or s.name)
    assert dag["params"]["greeting"].args[0] == s.parameters[0].default
    assert dag["params"]["greeting"].kwargs.get("description", "") == s.parameters[0].description
    tasks = [c for c in calls if "task_id" in c.kwargs]
    assert [t.kwargs["task_id"] for t in tasks] == [
        n.name for n in pipeline.nodes
    ]  # nothing injected
    for node, task in zip(pipeline.nodes, tasks, strict=True):
        kw = task.kwargs
        if backend == "worker":
            spec = kw["op_kwargs"]["node"]
            assert unwrap(spec["values"]) == node.values and unwrap(spec["env"]) == node.env
            assert not has_jinja(spec["values"]) and not has_jinja(spec["env"])
        else:
            import json

            assert unwrap(kw["image"]) == node.image and not has_jinja(kw["image"])
            assert unwrap(kw["env_vars"]["USER_VALUE"]) == node.env["USER_VALUE"]
            assert not has_jinja(kw["env_vars"]["USER_VALUE"])
            spec = kw["env_vars"]["STITCHBOARD_NODE"]
            assert not has_jinja(spec) and json.loads(spec)["values"] == node.values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(task_names, min_size=1, max_size=3),
    text=texts,
    backend=st.sampled_from(["kubernetes", "worker"]),
)
def test_hostile_pipelines_stay_inert(names: list[str], text: dict[str, Any], backend: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check(hostile_pipeline(Path(tmp), names, text), backend)


def hostile_samples(folder: Path) -> list[tuple[Pipeline, str]]:
    """Fixed hostile pipelines for the real DagBag (test_dagbag.py)."""
    nasty = "q\"'\\ {{ ti }} {% if %}x{% endif %} {# c #}\nimport os; os.system('x') \u2028 é 中 🙂 a.json"
    text = {
        "name": nasty,
        "description": nasty + "\n.md",
        "owner": nasty,
        "tags": [nasty[:50], "{{x}}"],
        "param": nasty,
        "param_doc": nasty,
        "node_doc": nasty,
        "image": "img:{{ti}}",
        "value": nasty,
        "data": {nasty: [nasty, 1.5, None, {"{{": "}}"}]},
        "env": nasty,
    }
    return [
        (hostile_pipeline(folder / "k", ["class", "a.b-c"], text), "kubernetes"),
        (hostile_pipeline(folder / "w", ["DAG", "1st"], text), "worker"),
    ]


def test_fixed_hostile_samples(tmp_path: Path) -> None:
    for pipeline, backend in hostile_samples(tmp_path):
        check(pipeline, backend)
