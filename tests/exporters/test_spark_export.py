"""Spark nodes in exported DAGs: on Kubernetes the node's pod is the Spark driver (client mode,
executors as pods); on the worker backend the node runs on the worker's local Spark.

The generated module runs against recording stubs here (the values it builds); the real
Airflow DagBag loads the same pipeline in test_dagbag.py.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

from exporters.airflow import export_pipeline
from graph_editor import fileformat, spark
from graph_editor.nodes import Edge, Node, NodeKind, PipelineSettings, Port, SparkSettings
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import validate
from tests.exporters.helpers import run_module, unwrap

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "mixed"
IMAGE = "registry.example/spark-jobs:4.0.1"
SCRIPT = "import json, os\nopen(os.environ['STITCHBOARD_OUTPUTS'], 'w').write(json.dumps({}))\n"


def spark_pipeline(folder: Path) -> Pipeline:
    """The bundled PySpark notebook, then a PySpark script fed one of its outputs."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "aggregate.ipynb", folder / "aggregate.ipynb")
    (folder / "count.py").write_text(SCRIPT, encoding="utf-8")
    settings = PipelineSettings(name="Spark", dag_id="spark_jobs", namespace="analytics")
    p = Pipeline(settings, path=folder / "spark.stitch")
    p.add_node(
        Node(
            id="n1",
            name="aggregate",
            kind=NodeKind.SPARK,
            source="aggregate.ipynb",
            image=IMAGE,
            inputs=(Port("group_by", PortType.STR, "segment"),),
            outputs=(Port("totals", PortType.DICT), Port("spark_version", PortType.STR)),
            spark=SparkSettings(
                executors=4,
                executor_cores=2,
                executor_memory="3g",
                driver_memory="2g",
                service_account="spark-driver",
            ),
        )
    )
    p.add_node(
        Node(
            id="n2",
            name="count",
            kind=NodeKind.SPARK,
            source="count.py",
            image=IMAGE,
            inputs=(Port("totals", PortType.DICT),),
            spark=SparkSettings(executor_image="registry.example/spark-exec:4.0.1"),
        )
    )
    p.add_edge(Edge("n1", "n2", "totals", "totals"))
    fileformat.save(p, folder / "spark.stitch")
    return fileformat.load(folder / "spark.stitch")


def _submit_conf(args_text: str) -> dict[str, str]:
    args = shlex.split(args_text)
    assert args[-1] == "pyspark-shell"
    conf = {"master": args[args.index("--master") + 1]}
    conf["driver-memory"] = args[args.index("--driver-memory") + 1]
    for i, arg in enumerate(args):
        if arg == "--conf":
            key, _, value = args[i + 1].partition("=")
            conf[key] = value
    return conf


def _tasks(calls: list[Any], kind: str) -> dict[str, Any]:
    return {c.kwargs["task_id"]: c.kwargs for c in calls if c.kind == kind}


def test_a_spark_node_exports_to_kubernetes_as_a_driver_pod_with_its_executors(
    tmp_path: Path,
) -> None:
    p = spark_pipeline(tmp_path)
    assert not [i for i in validate(p, backend="kubernetes") if i.is_error]  # type: ignore[arg-type]
    _, calls = run_module(export_pipeline(p).dag_source)
    tasks = _tasks(calls, "KubernetesPodOperator")
    aggregate = tasks["aggregate"]
    assert aggregate["image"] == IMAGE and aggregate["service_account_name"] == "spark-driver"
    (pod_ip,) = aggregate["pod_runtime_info_envs"]  # the downward API: the pod's own IP
    assert pod_ip.kwargs["name"] == spark.POD_IP_ENV
    assert pod_ip.kwargs["value_from"].kwargs["field_ref"].kwargs["field_path"] == "status.podIP"
    env = unwrap(aggregate["env_vars"])
    conf = _submit_conf(env[spark.SUBMIT_ARGS_ENV])
    assert conf["master"] == spark.KUBERNETES_MASTER and conf["driver-memory"] == "2g"
    assert conf["spark.executor.instances"] == "4" and conf["spark.executor.cores"] == "2"
    assert conf["spark.executor.memory"] == "3g"
    assert conf["spark.kubernetes.namespace"] == "analytics"
    assert conf["spark.kubernetes.container.image"] == IMAGE  # executors: the driver's image
    assert json.loads(env[spark.CONF_ENV])["spark.executor.instances"] == "4"
    # outputs leave as for every pod: the XCom sidecar
    assert aggregate["do_xcom_push"] is True
    count = tasks["count"]
    assert "service_account_name" not in count  # the namespace's default account
    exec_image = _submit_conf(unwrap(count["env_vars"])[spark.SUBMIT_ARGS_ENV])
    assert exec_image["spark.kubernetes.container.image"] == "registry.example/spark-exec:4.0.1"


def test_a_spark_node_exports_to_the_worker_with_a_local_spark(tmp_path: Path) -> None:
    p = spark_pipeline(tmp_path)
    _, calls = run_module(export_pipeline(p, "worker").dag_source)
    tasks = _tasks(calls, "PythonOperator")
    node = unwrap(tasks["aggregate"]["op_kwargs"]["node"])
    conf = _submit_conf(node["env"][spark.SUBMIT_ARGS_ENV])
    assert conf["master"] == "local[8]"  # 4 executors x 2 cores, as threads on the worker
    assert conf["spark.ui.enabled"] == "false" and conf["driver-memory"] == "2g"
    assert node["wires"] == {} and node["source"] == "aggregate.ipynb"
    count = unwrap(tasks["count"]["op_kwargs"]["node"])
    assert count["script"] is True and count["wires"] == {"totals": ["aggregate", "totals"]}


def test_a_spark_node_without_its_own_image_is_warned_about_on_kubernetes(tmp_path: Path) -> None:
    p = spark_pipeline(tmp_path)
    p.update_node("n2", image="")
    found = [i for i in validate(p, backend="kubernetes") if i.code == "spark-no-image"]  # type: ignore[arg-type]
    assert len(found) == 1 and found[0].node_id == "n2" and not found[0].is_error
    assert "Java, pyspark and papermill" in found[0].message


def test_in_its_pod_the_driver_advertises_its_pod_ip_and_names_itself() -> None:
    from resources.runtime.stitchboard_task import spark_driver_env

    env = spark.kubernetes_env(SparkSettings(), "ml", IMAGE)
    pod = {spark.POD_IP_ENV: "10.42.3.17", "HOSTNAME": "spark-jobs-aggregate-x7k2"}
    named = spark_driver_env({**env, **pod})
    conf = _submit_conf(named[spark.SUBMIT_ARGS_ENV])
    # executor pods connect to the IP (the bare pod name resolves only inside the pod)
    assert conf["spark.driver.host"] == "10.42.3.17"
    assert conf["spark.driver.bindAddress"] == "0.0.0.0"
    assert conf["spark.driver.port"] == "7078" and conf["spark.driver.blockManager.port"] == "7079"
    assert conf["spark.kubernetes.driver.pod.name"] == "spark-jobs-aggregate-x7k2"
    assert conf["master"] == spark.KUBERNETES_MASTER
    # a local Spark (worker, dry-run) and an already set up driver are left alone
    assert spark_driver_env({**spark.local_env(SparkSettings()), **pod}) == {}
    assert spark_driver_env({**named, spark.POD_IP_ENV: "10.0.0.1", "HOSTNAME": "other"}) == {}
