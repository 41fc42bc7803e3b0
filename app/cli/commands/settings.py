"""``settings`` and ``job task``: the pipeline's schedule, image, namespace, retries, artifact
store (and the rest of its DAG settings), and a node's kernel, image, resources, retries,
timeout and pool, from the terminal, through the same edit path as ``set``: a refused value is
one line naming the field, and the file is untouched."""

from __future__ import annotations

import argparse

from app.cli.commands.edit import _apply
from graph_editor import settings_edits

ORDER = 14

# flag -> (settings field, type, help)
_PIPELINE_FLAGS: dict[str, tuple[str, type, str]] = {
    "--dag-id": ("dag_id", str, "the Airflow DAG id"),
    "--description": ("description", str, "the DAG's description"),
    "--schedule": ("schedule", str, "a cron expression or preset such as @daily; '' for none"),
    "--start-date": ("start_date", str, "the DAG's start date, YYYY-MM-DD"),
    "--owner": ("owner", str, "the tasks' owner"),
    "--image": ("default_image", str, "the default container image of the nodes"),
    "--r-image": ("r_image", str, "the image of R nodes without one of their own"),
    "--namespace": ("namespace", str, "the Kubernetes namespace of the pods"),
    "--retries": ("default_retries", int, "retries of a node that sets none"),
    "--retry-delay": ("retry_delay_seconds", int, "seconds between retries"),
    "--max-active-runs": ("max_active_runs", int, "runs of the DAG at once"),
    "--artifact-store": ("artifact_store", str, "a shared folder or s3://bucket/prefix; '' none"),
    "--store-secret": ("store_secret", str, "Kubernetes Secret giving the pods the store's keys"),
    "--store-connection": ("store_connection", str, "Airflow connection id for the store"),
    "--store-volume": ("store_volume", str, "PersistentVolumeClaim mounted at the store"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "settings", help="the pipeline's schedule, image, namespace, retries, artifact store"
    )
    p.add_argument("file", help="the .stitch pipeline to edit")
    for flag, (field, kind, text) in _PIPELINE_FLAGS.items():
        p.add_argument(flag, dest=field, type=kind, help=text)
    p.add_argument("--tag", dest="tags", action="append", help="a DAG tag (repeat; replaces them)")
    p.set_defaults(handler=cmd_settings)


def register_task(actions: argparse._SubParsersAction) -> None:
    """``job task``: registered by the ``job`` command next to ``distributed`` and ``spark``."""
    p = actions.add_parser(
        "task", help="a node's kernel, image, CPU, memory, GPUs, retries, timeout, pool"
    )
    p.add_argument("file", help="the .stitch pipeline to edit")
    p.add_argument("name", metavar="NODE")
    p.add_argument("--kernel", help="the Jupyter kernel (jupyter kernelspec list); '' its own")
    p.add_argument("--image", help="the node's container image; '' the pipeline's default")
    p.add_argument("--cpu", help="CPU request, a Kubernetes quantity: 500m, 2")
    p.add_argument("--memory", help="memory request, a Kubernetes quantity: 512Mi, 4Gi")
    p.add_argument("--gpus", type=int, help="GPUs (limits equal requests)")
    p.add_argument("--retries", type=int, help="retries of this node")
    p.add_argument("--timeout", dest="timeout_seconds", type=int, help="seconds before it fails")
    p.add_argument("--pool", help="the Airflow pool it runs in; '' none")
    p.set_defaults(handler=cmd_task)


def cmd_settings(args: argparse.Namespace) -> int:
    given = {f: getattr(args, f) for f in settings_edits.PIPELINE_FIELDS}
    return _apply(args.file, lambda p: settings_edits.set_pipeline(p, **given))


def cmd_task(args: argparse.Namespace) -> int:
    given = {f: getattr(args, f) for f in settings_edits.TASK_FIELDS}
    return _apply(args.file, lambda p: settings_edits.set_task(p, args.name, **given))
