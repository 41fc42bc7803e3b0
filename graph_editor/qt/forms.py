"""A tiny form binder: widgets that show a value of the model and report edits as changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from Qt import QtCore, QtWidgets

Getter = Callable[[Any], Any]
Putter = Callable[[Any, Any], dict[str, Any]]


class _WheelOnlyWhenFocused:
    """A field that leaves the mouse wheel to the scrolling panel unless the user clicked into it.

    Scrolling the Properties panel over a spin box or combo changed Retries, GPUs or Kind
    (issue #12); then a field still focused from an earlier click took the notches while the
    panel scrolled it under the mouse (GPUs 2 -> 20, issue #21). The wheel edits the field only
    after a click into it, until the mouse leaves it or it loses focus; every other wheel goes
    on to the scroll area.
    """

    _wheel_armed = False  # set by a click into the field

    def _init_focus(self) -> None:
        self.setFocusPolicy(QtCore.Qt.StrongFocus)  # type: ignore[attr-defined]

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt calls this
        self._wheel_armed = True
        super().mousePressEvent(event)  # type: ignore[misc]

    def leaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt calls this
        self._wheel_armed = False
        super().leaveEvent(event)  # type: ignore[misc]

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt calls this
        self._wheel_armed = False
        super().focusOutEvent(event)  # type: ignore[misc]

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt calls this
        if self.hasFocus() and self._wheel_armed:  # type: ignore[attr-defined]
            super().wheelEvent(event)  # type: ignore[misc]
            return
        area = self.parent()  # type: ignore[attr-defined]
        while area is not None and not isinstance(area, QtWidgets.QAbstractScrollArea):
            area = area.parent()
        if area is None:
            event.ignore()
            return
        # Handed on explicitly: Qt does not pass an ignored synthetic wheel event to parents.
        bar = (
            area.horizontalScrollBar() if event.angleDelta().y() == 0 else area.verticalScrollBar()
        )
        QtWidgets.QApplication.sendEvent(bar, event)


class SpinBox(_WheelOnlyWhenFocused, QtWidgets.QSpinBox):
    """A spin box that ignores the wheel unless focused."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_focus()


class ComboBox(_WheelOnlyWhenFocused, QtWidgets.QComboBox):
    """A combo box that ignores the wheel unless focused."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_focus()


class Form(QtCore.QObject):
    """Fields bound to one object (a node or the settings); edits call ``on_change(changes)``."""

    def __init__(
        self, layout: QtWidgets.QFormLayout, on_change: Callable[[dict[str, Any], str], None]
    ) -> None:
        super().__init__(layout)
        self.layout = layout
        self.on_change = on_change
        self.target: Any = None
        self._fields: list[
            tuple[QtWidgets.QWidget, Getter, Callable[[QtWidgets.QWidget, Any], None]]
        ] = []

    def _commit(self, label: str, put: Putter, value: Any, get: Getter) -> None:
        if self.target is None or value == get(self.target):
            return
        self.on_change(put(self.target, value), f"set {label.lower()}")

    def line(
        self, label: str, get: Getter, put: Putter, placeholder: str = "", tooltip: str = ""
    ) -> QtWidgets.QLineEdit:
        edit = QtWidgets.QLineEdit()
        edit.setObjectName(label.lower().replace(" ", "_"))
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(tooltip)
        edit.editingFinished.connect(lambda: self._commit(label, put, edit.text().strip(), get))
        self._add(label, edit, get, lambda w, v: w.setText("" if v is None else str(v)))
        return edit

    def spin(
        self,
        label: str,
        get: Getter,
        put: Putter,
        minimum: int = 0,
        maximum: int = 10**6,
        special: str = "",
        tooltip: str = "",
    ) -> QtWidgets.QSpinBox:
        """An integer; with ``special`` the minimum shows that text and means ``None``."""
        box = SpinBox()
        box.setObjectName(label.lower().replace(" ", "_"))
        box.setRange(minimum - (1 if special else 0), maximum)
        box.setToolTip(tooltip)
        if special:
            box.setSpecialValueText(special)

        def value() -> int | None:
            return None if special and box.value() == box.minimum() else box.value()

        box.editingFinished.connect(lambda: self._commit(label, put, value(), get))
        box.valueChanged.connect(
            lambda _v: None if box.hasFocus() else self._commit(label, put, value(), get)
        )
        self._add(label, box, get, lambda w, v: w.setValue(w.minimum() if v is None else int(v)))
        return box

    def combo(
        self, label: str, get: Getter, put: Putter, items: list[tuple[str, Any]], tooltip: str = ""
    ) -> QtWidgets.QComboBox:
        box = ComboBox()
        box.setObjectName(label.lower().replace(" ", "_"))
        box.setToolTip(tooltip)
        # The Python values stay here: a QVariant turns a StrEnum into a plain str (issue #12).
        values = [data for _text, data in items]
        for text, _data in items:
            box.addItem(text)
        box.activated.connect(
            lambda i: self._commit(label, put, values[i], get) if i >= 0 else None
        )

        def show(w: QtWidgets.QComboBox, v: Any) -> None:
            index = next((i for i, value in enumerate(values) if value == v), 0)
            w.setCurrentIndex(index)

        self._add(label, box, get, show)
        return box

    def check(self, label: str, get: Getter, put: Putter) -> QtWidgets.QCheckBox:
        box = QtWidgets.QCheckBox()
        box.setObjectName(label.lower().replace(" ", "_"))
        box.toggled.connect(lambda on: self._commit(label, put, on, get))
        self._add(label, box, get, lambda w, v: w.setChecked(bool(v)))
        return box

    def _add(
        self,
        label: str,
        widget: QtWidgets.QWidget,
        get: Getter,
        show: Callable[[QtWidgets.QWidget, Any], None],
    ) -> None:
        self.layout.addRow(label, widget)
        self._fields.append((widget, get, show))

    def show(self, target: Any) -> None:
        """Display ``target``'s values (without reporting them as edits)."""
        self.target = target
        for widget, get, show in self._fields:
            if (
                widget.hasFocus()
                and isinstance(widget, QtWidgets.QLineEdit)
                and widget.isModified()
            ):
                continue
            blocked = widget.blockSignals(True)
            show(widget, get(target))
            if isinstance(widget, QtWidgets.QLineEdit):
                widget.setModified(False)
            widget.blockSignals(blocked)


def section(title: str) -> tuple[QtWidgets.QGroupBox, QtWidgets.QFormLayout]:
    """A titled group with a form layout."""
    box = QtWidgets.QGroupBox(title)
    layout = QtWidgets.QFormLayout(box)
    layout.setFieldGrowthPolicy(QtWidgets.QFormLayout.AllNonFixedFieldsGrow)
    layout.setLabelAlignment(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
    return box, layout
