"""Checks of one node's own settings (no notebook needed): ports, resources, env, secrets, jobs.

Backend-independent: every rule here holds for the kubernetes and the worker backend alike.
"""

from __future__ import annotations

import json

from graph_editor import names
from graph_editor.issues import Issue, error, warning
from graph_editor.limits import (
    ARG_STRING_MAX,
    DB_INTEGER_MAX,
    ENV_STRING_MAX,
    SECONDS_MAX,
    env_string_size,
    value_problem,
)
from graph_editor.nodes import Node, NodeKind, SecretSource
from graph_editor.shipped_files import takes_runtime_place
from graph_editor.spark import local_issues, settings_issues

# A node file named like one of the shipped runtime's files would overwrite it in the task's
# working folder on Airflow (the dry-run imports the runtime from elsewhere, so it works there):
# graph_editor/shipped_files.py::takes_runtime_place.


def source_name(node: Node) -> str:
    """The file name a node's notebook or script gets in a task's working folder."""
    return node.source.replace("\\", "/").rsplit("/", 1)[-1]


def node_issues(node: Node) -> list[Issue]:
    """Every problem of one node's own settings."""
    return [
        *_source_name(node),
        *_ports(node),
        *_script_arguments(node),
        *_resources(node),
        *_timing(node),
        *_environment(node),
        *_secrets(node),
        *_distributed(node),
        *settings_issues(node),
        *local_issues(node),
    ]


def _source_place(node: Node) -> list[Issue]:
    """An absolute or ``../`` source is packed into the DAG from outside the pipeline's folder."""
    source = node.source.replace("\\", "/")
    absolute = source.startswith("/") or (len(source) > 2 and source[1:3] == ":/")
    if not absolute and ".." not in source.split("/"):
        return []
    where = "an absolute path" if absolute else "outside the pipeline's folder (../)"
    return [
        warning(
            "source-outside-folder",
            f"{node.source}: the source is {where}; export packs it into the DAG from there "
            "and the pipeline breaks when moved: keep notebooks beside the .stitch file",
            node,
            field="source",
        )
    ]


def _source_name(node: Node) -> list[Issue]:
    if not takes_runtime_place(source_name(node)):
        return _source_place(node)
    return [
        error(
            "reserved-source-name",
            f"{node.source}: a script may not be named {source_name(node)}, a file of "
            "Stitchboard's runtime (it would replace Stitchboard's runtime on Airflow); "
            "rename the file",
            node,
            field="source",
        )
    ]


def _ports(node: Node) -> list[Issue]:
    if all(names.is_identifier(p.name) for p in (*node.inputs, *node.outputs)):
        return []
    issues = []
    for side, ports in (("inputs", node.inputs), ("outputs", node.outputs)):
        for port in ports:
            if not names.is_identifier(port.name):
                kind = "input" if side == "inputs" else "output"
                issues.append(
                    error(
                        "bad-port-name",
                        f"{kind} {port.name!r} is not a Python name (letters, digits and '_', "
                        "not starting with a digit, not a keyword)",
                        node,
                        field=f"{side}.{port.name}",
                    )
                )
    return issues


def _script_arguments(node: Node) -> list[Issue]:
    """A script job gets each set value as one ``--name=value`` argument: exec's limits apply."""
    if not node.is_script:
        return []
    issues = []
    for name, value in node.values.items():
        if value_problem(value)[0]:
            continue  # reported with the value itself
        text = value if isinstance(value, str) else json.dumps(value)
        field = f"values.{name}"
        if "\0" in text:
            issues.append(
                error(
                    "bad-script-argument",
                    f"the value set for {name!r} contains a NUL character, which no "
                    "command-line argument can hold",
                    node,
                    field=field,
                )
            )
        elif len(f"--{name}={text}".encode("utf-8", "surrogatepass")) + 1 > ARG_STRING_MAX:
            issues.append(
                error(
                    "script-argument-too-large",
                    f"the value set for {name!r} is over {ARG_STRING_MAX:,} bytes, more than "
                    "Linux lets one command-line argument hold (pass a file path instead)",
                    node,
                    field=field,
                )
            )
    return issues


def _resources(node: Node) -> list[Issue]:
    r = node.resources
    issues = []
    for label, value, is_ok in (
        ("CPU", r.cpu, names.is_cpu),
        ("CPU limit", r.cpu_limit, names.is_cpu),
        ("memory", r.memory, names.is_memory),
        ("memory limit", r.memory_limit, names.is_memory),
    ):
        if value and not is_ok(value):
            example = "'500m' or '2'" if is_ok is names.is_cpu else "'512Mi' or '4Gi'"
            issues.append(
                error(
                    "bad-resources",
                    f"{label} {value!r} is not a Kubernetes quantity (e.g. {example})",
                    node,
                    field="resources",
                )
            )
    if r.gpu < 0:
        issues.append(error("bad-resources", "GPUs cannot be negative", node, field="resources"))
    if node.pool and not names.is_task_id(node.pool):
        issues.append(
            error("bad-pool", f"pool {node.pool!r} is not a valid pool name", node, field="pool")
        )
    if node.image and (node.image != node.image.strip() or any(c.isspace() for c in node.image)):
        issues.append(
            error("bad-image", f"image {node.image!r} contains spaces", node, field="image")
        )
    return issues


