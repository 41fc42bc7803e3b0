"""One operator call per node: pod (kubernetes), cluster job (TFJob/DaskJob) or worker task."""

from __future__ import annotations

import dataclasses
from typing import Any

from exporters.airflow import inline
from exporters.airflow.plan import TaskPlan, connection_part
from exporters.airflow.values import Imports, protect
from exporters.codegen import Call, Map, Raw, Seq, atom
from graph_editor import spark
from graph_editor.images import node_image
from graph_editor.nodes import Node, NodeKind, PipelineSettings, SecretSource
from graph_editor.pipeline import Pipeline
from graph_editor.pod_env import NODE_SPEC_ENV, inert_json, pod_spec_text
from graph_editor.tensorflow import tensorflow_env
from resources.runtime.stitchboard_runtime import FILES_KEY, NodeSpec
from resources.runtime.stitchboard_task import CODE_FOLDER

GPU = "nvidia.com/gpu"
GPU_NODE_SELECTOR = {"nvidia.com/gpu.present": "true"}
GPU_TOLERATION = {"key": GPU, "operator": "Exists", "effect": "NoSchedule"}


def _common(plan: TaskPlan, imports: Imports) -> list[tuple[str, Any]]:
    node = plan.node
    extra: list[tuple[str, Any]] = []
    if node.retries is not None:
        extra.append(("retries", Raw(str(node.retries))))
    if node.timeout_seconds is not None:
        imports.use("datetime")
        extra.append(
            (
                "execution_timeout",
                Call("datetime.timedelta", [], [("seconds", Raw(str(node.timeout_seconds)))]),
            )
        )
    if node.pool:
        extra.append(("pool", Raw(atom(node.pool))))
    return extra


def _connection_template(conn_id: str, part: str) -> str:
    getter = "get_uri()" if part == "uri" else part
    return "{{ conn.get('" + conn_id + "')." + getter + " }}"


def _braces(items: list[str]) -> str:
    # spaced braces: no "{{" or "}}" may occur inside the Jinja expression
    return "{ " + ", ".join(items) + " }" if items else "{}"


def _inputs_template(plan: TaskPlan, run: bool = False) -> str:
    """A Jinja template rendering what the pod resolves its inputs from, as one JSON object.

    ``{"params": {parameter: value}, "upstream": {task id: {output: value}}}``: only the
    parameters and outputs the node's bindings and wires name; the runtime picks the values.
    With a store, ``"run": [dag_id, run_id]`` too: where the node's artifacts go; with
    upstream producers of files (``spec.file_sources``), ``"files": {task id: its files}``.
    """
    spec = plan.spec
    params = [f"'{p}': params['{p}']" for p in dict.fromkeys(spec.params.values())]
    pulled: dict[str, list[str]] = {}
    for task, output in spec.wires.values():
        if output not in pulled.setdefault(task, []):
            pulled[task].append(output)
    upstream = [
        f"'{task}': " + _braces([f"'{o}': ti.xcom_pull(task_ids='{task}')['{o}']" for o in outputs])
        for task, outputs in pulled.items()
    ]
    parts = [f"'params': {_braces(params)}", f"'upstream': {_braces(upstream)}"]
    if run:
        parts.append("'run': [dag.dag_id, run_id]")
    if spec.file_sources:
        pulls = [f"'{t}': ti.xcom_pull(task_ids='{t}')['{FILES_KEY}']" for t in spec.file_sources]
        parts.append(f"'files': {_braces(pulls)}")
    payload = _braces(parts)
    return "{{ " + payload + " | stitchboard_json }}"


def _in_pod(plan: TaskPlan) -> NodeSpec:
    # A pod gets the env and connections as its own environment, and its declared files in
    # STITCHBOARD_SHIP: not twice (size limits).
    return dataclasses.replace(plan.spec, env={}, connections={}, file_keys={})


def _resources(plan: TaskPlan, gpus: int) -> dict[str, dict[str, str]]:
    r = plan.node.resources
    requests = {k: v for k, v in (("cpu", r.cpu), ("memory", r.memory)) if v}
    limits = {k: v for k, v in (("cpu", r.cpu_limit), ("memory", r.memory_limit)) if v}
    if gpus:
        requests[GPU] = limits[GPU] = str(gpus)
    return {k: v for k, v in (("requests", requests), ("limits", limits)) if v}


