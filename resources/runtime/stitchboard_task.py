"""Code that runs on an Airflow worker or in a pod, inlined into every exported DAG module.

The exporter copies these functions' source into the DAG module (``exporters/airflow/inline.py``)
and writes ``pod_bootstrap`` as the text a pod runs with ``python3 -c``. So they keep to a few
rules: imports inside the function (the scheduler's parse of a DAG stays cheap); only names
the DAG module defines (``CONTENT``, ``SHIPPED``, ``STORE``, the functions here);
lines that black keeps at 88 columns; no Jinja delimiters. Resolving a node's inputs and
running it is the shipped runtime's job (``stitchboard_runtime``); these functions only fetch
what it needs. Pods get this module too (by content key, like the runtime and the artifact
layer): ``pod_bootstrap`` only fetches the code and calls ``run_in_pod``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# The DAG module defines these; the values here serve direct tests of the functions.
CONTENT: dict[str, str] = {}  # shipped file key -> zlib-compressed, base64-encoded text
SHIPPED: dict[str, str] = {}  # file every task needs (runtime, artifact layer, this) -> key
STORE: dict[str, str] = {}  # the artifact store: {"url": ..., "connection": ...}, or empty
BUNDLED: dict[str, str] = {}  # key -> file beside the DAG module (big declared files), packed
CODE_FOLDER = "_stitchboard/code"  # where in the store a pod fetches its code by content key
# A worker DAG whose pipeline names no store keeps artifacts here, under $AIRFLOW_HOME
DEFAULT_STORE_FOLDER = "stitchboard/artifacts"
XCOM_ENV = "STITCHBOARD_XCOM_PATH"  # where a pod writes its outputs (default: the sidecar's)


def pod_bootstrap() -> int:
    # Inside a pod, as ``python3 -c POD_BOOTSTRAP PAYLOAD``: fetch the files named in
    # $STITCHBOARD_SHIP ({file name: content key}) from the store folder $STITCHBOARD_CODE
    # (the task's pre_execute put them there), or, with no store, from $STITCHBOARD_FILE_<key>;
    # then hand over to ``run_in_pod`` of the shipped task module. Builtin annotations only:
    # no ``from __future__`` import precedes this text in the pod.
    # Every file is checked against its content key (the start of its sha256) before it is
    # written: code changed or cut short in the store never runs.
    import base64
    import hashlib
    import json
    import os
    import sys
    import tempfile
    import zlib

    work = tempfile.mkdtemp(prefix="stitchboard-")
    code = os.environ.get("STITCHBOARD_CODE", "").rstrip("/")
    for name, key in json.loads(os.environ["STITCHBOARD_SHIP"]).items():
        if code:
            import fsspec

            with fsspec.open(code + "/" + key, "rb") as handle:
                packed = handle.read()
        else:
            packed = os.environ["STITCHBOARD_FILE_" + key].encode("ascii")
        try:
            data = zlib.decompress(base64.b64decode(packed))
        except (ValueError, zlib.error):
            data = b""
        if hashlib.sha256(data).hexdigest()[:16] != key:
            where = code or "the pod's environment"
            print(
                f"ShippedFileError: {name} (content key {key}) from {where} does not match "
                "its key: it was changed or cut short after the DAG shipped it; not run",
                file=sys.stderr,
            )
            return 1
        target = os.path.join(work, name)  # declared files keep their relative place
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    sys.path.insert(0, work)
    import stitchboard_task

    return stitchboard_task.run_in_pod(work, sys.argv[1] if len(sys.argv) > 1 else "{}")


def run_in_pod(work: str, payload_text: str) -> int:
    """Run the node of $STITCHBOARD_NODE in a pod whose code is in ``work``; write its XCom.

    ``payload_text`` is the rendered argument: the pipeline parameters and upstream outputs
    (values or artifact references) the node names, and the run's ``[dag_id, run_id]``.
    """
    import json
    import os
    import sys

    import stitchboard_artifacts as artifacts
    import stitchboard_runtime as runtime

    spec = runtime.NodeSpec.from_json(json.loads(os.environ["STITCHBOARD_NODE"]))
    os.environ.update(spark_driver_env(dict(os.environ)))
    payload = json.loads(payload_text)
    pulled = payload.get("upstream", {})

    def upstream(task_id: str, output: str) -> Any:
        return pulled[task_id][output]

    given = runtime.resolve_inputs(spec, payload.get("params", {}), upstream)
    where = None
    if os.environ.get("STITCHBOARD_STORE"):
        run = [*payload.get("run", ["dag", "run"]), spec.task_id]
        where = artifacts.Where(os.environ["STITCHBOARD_STORE"], tuple(run))
    source = os.path.join(work, spec.source)
    files = runtime.produced_files(spec, dict(payload.get("files", {})).get)
    try:
        outputs = run_stored(runtime, artifacts, spec, source, given.values, work, where, files)
    except (runtime.OutputError, artifacts.ArtifactError, runtime.ScriptFailed) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)  # one line, no traceback
        return 1
    except Exception as exc:
        # the notebook's load cell refused an input (missing, changed): one line, as above
        ename = str(getattr(exc, "ename", ""))
        if not ename.endswith("ArtifactError"):
            raise
        said = getattr(exc, "evalue", "")
        print(f"{ename}: node {spec.task_id}: {said}", file=sys.stderr)
        return 1
    text = json.dumps(outputs)
    flags = list(spec.flags)
    targets = [flags[flags.index("--result") + 1]] if "--result" in flags else []
    if "--xcom" in flags:
        targets.append(os.environ.get(XCOM_ENV) or runtime.XCOM_PATH)
    for target in targets:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    print(text)
    return 0


def spark_driver_env(environ: dict[str, str]) -> dict[str, str]:
    """A Spark driver pod tells Spark where its executors find it, and names itself to Spark.

    Only for Spark on Kubernetes (``PYSPARK_SUBMIT_ARGS`` with a ``k8s://`` master). The pod's
    IP (``STITCHBOARD_POD_IP``, from the downward API's ``status.podIP``) becomes
    ``spark.driver.host``: executor pods cannot resolve the bare pod name Spark would
    advertise. ``HOSTNAME`` (the pod's name) becomes ``spark.kubernetes.driver.pod.name``, so
    the executor pods go when the pod goes. A setting already given is kept. Empty otherwise.
    """
    import shlex

    args = shlex.split(environ.get("PYSPARK_SUBMIT_ARGS", ""))
    master = args[args.index("--master") + 1] if "--master" in args[:-1] else ""
    if not master.startswith("k8s://") or args[-1:] != ["pyspark-shell"]:
        return {}
    wanted = {
        "spark.driver.host": environ.get("STITCHBOARD_POD_IP", ""),
        "spark.kubernetes.driver.pod.name": environ.get("HOSTNAME", ""),
    }
    conf = []
    for key, value in wanted.items():
        if value and not any(a.startswith(key + "=") for a in args):
            conf += ["--conf", key + "=" + value]
    if not conf:
        return {}
    return {"PYSPARK_SUBMIT_ARGS": shlex.join(args[:-1] + conf + args[-1:])}


def run_stored(
    runtime: Any,
    artifacts: Any,
    spec: Any,
    source: str,
    values: dict[str, Any],
    work: str,
    where: Any,
    files: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run a node so that only values and artifact references leave it.

    With a store (``where``, an ``artifacts.Where``), the runtime stores what is not a small
    JSON value and returns references; wired references are its inputs. ``files`` are the
    files upstream nodes produced (``{relative path: ref}``), restored in ``work`` first.
    """
    import inspect
    import os

    if where is None:
        extra = {"files": files} if files else {}
        return runtime.run_spec(spec, source, values, work, **extra)
    accepts = inspect.signature(runtime.run_spec).parameters
    if "store" in accepts:  # the runtime stores and loads artifacts itself
        extra = {"files": files} if files and "files" in accepts else {}
        return runtime.run_spec(
            spec, source, values, work, store=where.store, prefix=where.prefix, **extra
        )
    # A runtime that only knows JSON: load the references first, store big values after.
    loaded = {}
    for name, value in values.items():
        if artifacts.is_ref(value):
            producer = spec.wires.get(name, ("",))[0] or None
            folder = os.path.join(work, "inputs", name)
            value = artifacts.load_input(value, local_dir=folder, producer=producer)
        loaded[name] = value
    outputs = runtime.run_spec(spec, source, loaded, work)
    stored = {}
    for name, value in outputs.items():
        kept = artifacts.store_output(value, name, where)
        is_ref = isinstance(kept, artifacts.ArtifactRef)
        stored[name] = kept.to_json() if is_ref else kept
    return stored


def task_files(runtime: Any, spec: Any, ti: Any) -> dict[str, Any]:
    """The files upstream nodes produced for this one, from their XComs (the runtime's one
    resolution: every upstream producer, direct or not, later ones winning)."""
    key = runtime.FILES_KEY

    def files_of(task_id: str) -> Any:
        return (ti.xcom_pull(task_ids=task_id) or {}).get(key)

    return runtime.produced_files(spec, files_of)


def stitchboard_content(key: str) -> str:
    """One shipped file (notebook, script, runtime, declared file), compressed, base64-encoded:
    from this module's CONTENT, or a big declared file from the bundle beside it."""
    if key in CONTENT:
        return CONTENT[key]
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), BUNDLED[key])
    with open(path, encoding="ascii") as handle:
        return handle.read()


def connection_value(conn_id: str, part: str) -> str:
    """A value of an Airflow connection, read when the task runs (never stored here)."""
    from airflow.sdk import Connection

    conn = Connection.get(conn_id)
    return conn.get_uri() if part == "uri" else str(getattr(conn, part) or "")


def store_options(conn_id: str) -> dict[str, Any]:
    """fsspec storage options from an Airflow connection, read when the task runs.

    An ``aws`` connection gives s3fs its keys and the extra's ``endpoint_url`` and
    ``region_name``; any other connection's extra is taken as the options themselves.
    """
    if not conn_id:
        return {}
    from airflow.sdk import Connection

    conn = Connection.get(conn_id)
    extra = dict(conn.extra_dejson or {})
    if conn.conn_type not in ("aws", "s3"):
        return extra
    options: dict[str, Any] = {}
    if conn.login:
        options.update(key=conn.login, secret=conn.password or "")
    if extra.get("aws_session_token"):
        options["token"] = extra["aws_session_token"]
    client = {k: extra[k] for k in ("endpoint_url", "region_name") if extra.get(k)}
    if client:
        options["client_kwargs"] = client
    return options


def ship_code(context: dict[str, Any]) -> None:
    """Before a pod starts (on the Airflow worker): put the DAG's code into the store.

    Each file goes under its content key, so runs and DAG versions share what they have in
    common and nothing travels in the pod's env. A file already there is kept only if it is
    whole (code in the DAG module: the same bytes; a big bundled file: the same size); else
    it is written again, under a temporary name moved into place, so a write cut short is
    never left where a pod reads it. The folder is created (a fresh shared volume has none).
    """
    import uuid

    import fsspec

    options = store_options(STORE.get("connection", ""))
    fs, root = fsspec.core.url_to_fs(STORE["url"], **options)
    folder = root.rstrip("/") + "/" + CODE_FOLDER
    protocols = fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)
    if {"file", "local"} & set(protocols):  # object stores have no folders to make
        fs.makedirs(folder, exist_ok=True)
    for key in [*CONTENT, *BUNDLED]:
        path = folder + "/" + key
        data = stitchboard_content(key).encode("ascii")
        try:
            if key in CONTENT:
                whole = fs.cat_file(path) == data
            else:
                whole = fs.size(path) == len(data)
        except FileNotFoundError:
            whole = False
        if not whole:
            staged = f"{path}.tmp-{uuid.uuid4().hex}"
            fs.pipe_file(staged, data)
            fs.mv(staged, path)


