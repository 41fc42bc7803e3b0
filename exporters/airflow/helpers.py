"""Source of the small helpers written into generated DAG modules (black-formatted text).

They run on the Airflow worker or inside a pod, never at parse time: their imports sit inside
the functions so the scheduler's parse stays cheap.
"""

from __future__ import annotations

# Runs inside a pod as ``python3 -c``: unpack the runtime and the node's file, then run it.
# No Jinja delimiters may appear in this text: it is a templated field of the pod operator.
POD_BOOTSTRAP = """
import base64, json, os, sys, tempfile, zlib


def unpack(name):
    return zlib.decompress(base64.b64decode(os.environ[name])).decode("utf-8")


node = json.loads(os.environ["STITCHBOARD_NODE"])
work = tempfile.mkdtemp(prefix="stitchboard-")
with open(os.path.join(work, "stitchboard_runtime.py"), "w", encoding="utf-8") as f:
    f.write(unpack("STITCHBOARD_RUNTIME"))
source = os.path.join(work, node["source"])
with open(source, "w", encoding="utf-8") as f:
    f.write(unpack("STITCHBOARD_SOURCE"))
given = dict(node["values"])
given.update(json.loads(sys.argv[1] if len(sys.argv) > 1 else "{}"))
params = dict((k, given[k]) for k in node["inputs"] if k in given)
sys.path.insert(0, work)
import stitchboard_runtime

argv = [source, "--params", json.dumps(params), "--outputs", ",".join(node["outputs"])]
argv += ["--kernel", node["kernel"]] if node["kernel"] else []
sys.exit(stitchboard_runtime.main(argv + node["flags"]))
"""

CONTENT_HELPER = '''
def stitchboard_content(key):
    """One shipped file (notebook, script or runtime), compressed and base64-encoded."""
    return CONTENT[key]
'''

WORKER_HELPERS = '''
def connection_value(conn_id, part):
    """A value of an Airflow connection, read when the task runs (never stored here)."""
    from airflow.sdk import Connection

    conn = Connection.get(conn_id)
    return conn.get_uri() if part == "uri" else str(getattr(conn, part) or "")


def run_node(node, **context):
    """Run one node on this worker with the shipped runtime; return its outputs."""
    import base64
    import importlib.util
    import os
    import tempfile
    import zlib

    given = dict(node["values"])
    for name, param in node["params"].items():
        given[name] = context["params"][param]
    for name, (task_id, output) in node["wires"].items():
        given[name] = context["ti"].xcom_pull(task_ids=task_id)[output]
    inputs = {name: given[name] for name in node["inputs"] if name in given}
    os.environ.update(node["env"])
    for env, (conn_id, part) in node["connections"].items():
        os.environ[env] = connection_value(conn_id, part)
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
        spec = importlib.util.spec_from_file_location(
            "stitchboard_runtime", paths[RUNTIME_FILE]
        )
        runtime = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(runtime)
        source = paths[node["source"]]
        if source.endswith(".py"):
            return runtime.run_script(source, inputs, node["outputs"], cwd=work)
        executed = os.path.join(work, "executed.ipynb")
        kernel = node["kernel"] or None
        return runtime.run_notebook(
            source, inputs, node["outputs"], executed, kernel, cwd=work
        )
'''

CLUSTER_JOB_HELPERS = '''
def job_state(kind, status):
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


def run_cluster_job(job, **context):
    """Create a node's TFJob or DaskJob, wait for it, return the outputs its chief printed."""
    import copy
    import hashlib
    import json
    import time

    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    ti = context["ti"]
    given = dict(job["node"]["values"])
    for name, param in job["node"]["params"].items():
        given[name] = context["params"][param]
    for name, (task_id, output) in job["node"]["wires"].items():
        given[name] = ti.xcom_pull(task_ids=task_id)[output]
    run = f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{ti.try_number}"
    name = job["prefix"] + "-" + hashlib.sha256(run.encode()).hexdigest()[:10]
    manifest = copy.deepcopy(job["manifest"])
    for path in job["name_paths"]:
        target = manifest
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = name
    shipped = [
        {"name": "STITCHBOARD_RUNTIME", "value": stitchboard_content(RUNTIME_KEY)},
        {"name": "STITCHBOARD_SOURCE", "value": stitchboard_content(job["content"])},
    ]
    for container in job_containers(manifest):
        container["args"] = [json.dumps(given)]
        container["env"] = shipped + container["env"]
    namespace = manifest["metadata"]["namespace"]
    group, version = manifest["apiVersion"].split("/")
    where = dict(
        group=group, version=version, plural=job["plural"], namespace=namespace
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
            namespace, label_selector=selector
        )
        pod = pods.items[0].metadata.name
        log = hook.core_v1_client.read_namespaced_pod_log(
            pod, namespace, container=job["container"]
        )
        if state == "failed":
            raise RuntimeError(
                f"{manifest['kind']} {name} failed; chief log:\\n{log[-4000:]}"
            )
        return json.loads(log.strip().splitlines()[-1])
    finally:
        hook.delete_custom_object(name=name, **where)


def job_containers(value):
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
'''


def check_inert(text: str) -> str:
    """Fail loudly if helper text would be seen as a Jinja template."""
    assert not any(d in text for d in ("{{", "{%", "{#")), "helper text contains Jinja delimiters"
    return text


check_inert(POD_BOOTSTRAP)
