"""What a pod's environment and arguments will weigh when it starts, checked at export.

Linux refuses any one env string or argument over ``ENV_STRING_MAX`` (E2BIG at exec) and
Kubernetes refuses a Pod over ``POD_SPEC_MAX``; a pod that would hit either can never start,
so the export refuses it with one line naming the node and the limit.
"""

from __future__ import annotations

import json
import re

from exporters.airflow import inline
from exporters.airflow.plan import TaskPlan
from exporters.content import Content
from graph_editor.limits import ARG_STRING_MAX, ENV_STRING_MAX, POD_SPEC_MAX, env_string_size
from graph_editor.pipeline import Pipeline

_CONTENT_MACRO = re.compile(r"\{\{ stitchboard_content\('([0-9a-f]+)'\) \}\}")


def rendered_env(
    plan: TaskPlan, contents: dict[str, Content], pipeline: Pipeline
) -> dict[str, str]:
    """The env a node's pod gets once Airflow renders it (shipped code macros expanded)."""
    from exporters.airflow.tasks import pod_env

    env: dict[str, str] = {}
    for name, value in pod_env(plan, pipeline).items():
        text = value if isinstance(value, str) else json.dumps(value)
        found = _CONTENT_MACRO.fullmatch(text)
        env[name] = contents[found.group(1)].packed if found else text
    return env


def pod_size_problem(plan: TaskPlan, contents: dict[str, Content], pipeline: Pipeline) -> str:
    """Why the node's pod could not start (one line), or '' when it fits every limit."""
    if plan.cluster_job:
        return ""
    env = rendered_env(plan, contents, pipeline)
    sizes = {name: env_string_size(name, value) for name, value in env.items()}
    hint = "set an artifact store so that code and data travel by reference"
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        if size > ENV_STRING_MAX:
            return (
                f"its pod's environment variable {name} would take {size:,} bytes; Linux "
                f"allows {ENV_STRING_MAX:,} per variable ({hint})"
            )
        break
    program = len(inline.bootstrap_program().encode()) + 1
    assert program < ARG_STRING_MAX  # the bootstrap is ours: a few KB
    total = sum(sizes.values()) + program
    if total > POD_SPEC_MAX:
        return (
            f"its pod's environment would take {total:,} bytes; Kubernetes accepts a pod of "
            f"at most {POD_SPEC_MAX:,} ({hint})"
        )
    return ""
