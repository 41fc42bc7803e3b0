"""Code that runs on an Airflow worker or in a pod, inlined into every exported DAG module.

The exporter copies these functions' source into the DAG module (``exporters/airflow/inline.py``)
and writes ``pod_bootstrap`` as the text a pod runs with ``python3 -c``. So they keep to a few
rules: imports inside the function (the scheduler's parse of a DAG stays cheap); only names
the DAG module defines (``CONTENT``, ``RUNTIME_KEY``, ``RUNTIME_FILE``, the functions here);
lines that black keeps at 88 columns; no Jinja delimiters. Resolving a node's inputs and
running it is the shipped runtime's job (``stitchboard_runtime``); these functions only fetch
what it needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# The DAG module defines these; the values here serve direct tests of the functions.
CONTENT: dict[str, str] = {}  # shipped file key -> zlib-compressed, base64-encoded text
RUNTIME_KEY = ""
RUNTIME_FILE = "stitchboard_runtime.py"


def pod_bootstrap() -> int:
    # Inside a pod, as ``python3 -c POD_BOOTSTRAP PAYLOAD``: unpack the runtime and the node's
    # file from the environment, resolve the inputs from PAYLOAD (the pipeline parameters and
    # upstream outputs Airflow rendered), run the node. Builtin annotations only: no
    # ``from __future__`` import precedes this text in the pod.
    import base64
    import json
    import os
    import sys
    import tempfile
    import zlib

    node = json.loads(os.environ["STITCHBOARD_NODE"])
    work = tempfile.mkdtemp(prefix="stitchboard-")
    shipped = {"stitchboard_runtime.py": "STITCHBOARD_RUNTIME"}
    shipped[node["source"]] = "STITCHBOARD_SOURCE"
    for name, variable in shipped.items():
        packed = base64.b64decode(os.environ[variable])
        with open(os.path.join(work, name), "wb") as handle:
            handle.write(zlib.decompress(packed))
    sys.path.insert(0, work)
    import stitchboard_runtime as runtime

    spec = runtime.NodeSpec.from_json(node)
    payload = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    pulled = payload.get("upstream", {})

    def upstream(task_id: str, output: str) -> object:
        return pulled[task_id][output]

    given = runtime.resolve_inputs(spec, payload.get("params", {}), upstream)
    source = os.path.join(work, spec.source)
    argv = [source, "--params", json.dumps(given.values)]
    argv += ["--outputs", ",".join(spec.outputs)]
    argv += ["--kernel", spec.kernel] if spec.kernel else []
    return runtime.main(argv + list(spec.flags))


def stitchboard_content(key: str) -> str:
    """One shipped file (notebook, script or runtime), compressed and base64-encoded."""
    return CONTENT[key]


def connection_value(conn_id: str, part: str) -> str:
    """A value of an Airflow connection, read when the task runs (never stored here)."""
    from airflow.sdk import Connection

    conn = Connection.get(conn_id)
    return conn.get_uri() if part == "uri" else str(getattr(conn, part) or "")


def run_node(node: dict[str, Any], **context: Any) -> dict[str, Any]:
    """Run one node on this worker with the shipped runtime; return its outputs."""
    import base64
    import importlib.util
    import os
    import sys
    import tempfile
    import zlib

    ti = context["ti"]

    def upstream(task_id: str, output: str) -> Any:
        return ti.xcom_pull(task_ids=task_id)[output]

    with tempfile.TemporaryDirectory(prefix="stitchboard-") as work:
        paths = {}
        for name, key in (
            (RUNTIME_FILE, RUNTIME_KEY),
            (node["source"], node["content"]),
        ):
            paths[name] = os.path.join(work, name)
            text = zlib.decompress(base64.b64decode(stitchboard_content(key)))
            with open(paths[name], "wb") as handle:
                handle.write(text)
        found = importlib.util.spec_from_file_location(
            "stitchboard_runtime",
            paths[RUNTIME_FILE],
        )
        assert found is not None and found.loader is not None
        runtime = importlib.util.module_from_spec(found)
        sys.modules["stitchboard_runtime"] = runtime  # dataclasses look their module up
        found.loader.exec_module(runtime)
        spec = runtime.NodeSpec.from_json(node)
        given = runtime.resolve_inputs(spec, context["params"], upstream)
        os.environ.update(spec.env)
        for env, (conn_id, part) in spec.connections.items():
            os.environ[env] = connection_value(conn_id, part)
        return runtime.run_spec(spec, paths[spec.source], given.values, work)


def job_state(kind: str, status: dict[str, Any]) -> str:
    """'succeeded', 'failed' or '' (still running) from a TFJob or DaskJob status."""
    if kind == "DaskJob":
        state = status.get("jobStatus", "")
        return {"Successful": "succeeded", "Failed": "failed"}.get(state, "")
    for condition in status.get("conditions") or []:
        if condition.get("status") == "True":
            if condition.get("type") == "Succeeded":
                return "succeeded"
            if condition.get("type") == "Failed":
                return "failed"
    return ""


def job_payload(node: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """What a job's pods resolve their inputs from: parameter values and upstream outputs."""
    params = {name: context["params"][name] for name in node["params"].values()}
    pulled: dict[str, dict[str, Any]] = {}
    for task_id, output in node["wires"].values():
        value = context["ti"].xcom_pull(task_ids=task_id)[output]
        pulled.setdefault(task_id, {})[output] = value
    return {"params": params, "upstream": pulled}


