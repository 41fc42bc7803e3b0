"""Every pod and cluster job the exported DAGs would submit is one the Kubernetes API accepts.

No cluster runs here, so the objects are checked against the schemas a cluster would apply:
pods (built by the cncf-kubernetes provider's own ``build_pod_request_obj``, in the Airflow
venv: ``pod_probe.py``) against Kubernetes 1.33's OpenAPI in strict mode (kubernetes-validate:
an unknown field is an error); TFJobs and DaskJobs (the body the DAG's own ``run_cluster_job``
would create, recorded by a stand-in KubernetesHook) against their operators' vendored CRD
``openAPIV3Schema`` (``schemas/README.md`` names sources and versions), made strict the same way.
Sizes are checked under the limits a pod meets when it starts.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from exporters.airflow import export_pipeline
from graph_editor.limits import ENV_STRING_MAX, POD_SPEC_MAX, env_string_size
from graph_editor.nodes import Distributed, TFStrategy
from tests.exporters.helpers import example, special_pipeline
from tests.exporters.test_cluster_store import _pipeline as store_pipeline
from tests.exporters.test_dagbag import XCOMS
from tests.exporters.test_properties import hostile_samples
from tests.exporters.test_rlang_export import mixed
from tests.exporters.test_spark_export import spark_pipeline

pytestmark = pytest.mark.airflow
HERE = Path(__file__).parent
PROBE = HERE / "pod_probe.py"
KUBERNETES = "1.33"


def _parameter_server(folder: Path) -> Any:
    pipeline = special_pipeline(folder)
    pipeline.update_node("n2", distributed=Distributed(3, 1, TFStrategy.PARAMETER_SERVER))
    return pipeline


def _volume(folder: Path) -> Any:
    pipeline = store_pipeline(folder, store="file:///mnt/store")
    pipeline.update_settings(store_volume="store-pvc")
    return pipeline


def _cases(root: Path) -> dict[str, Any]:
    return {
        "example": example(root / "example"),
        "special": special_pipeline(root / "special"),
        "parameter_server": _parameter_server(root / "ps"),
        "store_volume": _volume(root / "volume"),
        "store_s3": store_pipeline(root / "s3", store="s3://bucket/art", secret="ml-store"),
        "spark": spark_pipeline(root / "spark"),
        "mixed": mixed(root / "mixed"),
        "hostile": next(p for p, b in hostile_samples(root / "hostile") if b == "kubernetes"),
    }


@pytest.fixture(scope="module")
def submitted(airflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("schemas")
    folders = {}
    for name, pipeline in _cases(root / "src").items():
        export_pipeline(pipeline, "kubernetes").write(root / "dags" / name)
        folders[name] = str(root / "dags" / name)
    home = root / "airflow_home"
    home.mkdir()
    result = root / "result.json"
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    done = subprocess.run(
        [str(airflow_venv / "bin" / "python"), str(PROBE), str(result), json.dumps(XCOMS)]
        + list(folders.values()),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(result.read_text())
    for name, folder in folders.items():
        assert facts[folder]["import_errors"] == {}, name
    return {name: facts[folder] for name, folder in folders.items()}


def _strict(schema: Any) -> Any:
    """A CRD schema that refuses unknown fields, as ``kubectl apply --validate=strict`` does."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {name: _strict(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = _strict(value)
        else:
            out[key] = value
    if "properties" in out and not out.get("x-kubernetes-preserve-unknown-fields"):
        out.setdefault("additionalProperties", False)
    return out


def _crd_schema(kind: str) -> dict[str, Any]:
    doc = json.loads((HERE / "schemas" / f"{kind.lower()}.crd-schema.json").read_text())
    assert doc["kind"] == kind
    schema = _strict(doc["openAPIV3Schema"])
    # the API server checks these itself (ObjectMeta, the resource's group and kind)
    schema["properties"]["metadata"] = {"type": "object"}
    schema["properties"]["apiVersion"] = {"const": f"{doc['group']}/{doc['version']}"}
    schema["properties"]["kind"] = {"const": kind}
    return schema


def _containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(pod_spec.get("containers", [])) + list(pod_spec.get("initContainers", []))


