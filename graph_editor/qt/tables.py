"""Small editable tables for the properties panels (env vars, secrets, pipeline parameters)."""

from __future__ import annotations

from collections.abc import Callable

from Qt import QtCore, QtWidgets


class RowTable(QtWidgets.QWidget):
    """A table of text rows with Add/Remove; ``on_commit(rows)`` runs after every edit."""

    def __init__(
        self,
        headers: list[str],
        on_commit: Callable[[list[list[str]]], None],
        tooltips: list[str] | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_commit = on_commit
        self.table = QtWidgets.QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        for col, tip in enumerate(tooltips or []):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(90)
        self.table.itemChanged.connect(lambda _item: self._commit())
        add = QtWidgets.QPushButton("Add")
        remove = QtWidgets.QPushButton("Remove")
        add.clicked.connect(self.add_row)
        remove.clicked.connect(self.remove_selected)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._loading = False

    def set_rows(self, rows: list[list[str]]) -> None:
        if rows == self.rows():
            return
        self._loading = True
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QtWidgets.QTableWidgetItem(text))
        self._loading = False

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.table.rowCount()):
            out.append(
                [
                    (self.table.item(r, c).text().strip() if self.table.item(r, c) else "")
                    for c in range(self.table.columnCount())
                ]
            )
        return out

    def add_row(self, values: list[str] | None = None) -> None:
        self._loading = True
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c in range(self.table.columnCount()):
            text = values[c] if values and c < len(values) else ""
            self.table.setItem(r, c, QtWidgets.QTableWidgetItem(text))
        self._loading = False
        self.table.setCurrentCell(r, 0)
        if values:
            self._commit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            self.table.removeRow(r)
        self._commit()

    def _commit(self) -> None:
        if self._loading:
            return
        # rows with an empty first column are still being typed
        self.on_commit([row for row in self.rows() if row[0]])

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt calls this
        return QtCore.QSize(260, 140)
