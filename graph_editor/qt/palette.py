"""The palette: node kinds to drag onto the canvas (or double-click to add at the centre)."""

from __future__ import annotations

from Qt import QtCore, QtGui, QtWidgets

from graph_editor.nodes import NodeKind
from graph_editor.qt.editing import KIND_MIME
from graph_editor.qt.style import KIND_COLORS, KIND_LABELS

HELP = {
    NodeKind.NOTEBOOK: "A parameterized Jupyter notebook",
    NodeKind.TENSORFLOW: "A TensorFlow job: notebook or script, one GPU pod or a TFJob",
    NodeKind.RAPIDS: "A RAPIDS job: notebook or script, one GPU pod or a Dask-CUDA cluster",
    NodeKind.SPARK: (
        "A PySpark job: notebook or script; a local Spark in the dry-run, Spark on Kubernetes "
        "when deployed. Scala notebooks are not supported: no Scala kernel installs from the "
        "package registries here (spylon-kernel from PyPI fails on Spark 4); a Scala kernel "
        "such as almond (almond.sh, installed with coursier from Maven Central) is needed"
    ),
}


def kind_icon(kind: NodeKind, size: int = 16) -> QtGui.QIcon:
    """A rounded swatch in the kind's colour (the same colour as the node header)."""
    pixmap = QtGui.QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(QtCore.Qt.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.Antialiasing)
    painter.setBrush(QtGui.QColor(*KIND_COLORS[kind]))
    painter.setPen(QtGui.QColor(*KIND_COLORS[kind]).lighter(150))
    painter.drawRoundedRect(QtCore.QRectF(1, 3, size - 2, size - 6), 3, 3)
    painter.end()
    return QtGui.QIcon(pixmap)


class Palette(QtWidgets.QListWidget):
    """Node kinds; drag one onto the canvas, or activate it to add one at the view centre."""

    kind_activated = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("palette")
        self.setDragEnabled(True)
        self.setDragDropMode(QtWidgets.QAbstractItemView.DragOnly)
        self.setIconSize(QtCore.QSize(16, 16))
        for kind in NodeKind:
            item = QtWidgets.QListWidgetItem(kind_icon(kind), KIND_LABELS[kind])
            item.setData(QtCore.Qt.UserRole, kind.value)
            item.setToolTip(HELP[kind] + " — drag onto the canvas or double-click")
            self.addItem(item)
        self.itemActivated.connect(
            lambda item: self.kind_activated.emit(item.data(QtCore.Qt.UserRole))
        )

    def mimeData(self, items: list) -> QtCore.QMimeData:  # noqa: N802 - Qt calls this
        mime = QtCore.QMimeData()
        if items:
            kind = items[0].data(QtCore.Qt.UserRole)
            mime.setData(KIND_MIME, QtCore.QByteArray(kind.encode()))
            mime.setText(kind)
        return mime

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt calls this
        return [KIND_MIME, "text/plain"]
