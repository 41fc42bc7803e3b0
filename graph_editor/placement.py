"""Where a new node goes, and what it is called until the user says otherwise.

A node added at the same spot as another (the palette's double-click puts every node in the
middle of the view; two drops at one point) was drawn on top of it; a blank node kept its
kind's name ("notebook_3") after its notebook was chosen. Pure: the canvas and the CLI can
both call it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph_editor.nodes import Node, NodeKind
from graph_editor.pipeline import Pipeline

NODE_WIDTH = 260.0  # a node as the canvas draws it, with a gap (measured: 228 px wide)
HEADER = 48.0  # its title and the ordering port's row
PORT_ROW = 20.0  # one port row (17 px) and its spacing
GAP = 24.0
_RINGS = 12  # how far from the wanted spot to look, in node widths


def footprint(node: Node) -> tuple[float, float, float, float]:
    """The box (x, y, width, height) a node takes on the canvas, with a gap around it."""
    rows = max(len(node.inputs), len(node.outputs)) + 1
    x, y = node.position
    return (float(x), float(y), NODE_WIDTH + GAP, HEADER + rows * PORT_ROW + GAP)


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def free_position(pipeline: Pipeline, node: Node, also: Iterable[Node] = ()) -> tuple[float, float]:
    """``node.position`` if the node fits there, else the nearest spot where it overlaps no
    node of ``pipeline`` (nor of ``also``, nodes being added with it): tried below, right,
    above and left, one node size at a time."""
    boxes = [footprint(n) for n in pipeline.nodes if n.id != node.id]
    boxes += [footprint(n) for n in also if n.id != node.id]
    x0, y0, width, height = footprint(node)
    candidates = [(0, 0)] + [
        (dx, dy)
        for ring in range(1, _RINGS + 1)
        for dx, dy in sorted(
            {(dx, dy) for dx in range(-ring, ring + 1) for dy in range(-ring, ring + 1)}
            - {(dx, dy) for dx in range(-ring + 1, ring) for dy in range(-ring + 1, ring)},
            key=lambda d: (abs(d[0]) + abs(d[1]), d[0] < 0, abs(d[0]), d[1] < 0),
        )
    ]
    for dx, dy in candidates:
        box = (x0 + dx * width, y0 + dy * height, width, height)
        if not any(_overlaps(box, other) for other in boxes):
            return (round(box[0], 1), round(box[1], 1))
    return (round(x0, 1), round(y0, 1))


def has_default_name(node: Node) -> bool:
    """Whether a node still has the name a blank node of its kind gets (``notebook_2``)."""
    kinds = "|".join(re.escape(k.value) for k in NodeKind)
    return re.fullmatch(rf"(?:{kinds})(?:_\d+)?", node.name) is not None
