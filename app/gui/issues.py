"""Validation as you edit: a debounced validator and the issues panel (click selects the node)."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from graph_editor.backends import Backend
from graph_editor.changes import PipelineChange
from graph_editor.pipeline import Pipeline
from graph_editor.validation import Issue, validate

DEBOUNCE_MS = 250


class Validator(QtCore.QObject):
    """Re-validates a pipeline shortly after the last edit; emits the issues found.

    Checks against ``backend`` too: the one the user last exported or deployed with (the window
    says so through ``set_backend``), kubernetes until then.
    """

    validated = QtCore.Signal(list)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.pipeline: Pipeline | None = None
        self.backend = Backend.KUBERNETES
        self.issues: list[Issue] = []
        self.timer = QtCore.QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_now)
        self._painted: QtWidgets.QWidget | None = None
        self._after_paint = QtCore.QTimer(
            self
        )  # zero-time: the debounce counts from after the paint
        self._after_paint.setSingleShot(True)
        self._after_paint.setInterval(0)
        self._after_paint.timeout.connect(self.schedule)

    def watch(self, pipeline: Pipeline, painted: QtWidgets.QWidget | None = None) -> None:
        """Validate ``pipeline`` after each edit; first after ``painted`` (if given) has painted."""
        if self.pipeline is not None:
            self.pipeline.changed.disconnect(self._on_change)
        self.pipeline = pipeline
        pipeline.changed.connect(self._on_change)
        self.stop()
        if painted is None:
            self.schedule()
        else:  # loading a big pipeline outlasts the debounce: the canvas shows first
            self._painted = painted
            painted.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 - Qt calls this
        if watched is self._painted and event.type() == QtCore.QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._painted = None
            self._after_paint.start()
        return False

    def stop(self) -> None:
        """Cancel any validation that is waiting (for the debounce or for a first paint)."""
        self.timer.stop()
        self._after_paint.stop()
        if self._painted is not None:
            self._painted.removeEventFilter(self)
            self._painted = None

    def set_backend(self, backend: Backend | str) -> None:
        """Validate against ``backend`` from now on (re-validates when it changes)."""
        backend = Backend(backend)
        if backend != self.backend:
            self.backend = backend
            if self.pipeline is not None:
                self.schedule()

    def _on_change(self, _change: PipelineChange) -> None:
        self.schedule()

    def schedule(self) -> None:
        self.timer.start()

    def run_now(self) -> list[Issue]:
        self.timer.stop()
        if self.pipeline is None:
            return []
        self.issues = validate(self.pipeline, backend=self.backend)
        self.validated.emit(self.issues)
        return self.issues


class IssuesPanel(QtWidgets.QTreeWidget):
    """Every issue with its severity, node and message; activating one selects its node."""

    node_requested = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issues")
        self.setColumnCount(3)
        self.setHeaderLabels(["", "Node", "Problem"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeToContents)
        self.header().setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeToContents)
        self.itemClicked.connect(self._on_click)
        self.itemActivated.connect(self._on_click)

    def show_issues(self, issues: list[Issue]) -> None:
        self.clear()
        ordered = sorted(issues, key=lambda i: (not i.is_error, i.node_name, i.code))
        items = []
        for issue in ordered:
            item = QtWidgets.QTreeWidgetItem(["●", issue.node_name or "pipeline", issue.message])
            item.setForeground(0, QtGui.QColor("#e53935" if issue.is_error else "#fbc02d"))
            item.setToolTip(2, f"{issue.severity.value} [{issue.code}] {issue.message}")
            item.setData(0, QtCore.Qt.UserRole, issue.node_id)
            items.append(item)
        self.addTopLevelItems(items)

    def _on_click(self, item: QtWidgets.QTreeWidgetItem, _column: int = 0) -> None:
        node_id = item.data(0, QtCore.Qt.UserRole)
        if node_id:
            self.node_requested.emit(node_id)


def issue_counts(issues: list[Issue]) -> dict[str, tuple[int, int]]:
    """Per node id: (errors, warnings)."""
    counts: dict[str, tuple[int, int]] = {}
    for issue in issues:
        if issue.node_id:
            errors, warnings = counts.get(issue.node_id, (0, 0))
            counts[issue.node_id] = (errors + issue.is_error, warnings + (not issue.is_error))
    return counts


def summary(issues: list[Issue]) -> str:
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    if not issues:
        return "No problems"
    return f"{errors} error(s), {warnings} warning(s)"