STORE_VOLUME = "stitchboard-store"


def ship_env(settings: PipelineSettings, ship: dict[str, str]) -> dict[str, str]:
    """How a pod gets its code: from the store by content key, or (no store) in its env."""
    env = {"STITCHBOARD_SHIP": inert_json(ship)}
    store = settings.artifact_store
    if store:
        env["STITCHBOARD_CODE"] = store.rstrip("/") + "/" + CODE_FOLDER
        env["STITCHBOARD_STORE"] = store
    else:
        content = "{{ stitchboard_content('%s') }}"
        for key in dict.fromkeys(ship.values()):
            env["STITCHBOARD_FILE_" + key] = content % key
    return env


def pod_env(
    plan: TaskPlan, pipeline: Pipeline, ship: dict[str, str] | None = None
) -> dict[str, str]:
    """The generated part of a pod's env (templates unrendered), then the node's own env."""
    from exporters.content import SUPPORT_FILES, support_contents

    if ship is None:
        ship = {c.name: c.key for c in support_contents() if c.name in SUPPORT_FILES}
    spec = plan.spec
    env = {  # the node's spec measured as validation measures it (graph_editor.pod_env)
        NODE_SPEC_ENV: pod_spec_text(spec),
        **ship_env(pipeline.settings, {**ship, spec.source: spec.content, **spec.file_keys}),
    }
    generated = {**spark_pod_env(plan, pipeline), **tensorflow_env(plan.node)}
    return {**env, **generated, **plan.node.env}


def spark_pod_env(plan: TaskPlan, pipeline: Pipeline) -> dict[str, str]:
    """A Spark node's pod is its driver (client mode): Spark on Kubernetes, from its env."""
    node, settings = plan.node, pipeline.settings
    if node.kind != NodeKind.SPARK:
        return {}
    return spark.kubernetes_env(
        node.spark, settings.namespace, node.image or settings.default_image
    )


def _spark_driver(node: Node, imports: Imports) -> list[tuple[str, Any]]:
    """A driver pod's IP in its env (the downward API), and the account that may create its
    executor pods."""
    imports.use("k8s")
    field = Call("k8s.V1ObjectFieldSelector", [], [("field_path", Raw('"status.podIP"'))])
    source = Call("k8s.V1EnvVarSource", [], [("field_ref", field)])
    pod_ip = Call(
        "k8s.V1EnvVar", [], [("name", Raw(atom(spark.POD_IP_ENV))), ("value_from", source)]
    )
    kwargs: list[tuple[str, Any]] = [("pod_runtime_info_envs", Seq([pod_ip]))]
    if node.spark.service_account:
        kwargs.append(("service_account_name", Raw(atom(node.spark.service_account))))
    return kwargs


def _outlets(plan: TaskPlan, imports: Imports) -> list[tuple[str, Any]]:
    uris = [plan.node.assets[p.name] for p in plan.node.outputs if p.name in plan.node.assets]
    if not uris:
        return []
    return [("outlets", Seq([Call(imports.use("Asset"), [Raw(atom(u))]) for u in uris]))]


def _store_mounts(settings: PipelineSettings, imports: Imports) -> list[tuple[str, Any]]:
    """The PersistentVolumeClaim holding the store, mounted where the store URL points."""
    if not settings.store_volume:
        return []
    imports.use("k8s")
    claim = Call(
        "k8s.V1PersistentVolumeClaimVolumeSource",
        [],
        [("claim_name", Raw(atom(settings.store_volume)))],
    )
    volume = Call(
        "k8s.V1Volume",
        [],
        [("name", Raw(atom(STORE_VOLUME))), ("persistent_volume_claim", claim)],
    )
    mount = Call(
        "k8s.V1VolumeMount",
        [],
        [
            ("name", Raw(atom(STORE_VOLUME))),
            ("mount_path", Raw(atom(settings.artifact_store.removeprefix("file://")))),
        ],
    )
    return [("volumes", Seq([volume])), ("volume_mounts", Seq([mount]))]


