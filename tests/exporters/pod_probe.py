"""Run by the Airflow venv's python: the exact objects the exported DAGs would send to Kubernetes.

Usage: python pod_probe.py RESULT.json XCOMS_JSON FOLDER...  ->  RESULT.json holds
{folder: {"import_errors": ..., "pods": {task: pod}, "jobs": {task: manifest}}}.

Pods: each KubernetesPodOperator's templates are rendered with a small run context (params,
canned upstream XComs), then the provider's own ``build_pod_request_obj(context)`` builds the
V1Pod it would submit, serialized as the API client would send it. Cluster jobs: the DAG's own
``run_cluster_job`` runs against a recording KubernetesHook (there is no cluster here), and the
body it would create is kept.
"""

from __future__ import annotations

import json
import sys
import time


class _TI:
    """Stands in for a task instance: the ids a task reads and canned upstream XComs."""

    dag_id = "probe"
    run_id = "manual__probe"
    try_number = 1
    map_index = -1

    def __init__(self, task_id, xcoms):
        self.task_id = task_id
        self.xcoms = xcoms

    def xcom_pull(self, task_ids=None, key="return_value"):
        return _Echo(task_ids, self.xcoms.get(task_ids, {}))


class _Echo(dict):
    """Canned outputs of a task; one without a canned value is "TASK.OUTPUT"."""

    def __init__(self, task_id, values):
        super().__init__(values)
        self.task_id = task_id

    def __missing__(self, key):
        if key == "__files__":
            return {}
        return f"{self.task_id}.{key}"


class _Conn:
    def get(self, conn_id):
        return _Connection(conn_id)


class _Connection:
    def __init__(self, conn_id):
        self.password = "pw-of-" + conn_id
        self.login = "login-of-" + conn_id
        self.host = "host-of-" + conn_id

    def get_uri(self):
        return "uri-of-" + self.password


class _Recorder:
    """A KubernetesHook that records the custom object created and reports it succeeded."""

    created = []

    def __init__(self, *args, **kwargs):
        self.core_v1_client = self

    def create_custom_object(self, body, **where):
        _Recorder.created.append(json.loads(json.dumps(body)))

    def get_custom_object(self, name, **where):
        done = {"type": "Succeeded", "status": "True"}
        return {"status": {"conditions": [done], "jobStatus": "Successful"}}

    def delete_custom_object(self, name, **where):
        return None

    def list_namespaced_pod(self, namespace, label_selector):
        class _Pod:
            class metadata:
                name = "chief-0"

        return type("Pods", (), {"items": [_Pod()]})()

    def read_namespaced_pod_log(self, pod, namespace, container):
        return "{}\n"


def _context(task, dag, xcoms):
    return {
        "params": {k: dag.params[k] for k in dag.params},
        "ti": _TI(task.task_id, xcoms),
        "task_instance": _TI(task.task_id, xcoms),
        "conn": _Conn(),
        "dag": dag,
        "task": task,
        "run_id": _TI.run_id,
        "ds": "2026-01-01",
        "ts": "2026-01-01T00:00:00+00:00",
    }


def _pod(task, dag, xcoms):
    from kubernetes.client import ApiClient

    context = _context(task, dag, xcoms)
    task.render_template_fields(context)
    pod = task.build_pod_request_obj(context, dry_run=True)
    return ApiClient().sanitize_for_serialization(pod)


def _job(task, dag, xcoms):
    import airflow.providers.cncf.kubernetes.hooks.kubernetes as hooks

    hooks.KubernetesHook = _Recorder
    _Recorder.created.clear()
    context = _context(task, dag, xcoms)
    task.render_template_fields(context)
    task.python_callable(**task.op_kwargs, **context)
    (body,) = _Recorder.created
    return body


def main(result, folders, xcoms):
    from airflow.dag_processing.dagbag import DagBag

    time.sleep = lambda seconds: None  # the cluster-job poll: the recorder answers at once
    out = {}
    for folder in folders:
        bag = DagBag(dag_folder=folder)
        pods, jobs = {}, {}
        for dag in bag.dags.values():
            for task in dag.tasks:
                if type(task).__name__ == "KubernetesPodOperator":
                    pods[task.task_id] = _pod(task, dag, xcoms)
                elif getattr(task.python_callable, "__name__", "") == "run_cluster_job":
                    jobs[task.task_id] = _job(task, dag, xcoms)
        out[folder] = {
            "import_errors": {k: str(v)[-2000:] for k, v in bag.import_errors.items()},
            "pods": pods,
            "jobs": jobs,
        }
    with open(result, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[3:], json.loads(sys.argv[2]))