def _check_sizes(containers: list[dict[str, Any]], whole: Any, where: str) -> None:
    for container in containers:
        for var in container.get("env", []):
            size = env_string_size(var["name"], var.get("value", ""))
            assert size <= ENV_STRING_MAX, f"{where}: env {var['name']} takes {size:,} bytes"
        for arg in [*container.get("command", []), *container.get("args", [])]:
            assert len(arg.encode()) + 1 <= ENV_STRING_MAX, f"{where}: an argument is too big"
    size = len(json.dumps(whole).encode())
    assert size <= POD_SPEC_MAX, f"{where}: the object takes {size:,} bytes"


def test_every_pod_the_dags_submit_is_valid_kubernetes_in_strict_mode(
    submitted: dict[str, Any],
) -> None:
    seen = 0
    for case, facts in submitted.items():
        for task, pod in facts["pods"].items():
            where = f"{case}/{task}"
            try:
                kubernetes_validate.validate(pod, KUBERNETES, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(f"{where}: {exc.message} at {list(exc.path)}")
            _check_sizes(_containers(pod["spec"]), pod, where)
            seen += 1
    assert seen >= 12  # every case but the cluster jobs has pods


def test_a_spark_driver_pod_gets_its_own_ip_from_the_downward_api(
    submitted: dict[str, Any],
) -> None:
    from graph_editor import spark
    from resources.runtime.stitchboard_task import spark_driver_env

    pod = submitted["spark"]["pods"]["aggregate"]
    (container,) = [c for c in pod["spec"]["containers"] if c["name"] == "base"]
    env = {e["name"]: e for e in container["env"]}
    assert env[spark.POD_IP_ENV]["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    # what the pod's runtime makes of it once kubelet has filled in the IP
    values = {k: e["value"] for k, e in env.items() if "value" in e}
    started = spark_driver_env({**values, spark.POD_IP_ENV: "10.1.2.3", "HOSTNAME": "drv"})
    args = started[spark.SUBMIT_ARGS_ENV]
    assert "spark.driver.host=10.1.2.3" in args and "spark.driver.bindAddress=0.0.0.0" in args


def test_every_tfjob_and_daskjob_matches_its_operators_crd(submitted: dict[str, Any]) -> None:
    kinds: dict[str, int] = {}
    for case, facts in submitted.items():
        for task, manifest in facts["jobs"].items():
            where = f"{case}/{task}"
            schema = _crd_schema(manifest["kind"])
            problem = jsonschema.exceptions.best_match(
                jsonschema.Draft7Validator(schema).iter_errors(manifest)
            )
            assert problem is None, f"{where}: {problem.message} at {list(problem.path)}"
            assert manifest["metadata"]["name"]  # run_cluster_job named it
            containers = [c for spec in _pod_specs(manifest) for c in _containers(spec)]
            _check_sizes(containers, manifest, where)
            kinds[manifest["kind"]] = kinds.get(manifest["kind"], 0) + 1
    assert kinds == {"TFJob": 2, "DaskJob": 2}  # mirrored and parameter-server; two Dask


def _pod_specs(value: Any) -> list[dict[str, Any]]:
    """Every pod spec inside a manifest (the dicts holding ``containers``)."""
    if isinstance(value, dict):
        if "containers" in value:
            return [value]
        return [s for v in value.values() for s in _pod_specs(v)]
    if isinstance(value, list):
        return [s for v in value for s in _pod_specs(v)]
    return []


def test_a_manifest_with_a_misspelt_field_is_refused_by_the_vendored_crd() -> None:
    """The strict CRD check can fail: an unknown field in a replica spec is refused."""
    manifest = {
        "apiVersion": "kubeflow.org/v1",
        "kind": "TFJob",
        "metadata": {"name": "x"},
        "spec": {"tfReplicaSpecs": {"Worker": {"replica": 2, "template": {}}}},
    }
    errors = list(jsonschema.Draft7Validator(_crd_schema("TFJob")).iter_errors(manifest))
    assert any("replica" in e.message for e in errors)


def test_a_pod_with_an_unknown_field_is_refused_in_strict_mode() -> None:
    """The strict pod check can fail: a misspelt container field is an error."""
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "x"},
        "spec": {"containers": [{"name": "base", "image": "i", "envv": []}]},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(pod, KUBERNETES, strict=True)
