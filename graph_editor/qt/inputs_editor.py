"""Type-aware editors for a node's unwired inputs: a value, or a pipeline parameter binding."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from Qt import QtCore, QtWidgets

from graph_editor.nodes import Node, Port
from graph_editor.pipeline import Pipeline
from graph_editor.qt.forms import ComboBox
from graph_editor.types import PortType, coerce_text
from graph_editor.wiring import bind_changes, value_changes

VALUE = ""  # binding-combo data meaning "a value (or the notebook default)"


def value_text(value: Any, port_type: PortType) -> str:
    """How a set value reads in its editor (strings plain, the rest as JSON)."""
    if value is None:
        return ""
    if port_type == PortType.STR and isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class InputsEditor(QtWidgets.QWidget):
    """One row per input port: wired (read-only), bound to a pipeline parameter, or a value."""

    def __init__(
        self,
        on_change: Callable[[dict[str, Any], str], None],
        on_status: Callable[[str], None],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_change, self.on_status = on_change, on_status
        self.form = QtWidgets.QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.node: Node | None = None
        self._shape: tuple = ()
        self.editors: dict[str, QtWidgets.QWidget] = {}
        self.bindings: dict[str, QtWidgets.QComboBox] = {}

    def show_node(self, pipeline: Pipeline, node: Node) -> None:
        wires = {e.target_port: e for e in pipeline.edges_into(node.id) if not e.is_ordering}
        params = tuple(p.name for p in pipeline.settings.parameters)
        shape = (node.id, node.inputs, tuple(sorted(wires)), params)
        self.node = node
        if shape != self._shape:
            self._shape = shape
            self._rebuild(pipeline, node, wires, params)
        for port in node.inputs:
            self._show_value(node, port)

    def _rebuild(
        self, pipeline: Pipeline, node: Node, wires: dict, params: tuple[str, ...]
    ) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        self.bindings.clear()
        names = pipeline.names()
        if not node.inputs:
            self.form.addRow(QtWidgets.QLabel("This node has no inputs."))
        for port in node.inputs:
            label = QtWidgets.QLabel(
                f"{port.name} <span style='color:#8e97a4'>{port.type.value}</span>"
            )
            label.setToolTip(port.help or port.name)
            if port.name in wires:
                edge = wires[port.name]
                wired = QtWidgets.QLabel(f"← {names.get(edge.source, '?')}.{edge.source_port}")
                wired.setEnabled(False)
                self.form.addRow(label, wired)
                continue
            row = QtWidgets.QWidget()
            box = QtWidgets.QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            binding = ComboBox()
            binding.addItem("value", VALUE)
            for name in params:
                binding.addItem(f"param {name}", name)
            binding.setToolTip("give this input a value, or feed it from a pipeline parameter")
            binding.activated.connect(lambda _i, p=port, b=binding: self._bind(p, b.currentData()))
            editor = self._value_editor(port)
            box.addWidget(editor, 1)
            box.addWidget(binding)
            self.editors[port.name] = editor
            self.bindings[port.name] = binding
            self.form.addRow(label, row)

    def _value_editor(self, port: Port) -> QtWidgets.QWidget:
        default = "" if not port.has_default else value_text(port.default, port.type)
        if port.type == PortType.BOOL:
            combo = ComboBox()
            combo.addItem(f"default ({default or 'none'})", None)
            combo.addItem("true", True)
            combo.addItem("false", False)
            combo.activated.connect(lambda _i, p=port, c=combo: self._set_value(p, c.currentData()))
            return combo
        edit = QtWidgets.QLineEdit()
        edit.setObjectName(f"value_{port.name}")
        edit.setPlaceholderText(
            f"default: {default}" if port.has_default else "no default — set a value"
        )
        edit.setToolTip(port.help)
        edit.editingFinished.connect(lambda p=port, e=edit: self._parse(p, e))
        return edit

    def _show_value(self, node: Node, port: Port) -> None:
        editor, binding = self.editors.get(port.name), self.bindings.get(port.name)
        if editor is None or binding is None:
            return
        bound = node.bindings.get(port.name, VALUE)
        binding.blockSignals(True)
        binding.setCurrentIndex(max(binding.findData(bound), 0))
        binding.blockSignals(False)
        editor.setEnabled(bound == VALUE)
        value = node.values.get(port.name)
        editor.blockSignals(True)
        if isinstance(editor, QtWidgets.QComboBox):
            editor.setCurrentIndex(
                max(editor.findData(value), 0) if port.name in node.values else 0
            )
        elif not (editor.hasFocus() and editor.isModified()):
            editor.setText(value_text(value, port.type) if port.name in node.values else "")
            editor.setProperty("invalid", False)
            editor.setModified(False)
        editor.blockSignals(False)

    def _parse(self, port: Port, edit: QtWidgets.QLineEdit) -> None:
        text = edit.text().strip()
        if not text:
            self._set_value(port, None)
            return
        try:
            value = coerce_text(text, port.type)
        except ValueError as exc:
            edit.setProperty("invalid", True)
            edit.style().polish(edit)
            self.on_status(f"{port.name}: {exc}")
            return
        edit.setProperty("invalid", False)
        edit.style().polish(edit)
        self._set_value(port, value)

    def _set_value(self, port: Port, value: Any) -> None:
        node = self.node
        if node is None:
            return
        values = dict(node.values)
        if value is None:
            if port.name not in values:
                return
        elif values.get(port.name, object()) == value and type(values.get(port.name)) is type(
            value
        ):
            return
        self.on_change(value_changes(node, port.name, value), f"set {port.name}")

    def _bind(self, port: Port, param: str) -> None:
        node = self.node
        if node is None or node.bindings.get(port.name, VALUE) == param:
            return
        bound = None if param == VALUE else param
        self.on_change(bind_changes(node, port.name, bound), f"bind {port.name}")

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt calls this
        return QtCore.QSize(280, 40 * max(1, len(self.editors)))
