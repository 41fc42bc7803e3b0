"""Colours shared by the canvas: one per node kind, one per run state, badge colours."""

from __future__ import annotations

from graph_editor.nodes import NodeKind
from graph_editor.run_state import NodeState
from graph_editor.types import PortType

# (r, g, b) body colour of a node, per kind: calm, distinguishable, readable with light text.
KIND_COLORS: dict[NodeKind, tuple[int, int, int]] = {
    NodeKind.NOTEBOOK: (44, 84, 122),
    NodeKind.TENSORFLOW: (140, 84, 36),
    NodeKind.RAPIDS: (58, 110, 62),
    NodeKind.SPARK: (150, 62, 52),
}
KIND_LABELS: dict[NodeKind, str] = {
    NodeKind.NOTEBOOK: "Notebook",
    NodeKind.TENSORFLOW: "TensorFlow",
    NodeKind.RAPIDS: "RAPIDS",
    NodeKind.SPARK: "Spark",
}

# Port colours per type (fill); wires take the colour of their output port.
PORT_COLORS: dict[PortType, tuple[int, int, int]] = {
    PortType.INT: (86, 156, 214),
    PortType.FLOAT: (78, 201, 176),
    PortType.STR: (206, 145, 120),
    PortType.BOOL: (197, 134, 192),
    PortType.LIST: (220, 200, 110),
    PortType.DICT: (230, 150, 80),
    PortType.ANY: (160, 160, 160),
    # Artifact ports (data that travels as a stored file): distinct, saturated colours.
    PortType.DATAFRAME: (64, 170, 255),
    PortType.SERIES: (100, 200, 255),
    PortType.ARRAY: (255, 110, 180),
    PortType.PATH: (150, 220, 90),
    PortType.OBJECT: (180, 130, 255),
}
ORDER_COLOR = (120, 120, 130)
BROKEN_COLOR = (235, 80, 80)

# Run states: a strip colour and a glyph per state.
STATE_COLORS: dict[NodeState, tuple[int, int, int]] = {
    NodeState.PENDING: (130, 130, 140),
    NodeState.QUEUED: (150, 150, 170),
    NodeState.RUNNING: (66, 165, 245),
    NodeState.SUCCEEDED: (76, 175, 80),
    NodeState.CACHED: (0, 150, 136),
    NodeState.SAMPLED: (139, 195, 74),
    NodeState.FAILED: (229, 57, 53),
    NodeState.SKIPPED: (158, 158, 158),
    NodeState.CANCELLED: (255, 167, 38),
}
STATE_GLYPHS: dict[NodeState, str] = {
    NodeState.PENDING: "…",
    NodeState.QUEUED: "…",
    NodeState.RUNNING: "▶",
    NodeState.SUCCEEDED: "✓",
    NodeState.CACHED: "⟲",
    NodeState.SAMPLED: "≈",
    NodeState.FAILED: "✕",
    NodeState.SKIPPED: "–",
    NodeState.CANCELLED: "■",
}
ERROR_COLOR = (229, 57, 53)
WARNING_COLOR = (251, 192, 45)
BACKGROUND = (37, 40, 46)
GRID = (47, 51, 58)