def run_cluster_job(job: dict[str, Any], **context: Any) -> Any:
    """Create a node's TFJob or DaskJob, wait for it, return the outputs its chief printed."""
    import copy
    import hashlib
    import json
    import time

    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    ti = context["ti"]
    payload = json.dumps(job_payload(job["node"], context))
    run = f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{ti.try_number}"
    name = job["prefix"] + "-" + hashlib.sha256(run.encode()).hexdigest()[:10]
    manifest = copy.deepcopy(job["manifest"])
    for path in job["name_paths"]:
        target = manifest
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = name
    source = stitchboard_content(job["node"]["content"])
    shipped = [
        {"name": "STITCHBOARD_RUNTIME", "value": stitchboard_content(RUNTIME_KEY)},
        {"name": "STITCHBOARD_SOURCE", "value": source},
    ]
    for container in job_containers(manifest):
        container["args"] = [payload]
        container["env"] = shipped + container["env"]
    namespace = manifest["metadata"]["namespace"]
    group, version = manifest["apiVersion"].split("/")
    where = dict(
        group=group,
        version=version,
        plural=job["plural"],
        namespace=namespace,
    )
    hook = KubernetesHook()
    hook.create_custom_object(body=manifest, **where)
    try:
        state = ""
        while not state:
            time.sleep(job["poll_seconds"])
            found = hook.get_custom_object(name=name, **where)
            state = job_state(manifest["kind"], found.get("status") or {})
        selector = ",".join(f"{k}={v}" for k, v in job["chief_labels"].items())
        selector += f",{job['name_label']}={name}"
        pods = hook.core_v1_client.list_namespaced_pod(
            namespace,
            label_selector=selector,
        )
        pod = pods.items[0].metadata.name
        log = hook.core_v1_client.read_namespaced_pod_log(
            pod, namespace, container=job["container"]
        )
        if state == "failed":
            raise RuntimeError(
                f"{manifest['kind']} {name} failed; chief log:\n{log[-4000:]}",
            )
        return json.loads(log.strip().splitlines()[-1])
    finally:
        hook.delete_custom_object(name=name, **where)


def job_containers(value: Any) -> Iterator[dict[str, Any]]:
    """Every container of a manifest that runs the node (it carries STITCHBOARD_NODE)."""
    if isinstance(value, dict):
        names = [e.get("name") for e in value.get("env") or [] if isinstance(e, dict)]
        if "STITCHBOARD_NODE" in names:
            yield value
            return
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from job_containers(item)