def _timing(node: Node) -> list[Issue]:
    issues = []
    if node.retries is not None and node.retries < 0:
        issues.append(error("bad-retries", "retries cannot be negative", node, field="retries"))
    elif node.retries is not None and node.retries > DB_INTEGER_MAX:
        issues.append(
            error(
                "bad-retries",
                f"retries {node.retries} is more than Airflow can store ({DB_INTEGER_MAX:,})",
                node,
                field="retries",
            )
        )
    timeout = node.timeout_seconds
    if timeout is not None and timeout <= 0:
        issues.append(
            error(
                "bad-timeout",
                "timeout must be a positive number of seconds",
                node,
                field="timeout_seconds",
            )
        )
    elif timeout is not None and timeout > SECONDS_MAX:
        issues.append(
            error(
                "bad-timeout",
                f"timeout {timeout} s is more than Airflow's task timer can count "
                f"({SECONDS_MAX:,} s, about 292 years)",
                node,
                field="timeout_seconds",
            )
        )
    return issues


def _environment(node: Node) -> list[Issue]:
    issues = []
    for name, value in node.env.items():
        field = f"env.{name}"
        if not names.is_env_name(name):
            issues.append(
                error(
                    "bad-env", f"environment variable name {name!r} is invalid", node, field=field
                )
            )
        elif "\0" in value:
            issues.append(
                error(
                    "bad-env",
                    f"the value of {name!r} contains a NUL character, which no environment "
                    "variable can hold",
                    node,
                    field=field,
                )
            )
        elif env_string_size(name, value) > ENV_STRING_MAX:
            issues.append(
                error(
                    "env-too-large",
                    f"the value of {name!r} is over {ENV_STRING_MAX:,} bytes, more than Linux "
                    "lets one environment variable hold",
                    node,
                    field=field,
                )
            )
    return issues


def _secrets(node: Node) -> list[Issue]:
    issues = []
    seen: set[str] = set()
    for ref in node.secrets:
        field = f"secrets.{ref.env}"
        if not names.is_env_name(ref.env):
            issues.append(
                error(
                    "bad-secret", f"secret variable name {ref.env!r} is invalid", node, field=field
                )
            )
        if ref.env in seen or ref.env in node.env:
            issues.append(
                error(
                    "bad-secret", f"{ref.env!r} is set twice (env and secrets)", node, field=field
                )
            )
        seen.add(ref.env)
        if ref.source == SecretSource.KUBERNETES:
            if not names.is_k8s_secret_name(ref.name) or not ref.key:
                issues.append(
                    error(
                        "bad-secret",
                        f"secret {ref.env!r} needs a Kubernetes Secret name and key",
                        node,
                        field=field,
                    )
                )
        elif not ref.name:
            issues.append(
                error(
                    "bad-secret",
                    f"secret {ref.env!r} needs an Airflow connection id",
                    node,
                    field=field,
                )
            )
        else:
            issues += _connection(node, ref.env, ref.name, ref.key, field)
    return issues


def _connection(node: Node, env: str, conn_id: str, part: str, field: str) -> list[Issue]:
    issues = []
    if not names.is_conn_id(conn_id):
        issues.append(
            error(
                "bad-connection-id",
                f"secret {env!r}: connection id {conn_id!r} may use only letters, digits, "
                "'_', '.', '-' (1-250 characters)",
                node,
                field=field,
            )
        )
    if part not in names.CONNECTION_PARTS:
        choices = ", ".join(sorted(p for p in names.CONNECTION_PARTS if p))
        issues.append(
            error(
                "bad-connection-field",
                f"secret {env!r} asks for connection field {part!r} (use one of {choices}, "
                "or leave it empty for the whole URI)",
                node,
                field=field,
            )
        )
    return issues


def _distributed(node: Node) -> list[Issue]:
    d = node.distributed
    if node.kind not in (NodeKind.TENSORFLOW, NodeKind.RAPIDS):
        return []
    if d.workers < 1 or d.gpus_per_worker < 0:
        return [
            error(
                "bad-distributed",
                "workers must be at least 1 and GPUs per worker not negative",
                node,
                field="distributed",
            )
        ]
    issues = []
    if d.is_distributed:
        what = "TensorFlow" if node.kind == NodeKind.TENSORFLOW else "RAPIDS"
        if not node.image:
            issues.append(
                error(
                    "distributed-no-image",
                    f"a distributed {what} job needs its own image (with the GPU libraries)",
                    node,
                    field="image",
                )
            )
        if d.gpus_per_worker < 1:
            issues.append(
                error(
                    "distributed-no-gpu",
                    f"a distributed {what} job needs at least one GPU per worker",
                    node,
                    field="distributed",
                )
            )
    for name in node.sample_outputs:
        if node.output(name) is None:
            issues.append(
                warning(
                    "unknown-sample-output",
                    f"sample output {name!r} is not an output of this node",
                    node,
                    field="sample_outputs",
                )
            )
    return issues