def pod_task(plan: TaskPlan, pipeline: Pipeline, imports: Imports, ship: dict[str, str]) -> Call:
    """A KubernetesPodOperator running the node through the shipped runtime."""
    node, settings = plan.node, pipeline.settings
    spec = plan.spec
    users = {*node.env, *spark_pod_env(plan, pipeline)}  # names and images the user typed
    env: dict[str, Any] = {  # generated templates are Raw; user values go through protect()
        k: Raw(atom(v)) if k not in users else v for k, v in pod_env(plan, pipeline, ship).items()
    }
    secrets = []
    for ref in node.secrets:
        if ref.source == SecretSource.KUBERNETES:
            secrets.append(
                Call(
                    imports.use("Secret"),
                    [Raw(atom(v)) for v in ("env", ref.env, ref.name, ref.key)],
                )
            )
        else:
            env[ref.env] = Raw(atom(_connection_template(ref.name, connection_part(ref))))
    kwargs: list[tuple[str, Any]] = [
        ("task_id", Raw(atom(plan.task_id))),
        ("image", protect(node_image(node, settings), imports)),
        ("namespace", Raw(atom(settings.namespace))),
        ("cmds", Seq([Raw('"python3"'), Raw('"-c"'), Raw(inline.BOOTSTRAP)])),
    ]
    if spec.params or spec.wires or settings.artifact_store or spec.file_sources:
        template = _inputs_template(plan, bool(settings.artifact_store))
        kwargs.append(("arguments", Seq([Raw(atom(template))])))
    kwargs.append(
        ("env_vars", Map([(k, protect(v, imports)) for k, v in env.items()], explode=True))
    )
    if settings.store_secret:  # every key of the Secret becomes the pod's env (AWS_...)
        secrets.append(
            Call(
                imports.use("Secret"), [Raw('"env"'), Raw("None"), Raw(atom(settings.store_secret))]
            )
        )
    if secrets:
        kwargs.append(("secrets", Seq(secrets)))
    if node.kind == NodeKind.SPARK:
        kwargs += _spark_driver(node, imports)
    kwargs += _store_mounts(settings, imports)
    if settings.artifact_store:  # on the Airflow worker, before the pod: code into the store
        kwargs.append(("pre_execute", Raw("ship_code")))
    resources = _resources(plan, plan.gpus)
    if resources:
        imports.use("k8s")
        kwargs.append(
            (
                "container_resources",
                Call(
                    "k8s.V1ResourceRequirements",
                    [],
                    [
                        (k, Map([(q, Raw(atom(v))) for q, v in amounts.items()]))
                        for k, amounts in resources.items()
                    ],
                ),
            )
        )
    if plan.gpus:
        kwargs.append(
            (
                "tolerations",
                Seq(
                    [
                        Call(
                            "k8s.V1Toleration",
                            [],
                            [(k, Raw(atom(v))) for k, v in GPU_TOLERATION.items()],
                        )
                    ]
                ),
            )
        )
        kwargs.append(("node_selector", protect(GPU_NODE_SELECTOR, imports)))
    kwargs += _common(plan, imports)
    kwargs += _outlets(plan, imports)
    kwargs += [
        ("do_xcom_push", Raw("True")),
        ("get_logs", Raw("True")),
        ("on_finish_action", Raw('"delete_pod"')),
    ]
    return Call(imports.use("KubernetesPodOperator"), [], kwargs, explode=True)


def worker_task(plan: TaskPlan, pipeline: Pipeline, imports: Imports) -> Call:
    """A PythonOperator running the node on the Airflow worker through the shipped runtime."""
    kwargs: list[tuple[str, Any]] = [
        ("task_id", Raw(atom(plan.task_id))),
        ("python_callable", Raw("run_node")),
        ("op_kwargs", Map([("node", _exploded(protect(plan.spec.to_json(), imports)))])),
    ]
    kwargs += _common(plan, imports)
    kwargs += _outlets(plan, imports)
    return Call(imports.use("PythonOperator"), [], kwargs, explode=True)


def _exploded(value: Any) -> Any:
    if isinstance(value, Map):
        value.explode = True
    return value