def load_module(name: str, path: str) -> Any:
    """Import a shipped file as module ``name`` (registered, as dataclasses need)."""
    import importlib.util
    import sys

    found = importlib.util.spec_from_file_location(name, path)
    assert found is not None and found.loader is not None
    module = importlib.util.module_from_spec(found)
    sys.modules[name] = module
    found.loader.exec_module(module)
    return module


def default_store() -> str:
    """The worker's artifact store when the pipeline names none: a folder under AIRFLOW_HOME.

    Every task of a LocalExecutor runs on this machine and shares it; Celery workers run on
    other machines, so there it is refused (the pipeline's ``artifact_store`` must name a store
    every worker reaches: an object store, or a folder they all mount).
    """
    import os

    try:
        from airflow.configuration import conf

        executor = str(conf.get("core", "executor"))
    except Exception:  # no Airflow configuration: the environment says it, or nothing
        executor = os.environ.get("AIRFLOW__CORE__EXECUTOR", "")
    if "celery" in executor.lower():
        raise RuntimeError(
            "the pipeline names no artifact store and Celery workers do not share a folder: "
            "set the pipeline's artifact_store (s3://..., or a folder every worker mounts)"
        )
    home = os.environ.get("AIRFLOW_HOME") or os.path.expanduser("~/airflow")
    folder = os.path.join(home, DEFAULT_STORE_FOLDER)
    os.makedirs(folder, exist_ok=True)
    return folder


