"""The Ports table of a script job in Properties: its inputs and outputs, added, retyped or
removed (``graph_editor.port_edits.port_changes``, the rule ``stitchboard port`` uses)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from Qt import QtWidgets

from graph_editor.edits import EditRefused, parse_type
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.port_edits import port_changes
from graph_editor.qt.tables import RowTable

SIDE_WORDS = {"in": "in", "input": "in", "out": "out", "output": "out"}


class ScriptPortsEditor(QtWidgets.QWidget):
    """Rows of ``name, in|out, type``; every edit is one undo step, or a status-bar refusal."""

    def __init__(
        self,
        on_change: Callable[[dict[str, Any], str], None],
        on_status: Callable[[str], None],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_change, self.on_status = on_change, on_status
        self.pipeline: Pipeline | None = None
        self.node: Node | None = None
        note = QtWidgets.QLabel(
            "A script gets its inputs as --name=value options and writes its outputs as JSON "
            "to $STITCHBOARD_OUTPUTS."
        )
        note.setWordWrap(True)
        self.table = RowTable(
            ["Name", "Side", "Type"],
            self._commit,
            ["a Python name", "in or out", "str, int, float, bool, list, dict, dataframe, any…"],
        )
        self.table.setObjectName("scriptPorts")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.table)

    def show_node(self, pipeline: Pipeline, node: Node) -> None:
        self.pipeline, self.node = pipeline, node
        rows = [[p.name, "in", p.type.value] for p in node.inputs]
        rows += [[p.name, "out", p.type.value] for p in node.outputs]
        self.table.set_rows(rows)

    def _commit(self, rows: list[list[str]]) -> None:
        if self.pipeline is None or self.node is None:
            return
        node = self.pipeline.node(self.node.id)
        sides: dict[str, list[tuple[str, Any]]] = {"in": [], "out": []}
        try:
            for name, side, type_name in rows:
                word = SIDE_WORDS.get(side.strip().lower() or "in")
                if word is None:
                    raise EditRefused(f"{node.name}: port {name!r}: side must be 'in' or 'out'")
                sides[word].append((name, parse_type(type_name or "any")))
            edit = port_changes(self.pipeline, node, sides["in"], sides["out"])
        except EditRefused as exc:
            self.on_status(str(exc))
            self.show_node(self.pipeline, node)  # back to what the node has
            return
        if any(getattr(node, k) != v for k, v in edit.changes.items()):
            self.on_change(edit.changes, "edit ports")
            if edit.notes:
                self.on_status("; ".join(edit.notes))
