"""``job distributed|spark``: a node's job settings from the terminal (workers, GPUs, strategy;
Spark's executors, memory, service account and executor image), through the same edit path
as ``set``: a refused value is one line and the file is untouched."""

from __future__ import annotations

import argparse

from app.cli.commands.edit import _apply, _missing_action
from app.cli.commands.settings import register_task
from graph_editor import job_edits
from graph_editor.nodes import TFStrategy

ORDER = 13


def register(subparsers: argparse._SubParsersAction) -> None:
    job = subparsers.add_parser(
        "job", help="a node's task settings (kernel, image, resources), distributed or Spark"
    )
    actions = job.add_subparsers(dest="action", metavar="ACTION", parser_class=type(job))
    job.set_defaults(handler=_missing_action(job))

    p = actions.add_parser(
        "distributed", help="workers, GPUs per worker and strategy of a TensorFlow/RAPIDS node"
    )
    p.add_argument("file", help="the .stitch pipeline to edit")
    p.add_argument("name", metavar="NODE")
    p.add_argument("--workers", type=int, help="machines (1: one pod; more: a TFJob/DaskJob)")
    p.add_argument("--gpus", type=int, help="GPUs per worker")
    p.add_argument(
        "--strategy",
        help="TensorFlow's tf.distribute strategy: " + ", ".join(s.value for s in TFStrategy),
    )
    p.set_defaults(handler=cmd_distributed)

    p = actions.add_parser("spark", help="driver and executor settings of a Spark node")
    p.add_argument("file", help="the .stitch pipeline to edit")
    p.add_argument("name", metavar="NODE")
    p.add_argument("--executors", type=int, help="executor pods (locally: threads x cores)")
    p.add_argument("--executor-cores", type=int, help="cores per executor")
    p.add_argument("--executor-memory", help="per executor, Spark's units: 512m, 2g")
    p.add_argument("--driver-memory", help="the driver's, Spark's units: 512m, 2g")
    p.add_argument("--service-account", help="the driver pod's (may create executor pods)")
    p.add_argument("--executor-image", help="the executors' image (default: the node's)")
    p.set_defaults(handler=cmd_spark)
    register_task(actions)


def cmd_distributed(args: argparse.Namespace) -> int:
    return _apply(
        args.file,
        lambda p: job_edits.set_distributed(p, args.name, args.workers, args.gpus, args.strategy),
    )


def cmd_spark(args: argparse.Namespace) -> int:
    given = {f: getattr(args, f) for f in job_edits.SPARK_FIELDS}
    return _apply(args.file, lambda p: job_edits.set_spark(p, args.name, **given))
