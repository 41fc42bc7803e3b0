"""Colours shared by the canvas: one per node kind, one per run state, badge colours, themes."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Theme:
    """The canvas's colours for one look (dark or light); the window's stylesheet matches it."""

    name: str
    background: tuple[int, int, int]
    grid: tuple[int, int, int]
    node_body: tuple[int, int, int]
    caption: tuple[int, int, int]
    comment_text: tuple[int, int, int]
    comment_colors: dict[str, tuple[int, int, int]]
    minimap_back: tuple[int, int, int, int]
    minimap_node: tuple[int, int, int]
    minimap_view: tuple[int, int, int]


DARK = Theme(
    name="dark",
    background=BACKGROUND,
    grid=GRID,
    node_body=(30, 33, 38),
    caption=(255, 255, 255),
    comment_text=(232, 234, 238),
    comment_colors={
        "yellow": (214, 180, 70),
        "blue": (80, 140, 210),
        "green": (90, 170, 100),
        "red": (210, 90, 80),
        "grey": (150, 155, 165),
    },
    minimap_back=(24, 26, 31, 220),
    minimap_node=(120, 150, 190),
    minimap_view=(255, 204, 64),
)
LIGHT = Theme(
    name="light",
    background=(244, 245, 247),
    grid=(226, 229, 234),
    node_body=(252, 252, 253),
    caption=(33, 37, 43),
    comment_text=(33, 37, 43),
    comment_colors={
        "yellow": (230, 190, 60),
        "blue": (90, 150, 220),
        "green": (100, 180, 110),
        "red": (220, 100, 90),
        "grey": (150, 155, 165),
    },
    minimap_back=(255, 255, 255, 230),
    minimap_node=(90, 120, 160),
    minimap_view=(214, 140, 0),
)
THEMES = {DARK.name: DARK, LIGHT.name: LIGHT}
_current = [DARK]


def current() -> Theme:
    """The theme items paint with now (read at paint time, so a switch needs only a repaint)."""
    return _current[0]


def use(theme: Theme) -> None:
    """Paint with ``theme`` from now on (the window repaints the canvas after calling this)."""
    _current[0] = theme
