"""Run by the Airflow venv's python: load DAG folders in a real DagBag and print JSON facts.

Usage: python dagbag_probe.py RESULT.json XCOMS_JSON FOLDER...  ->  RESULT.json holds
{folder: {"import_errors": ..., "dags": ...}}.
Templated fields are also rendered with a small context (params + canned upstream XComs), so the
tests can check that user text stays inert and that inputs render to JSON.
"""

from __future__ import annotations

import json
import sys


class _TI:
    """Stands in for a task instance when rendering: xcom_pull returns canned outputs."""

    def __init__(self, xcoms):
        self.xcoms = xcoms

    def xcom_pull(self, task_ids=None, key="return_value"):
        return _Echo(task_ids, self.xcoms.get(task_ids, {}))


class _Echo(dict):
    """Canned outputs of a task; an output without a canned value renders as "TASK.OUTPUT"."""

    def __init__(self, task_id, values):
        super().__init__(values)
        self.task_id = task_id

    def __missing__(self, key):
        return f"{self.task_id}.{key}"


def _plain(value):
    from airflow.sdk.definitions._internal.templater import LiteralValue

    if isinstance(value, LiteralValue):
        return {"__literal__": _plain(value.value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "to_dict"):
        return _plain(value.to_dict())
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


def _task_facts(task, dag, xcoms):
    facts = {
        "type": type(task).__name__,
        "outlets": [o.uri for o in task.outlets],
        "pre_execute": getattr(task._pre_execute_hook, "__name__", None),
        "upstream": sorted(task.upstream_task_ids),
        "retries": task.retries,
        "pool": task.pool,
        "execution_timeout": task.execution_timeout.total_seconds()
        if task.execution_timeout
        else None,
    }
    if facts["type"] == "KubernetesPodOperator":
        facts.update(
            image=_plain(task.image),
            namespace=task.namespace,
            cmds=_plain(task.cmds),
            arguments=_plain(task.arguments),
            env=_plain(task.env_vars),
            secrets=[s.__dict__ for s in task.secrets],
            resources=_plain(task.container_resources),
            tolerations=_plain(task.tolerations),
            node_selector=_plain(task.node_selector),
            do_xcom_push=task.do_xcom_push,
            service_account_name=task.service_account_name,
        )
    else:
        facts["op_kwargs"] = _plain(task.op_kwargs)
        facts["callable"] = task.python_callable.__name__
    env = dag.get_template_env()
    context = {
        "params": {k: dag.params[k] for k in dag.params},
        "ti": _TI(xcoms),
        "conn": _Conn(),
        "dag": dag,
        "run_id": "manual__probe",
    }
    rendered = {}
    for field in task.template_fields:
        value = getattr(task, field, None)
        if field in ("env_vars",) and isinstance(value, dict):
            rendered[field] = {k: task.render_template(v, context, env) for k, v in value.items()}
        elif field in ("arguments", "image", "op_kwargs", "cmds"):
            rendered[field] = _plain(task.render_template(value, context, env))
    facts["rendered"] = rendered
    return facts


class _Conn:
    def get(self, conn_id):
        return _FakeConnection(conn_id)


class _FakeConnection:
    def __init__(self, conn_id):
        self.conn_id = conn_id
        self.password = "pw-of-" + conn_id

    def get_uri(self):
        return "uri-of-" + self.conn_id


def main(result, folders, xcoms):
    from airflow.dag_processing.dagbag import DagBag

    out = {}
    for folder in folders:
        bag = DagBag(dag_folder=folder)
        dags = {}
        for dag_id, dag in bag.dags.items():
            dags[dag_id] = {
                "schedule": _plain(dag.schedule),
                "timetable": type(dag.timetable).__name__,
                "asset_triggers": [
                    a.uri for a in getattr(dag.timetable.asset_condition, "objects", [])
                ]
                if getattr(dag.timetable, "asset_condition", None) is not None
                else [],
                "tags": sorted(dag.tags),
                "max_active_runs": dag.max_active_runs,
                "catchup": dag.catchup,
                "doc_md": dag.doc_md,
                "owner": dag.default_args.get("owner"),
                "params": {
                    k: {"default": dag.params[k], "schema": dag.params.get_param(k).schema}
                    for k in dag.params
                },
                "tasks": {t.task_id: _task_facts(t, dag, xcoms) for t in dag.tasks},
            }
        out[folder] = {
            "import_errors": {k: str(v)[-2000:] for k, v in bag.import_errors.items()},
            "dags": dags,
        }
    with open(result, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[3:], json.loads(sys.argv[2]))
