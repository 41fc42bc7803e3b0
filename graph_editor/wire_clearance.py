"""Layout: no node sits on a wire that passes its layer (a skip-level wire).

In a layered layout a wire A -> C that skips B's layer is drawn straight from A's output to C's
input; NodeGraphQt draws wires behind nodes, so when B sat on that line the wire vanished
behind B and seemed to leave from B's own port (issue #21). After the layers are placed, each
node that a passing wire would run behind moves down, below the wire, and the nodes under it
in its column make room.
"""

from __future__ import annotations

from graph_editor.nodes import Edge
from graph_editor.pipeline import Pipeline
from graph_editor.placement import HEADER, PORT_ROW, footprint

BAND = 40.0  # half the height kept free around a passing wire (its curve bulges)


def clear_passing_wires(
    pipeline: Pipeline, layers: list[list[str]], positions: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """``positions`` with every node moved off the wires that pass its layer."""
    depth = {node_id: k for k, layer in enumerate(layers) for node_id in layer}
    placed = dict(positions)
    passing = [
        e
        for e in pipeline.edges
        if e.source in depth and e.target in depth and depth[e.target] - depth[e.source] > 1
    ]
    for k, layer in enumerate(layers):
        wires = [e for e in passing if depth[e.source] < k < depth[e.target]]
        if not wires:
            continue
        column = sorted(layer, key=lambda i: placed[i][1])
        for _ in range(len(column) * len(wires) + 1):  # each move settles one overlap
            moved = False
            for row, node_id in enumerate(column):
                x, y = placed[node_id]
                height = _height(pipeline, node_id)
                for edge in wires:
                    at = _wire_y(pipeline, placed, edge, x)
                    if y - BAND < at < y + height + BAND:  # the wire would run behind it
                        placed[node_id] = (x, round(at + BAND, 1))
                        _make_room(pipeline, placed, column[row:])
                        moved = True
                        break
                if moved:
                    break
            if not moved:
                break
    return placed


def _height(pipeline: Pipeline, node_id: str) -> float:
    return footprint(pipeline.node(node_id))[3]


def _port_y(pipeline: Pipeline, node_id: str, y: float, port: str, output: bool) -> float:
    """A port's height on the canvas: inputs under "after", outputs above "then"."""
    node = pipeline.node(node_id)
    ports = [p.name for p in (node.outputs if output else node.inputs)]
    if port in ports:
        row = ports.index(port) + (0 if output else 1)
    else:  # an ordering wire: "then" under the outputs, "after" first among the inputs
        row = len(ports) if output else 0
    return y + HEADER / 2 + (row + 0.5) * PORT_ROW


def _wire_y(
    pipeline: Pipeline, placed: dict[str, tuple[float, float]], edge: Edge, x: float
) -> float:
    """Where the wire of ``edge`` is, roughly, at the left edge ``x`` of a column."""
    (x0, y0), (x1, y1) = placed[edge.source], placed[edge.target]
    start = _port_y(pipeline, edge.source, y0, edge.source_port, output=True)
    end = _port_y(pipeline, edge.target, y1, edge.target_port, output=False)
    share = (x - x0) / (x1 - x0) if x1 != x0 else 0.5
    return start + (end - start) * min(max(share, 0.0), 1.0)


def _make_room(
    pipeline: Pipeline, placed: dict[str, tuple[float, float]], column: list[str]
) -> None:
    """Push the nodes below a moved one down until none overlaps the one above it."""
    for above, below in zip(column, column[1:], strict=False):
        bottom = placed[above][1] + _height(pipeline, above)
        if placed[below][1] < bottom:
            placed[below] = (placed[below][0], round(bottom, 1))
