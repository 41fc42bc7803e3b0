"""A real Airflow 3.3 DagBag (its own venv) loads the generated DAGs; one subprocess for all."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from exporters.airflow import export_pipeline
from graph_editor.limits import SMALL_STRING
from tests.exporters.helpers import example, special_pipeline
from tests.exporters.test_cluster_store import _pipeline as store_pipeline
from tests.exporters.test_properties import hostile_samples
from tests.exporters.test_rlang_export import mixed
from tests.exporters.test_spark_export import IMAGE, spark_pipeline

pytestmark = pytest.mark.airflow
PROBE = Path(__file__).with_name("dagbag_probe.py")
XCOMS = {
    "prepare_data": {"train": {"X": [[1.5]], "y": [1]}, "test": {"X": [[2.5]], "y": [0]}},
    "fetch": {"out": "o", "size": 3},
}


def _chained(folder: Path) -> Any:
    """A pipeline with an S3 store that runs on another pipeline's Asset and publishes one."""
    pipeline = store_pipeline(folder, store="s3://bucket/art", secret="ml-store")
    pipeline.update_settings(schedule_assets=("s3://raw/customers", "s3://raw/orders"))
    return pipeline


@pytest.fixture(scope="module")
def loaded(airflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("dagbag")
    cases = {
        "example_kubernetes": (example(root / "src1"), "kubernetes"),
        "example_worker": (example(root / "src2"), "worker"),
        "special": (special_pipeline(root / "src3"), "kubernetes"),
        "assets_kubernetes": (_chained(root / "src4"), "kubernetes"),
        "assets_worker": (_chained(root / "src5"), "worker"),
        "spark_kubernetes": (spark_pipeline(root / "src6"), "kubernetes"),
        "spark_worker": (spark_pipeline(root / "src7"), "worker"),
        "mixed_kubernetes": (mixed(root / "src8"), "kubernetes"),
        "mixed_worker": (mixed(root / "src9"), "worker"),
    }
    for i, (pipeline, backend) in enumerate(hostile_samples(root / "hostile")):
        cases[f"hostile_{i}"] = (pipeline, backend)
    folders = {}
    for name, (pipeline, backend) in cases.items():
        export_pipeline(pipeline, backend).write(root / "dags" / name)
        folders[name] = str(root / "dags" / name)
    home = root / "airflow_home"
    home.mkdir()
    result = root / "result.json"
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    done = subprocess.run(
        [
            str(airflow_venv / "bin" / "python"),
            str(PROBE),
            str(result),
            json.dumps(XCOMS),
            *folders.values(),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(result.read_text())
    return {name: (cases[name][0], facts[folder]) for name, folder in folders.items()}


def _check_structure(pipeline: Any, facts: dict[str, Any]) -> dict[str, Any]:
    assert facts["import_errors"] == {}
    dag = facts["dags"][pipeline.settings.dag_id]
    assert set(dag["tasks"]) == {n.name for n in pipeline.nodes}
    for node in pipeline.nodes:
        expected = sorted({pipeline.node(u).name for u in pipeline.upstream(node.id)})
        assert dag["tasks"][node.name]["upstream"] == expected
    assert {k: v["default"] for k, v in dag["params"].items()} == {
        p.name: p.default for p in pipeline.settings.parameters
    }
    return dag


def test_example_kubernetes_loads(loaded: dict[str, Any]) -> None:
    pipeline, facts = loaded["example_kubernetes"]
    dag = _check_structure(pipeline, facts)
    assert dag["schedule"] == "@daily" and dag["owner"] == "data-science" and not dag["catchup"]
    for node in pipeline.nodes:
        task = dag["tasks"][node.name]
        assert task["type"] == "KubernetesPodOperator" and task["do_xcom_push"]
        assert task["image"] == (node.image or pipeline.settings.default_image)
        assert task["namespace"] == "ml-pipelines"
    mlp = dag["tasks"]["train_mlp"]
    assert mlp["resources"]["limits"] == {"nvidia.com/gpu": "1"}
    assert mlp["node_selector"] == {"nvidia.com/gpu.present": "true"}
    assert mlp["tolerations"][0]["key"] == "nvidia.com/gpu"
    # the templated inputs render to JSON a pod turns back into typed values
    rendered = json.loads(dag["tasks"]["train_mlp"]["rendered"]["arguments"][0])
    pulled = {k: XCOMS["prepare_data"][k] for k in ("test", "train")}
    assert rendered == {"params": {}, "upstream": {"prepare_data": pulled}}
    prepare = json.loads(dag["tasks"]["prepare_data"]["rendered"]["arguments"][0])
    assert prepare == {"params": {"n_rows": 400}, "upstream": {}}
    env = dag["tasks"]["prepare_data"]["rendered"]["env_vars"]
    # no store here: the code travels in the env, rendered from the DAG's CONTENT
    ship = json.loads(env["STITCHBOARD_SHIP"])
    files = [env[f"STITCHBOARD_FILE_{key}"] for key in ship.values()]
    # runtime, integrity checks, artifact layer, R bridge (Python and R halves), task module,
    # notebook
    assert len(files) == 7 and all(len(f) > 100 and "{{" not in f for f in files)


def test_example_worker_loads(loaded: dict[str, Any]) -> None:
    pipeline, facts = loaded["example_worker"]
    dag = _check_structure(pipeline, facts)
    task = dag["tasks"]["compare_models"]
    assert task["type"] == "PythonOperator" and task["callable"] == "run_node"
    assert task["op_kwargs"]["node"]["params"] == {"min_accuracy": "min_accuracy"}
    assert task["op_kwargs"]["node"]["wires"]["mlp_accuracy"] == ["train_mlp", "accuracy"]


def test_special_pipeline_pod_specs(loaded: dict[str, Any]) -> None:
    pipeline, facts = loaded["special"]
    dag = _check_structure(pipeline, facts)
    fetch = dag["tasks"]["fetch"]
    assert fetch["secrets"][0]["secret"] == "api-secrets" and fetch["secrets"][0]["key"] == "token"
    assert (
        fetch["pool"] == "io_pool" and fetch["retries"] == 5 and fetch["execution_timeout"] == 600
    )
    rendered_env = fetch["rendered"]["env_vars"]
    assert rendered_env["DB_URI"] == "uri-of-warehouse_db" and rendered_env["CONFIG"] == "conf.json"
    assert dag["params"]["limit"]["schema"]["type"] == ["integer", "null"]
    tf = dag["tasks"]["train_dist"]["op_kwargs"]["job"]["manifest"]
    assert tf["kind"] == "TFJob" and tf["spec"]["tfReplicaSpecs"]["Worker"]["replicas"] == 4
    dask = dag["tasks"]["stats_dist"]["op_kwargs"]["job"]["manifest"]
    assert dask["kind"] == "DaskJob" and dask["spec"]["cluster"]["spec"]["worker"]["replicas"] == 3
    assert (
        "Kubeflow Training Operator" in dag["doc_md"]
        and "Dask Kubernetes Operator" in dag["doc_md"]
    )


def test_hostile_values_load_and_stay_inert(loaded: dict[str, Any]) -> None:
    """User text with quotes, newlines, Jinja and code: zero import errors, exact values after rendering."""
    names = [n for n in loaded if n.startswith("hostile_")]
    assert names
    for name in names:
        pipeline, facts = loaded[name]
        dag = _check_structure(pipeline, facts)
        assert dag["doc_md"].startswith(
            pipeline.settings.description.strip() or pipeline.settings.name
        )
        assert dag["tags"] == sorted(pipeline.settings.tags)
        for node in pipeline.nodes:
            task = dag["tasks"][node.name]["rendered"]
            if "op_kwargs" in task:
                assert task["op_kwargs"]["node"]["values"] == node.values
                assert task["op_kwargs"]["node"]["env"] == node.env
            else:
                assert task["image"] == (node.image or pipeline.settings.default_image)
                for key, value in node.env.items():
                    assert task["env_vars"][key] == value
                spec = json.loads(task["env_vars"]["STITCHBOARD_NODE"])
                assert spec["values"] == node.values


@pytest.mark.parametrize("backend", ["kubernetes", "worker"])
def test_pipelines_chain_through_assets_in_a_real_dagbag(
    loaded: dict[str, Any], backend: str
) -> None:
    _, facts = loaded[f"assets_{backend}"]
    assert facts["import_errors"] == {}
    dag = facts["dags"]["store_case"]
    assert dag["timetable"] == "AssetTriggeredTimetable"
    assert [u.rstrip("/") for u in dag["asset_triggers"]] == [
        "s3://raw/customers",
        "s3://raw/orders",
    ]
    assert [u.rstrip("/") for u in dag["tasks"]["make_values"]["outlets"]] == [
        "s3://features/values"
    ]
    assert dag["tasks"]["sum_values"]["outlets"] == []
    if backend == "kubernetes":
        pod = dag["tasks"]["make_values"]
        assert pod["pre_execute"] == "ship_code"  # code goes into the store before the pod
        assert {"deploy_type": "env", "deploy_target": None, "secret": "ml-store"}.items() <= (
            pod["secrets"][0].items()
        )
        assert max(len(str(v)) for v in pod["rendered"]["env_vars"].values()) < SMALL_STRING


def test_spark_jobs_load_as_driver_pods_and_as_worker_tasks(loaded: dict[str, Any]) -> None:
    pipeline, facts = loaded["spark_kubernetes"]
    dag = _check_structure(pipeline, facts)
    driver = dag["tasks"]["aggregate"]
    assert driver["type"] == "KubernetesPodOperator" and driver["do_xcom_push"]
    assert driver["image"] == IMAGE and driver["service_account_name"] == "spark-driver"
    env = driver["rendered"]["env_vars"]
    assert "--master k8s://https://kubernetes.default.svc:443" in env["PYSPARK_SUBMIT_ARGS"]
    assert "spark.executor.instances=4" in env["PYSPARK_SUBMIT_ARGS"]
    rendered = json.loads(dag["tasks"]["count"]["rendered"]["arguments"][0])
    assert rendered["upstream"] == {"aggregate": {"totals": "aggregate.totals"}}

    pipeline, facts = loaded["spark_worker"]
    dag = _check_structure(pipeline, facts)
    task = dag["tasks"]["aggregate"]
    assert task["type"] == "PythonOperator" and task["callable"] == "run_node"
    assert "--master 'local[8]'" in task["op_kwargs"]["node"]["env"]["PYSPARK_SUBMIT_ARGS"]


@pytest.mark.parametrize("backend", ["kubernetes", "worker"])
def test_a_dag_with_an_r_node_loads_and_runs_it_in_the_r_image(
    loaded: dict[str, Any], backend: str
) -> None:
    pipeline, facts = loaded[f"mixed_{backend}"]
    dag = _check_structure(pipeline, facts)
    r_stats = dag["tasks"]["r_stats"]
    if backend == "kubernetes":
        assert r_stats["image"] == pipeline.settings.r_image
        assert dag["tasks"]["prepare"]["image"] == pipeline.settings.default_image
    else:
        assert r_stats["type"] == "PythonOperator" and r_stats["callable"] == "run_node"
        assert r_stats["op_kwargs"]["node"]["kernel"] == "ir"