def run_node(node: dict[str, Any], **context: Any) -> Any:
    """Run one node on this worker with the shipped runtime; return its outputs."""
    import base64
    import hashlib
    import json
    import os
    import sys
    import tempfile
    import zlib

    ti = context["ti"]

    def upstream(task_id: str, output: str) -> Any:
        return ti.xcom_pull(task_ids=task_id)[output]

    # The shipped modules live in a folder that is gone after the task: unregister them then.
    shipped = (
        "stitchboard_runtime",
        "stitchboard_integrity",
        "stitchboard_artifacts",
        "stitchboard_rlang",
    )
    saved = {name: sys.modules.get(name) for name in shipped}
    try:
        with tempfile.TemporaryDirectory(prefix="stitchboard-") as work:
            ship = {**SHIPPED, node["source"]: node["content"]}
            ship.update(node.get("file_keys", {}))
            for name, key in ship.items():  # declared files keep their relative place
                text = zlib.decompress(base64.b64decode(stitchboard_content(key)))
                # a file in the bundle beside the DAG module may have changed since export
                if hashlib.sha256(text).hexdigest()[:16] != key:
                    raise ValueError(
                        f"shipped file {name} does not match its content key {key}: it "
                        "was changed after the DAG was exported; export the DAG again"
                    )
                target = os.path.join(work, name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(text)
            path = os.path.join(work, "stitchboard_runtime.py")
            runtime = load_module("stitchboard_runtime", path)
            artifacts = None
            if "stitchboard_integrity.py" in SHIPPED:  # the artifact layer imports it
                path = os.path.join(work, "stitchboard_integrity.py")
                load_module("stitchboard_integrity", path)
            if "stitchboard_artifacts.py" in SHIPPED:
                path = os.path.join(work, "stitchboard_artifacts.py")
                artifacts = load_module("stitchboard_artifacts", path)
            spec = runtime.NodeSpec.from_json(node)
            given = runtime.resolve_inputs(spec, context["params"], upstream)
            os.environ.update(spec.env)
            for env, (conn_id, part) in spec.connections.items():
                os.environ[env] = connection_value(conn_id, part)
            where = None
            if artifacts is not None:  # artifacts outlive the task: in the store
                options = store_options(STORE.get("connection", ""))
                if options:  # the kernel reads the store with the same options
                    os.environ[artifacts.STORAGE_OPTIONS_ENV] = json.dumps(options)
                run = (ti.dag_id, ti.run_id, ti.task_id)
                url = STORE.get("url") or default_store()
                where = artifacts.Where(url, run, options or None)
            source = os.path.join(work, spec.source)
            files = task_files(runtime, spec, ti)
            args = (spec, source, given.values, work, where, files)
            return run_stored(runtime, artifacts, *args)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


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
    run = [context["ti"].dag_id, context["ti"].run_id]
    files = {}
    for task_id in node.get("file_sources", []):  # upstream producers of files
        files[task_id] = context["ti"].xcom_pull(task_ids=task_id).get("__files__")
    return {"params": params, "upstream": pulled, "run": run, "files": files}


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
    node = job["node"]
    ship = {**SHIPPED, node["source"]: node["content"]}
    ship.update(node.get("file_keys", {}))
    shipped = [{"name": "STITCHBOARD_SHIP", "value": json.dumps(ship)}]
    if STORE:
        ship_code(context)
        code = STORE["url"].rstrip("/") + "/" + CODE_FOLDER
        shipped.append({"name": "STITCHBOARD_CODE", "value": code})
        shipped.append({"name": "STITCHBOARD_STORE", "value": STORE["url"]})
    else:
        for key in dict.fromkeys(ship.values()):
            shipped.append({"name": "STITCHBOARD_FILE_" + key, "value": CONTENT[key]})
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
