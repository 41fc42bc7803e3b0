"""What a node's pod carries in its environment, computed once for validation and export.

A pod gets its node's spec as one environment string (``STITCHBOARD_NODE``, compact JSON in
which no Jinja delimiter can occur), and Linux refuses any one environment string over
``ENV_STRING_MAX``. ``validate --backend kubernetes`` and the exporter both measure that
string with these functions, so a value either passes both or is refused by both.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from graph_editor.limits import ENV_STRING_MAX, env_string_size
from graph_editor.node_spec import node_spec
from graph_editor.nodes import Node
from graph_editor.notebook import is_jupytext_file
from graph_editor.pipeline import Pipeline
from resources.runtime.stitchboard_runtime import NodeSpec

NODE_SPEC_ENV = "STITCHBOARD_NODE"
CONTENT_KEY_LENGTH = 16  # hex digits of a shipped file's content key (exporters/content.py)


def inert_json(value: Any) -> str:
    """Compact JSON in which no Jinja delimiter can occur (``{`` in strings is escaped)."""
    if isinstance(value, str):
        return json.dumps(value).replace("{", "\\u007b").replace("}", "\\u007d")
    if isinstance(value, dict):
        inner = ", ".join(f"{inert_json(str(k))}: {inert_json(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inert_json(v) for v in value) + "]"
    return json.dumps(value, allow_nan=False)


def in_pod(spec: NodeSpec) -> NodeSpec:
    """The spec as a pod gets it: env and connections arrive as the pod's own environment and
    declared files in ``STITCHBOARD_SHIP`` (not twice: size limits); outputs leave by XCom."""
    return dataclasses.replace(spec, env={}, connections={}, file_keys={}, flags=("--xcom",))


def pod_spec_text(spec: NodeSpec) -> str:
    """The ``STITCHBOARD_NODE`` string of a pod running ``spec``."""
    return inert_json(in_pod(spec).to_json())


def shipped_name(pipeline: Pipeline, node: Node) -> str:
    """The file name a node's source travels under (a jupytext ``.py`` ships as ``STEM.ipynb``)."""
    name = node.source.replace("\\", "/").rsplit("/", 1)[-1]
    if name.endswith(".py") and is_jupytext_file(pipeline.source_path(node)):
        return name[: -len(".py")] + ".ipynb"
    return name


def node_env_size(pipeline: Pipeline, node: Node) -> int:
    """Bytes the node's ``STITCHBOARD_NODE`` string takes in its pod (content key included)."""
    spec = node_spec(
        pipeline, node, source=shipped_name(pipeline, node), content="0" * CONTENT_KEY_LENGTH
    )
    return env_string_size(NODE_SPEC_ENV, pod_spec_text(spec))


def env_too_big(size: int) -> bool:
    """Whether one environment string of ``size`` bytes is refused by Linux (E2BIG)."""
    return size > ENV_STRING_MAX
