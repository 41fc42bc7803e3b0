"""A TensorFlow node's tf.distribute strategy, as its code reads it wherever it runs.

Every TensorFlow node gets ``STITCHBOARD_TF_STRATEGY`` (``multi_worker_mirrored``,
``mirrored``, ``parameter_server``): in the dry-run, on an Airflow worker, in a single GPU pod
and in a TFJob's replicas alike, so the same notebook picks the same strategy everywhere (a
single pod with two GPUs wants ``mirrored`` as much as a TFJob does). The node's own env wins.
"""

from __future__ import annotations

from graph_editor.nodes import Node, NodeKind

TF_STRATEGY_ENV = "STITCHBOARD_TF_STRATEGY"


def tensorflow_env(node: Node) -> dict[str, str]:
    """The strategy variable of a TensorFlow node (distributed or not); empty for other kinds."""
    if node.kind != NodeKind.TENSORFLOW:
        return {}
    return {TF_STRATEGY_ENV: node.distributed.strategy.value}
