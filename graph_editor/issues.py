"""What validation reports: one ``Issue`` per problem, with severity, code, node and field."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_editor.nodes import Edge, Node


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found by validation."""

    severity: Severity
    code: str
    message: str
    node_id: str = ""
    node_name: str = ""
    edge: Edge | None = None
    field: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def __str__(self) -> str:
        where = f"node {self.node_name!r}: " if self.node_name else ""
        field = f" ({self.field})" if self.field else ""
        return f"{self.severity.value}: {where}{self.message}{field} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "node_id": self.node_id,
            "node": self.node_name,
            "edge": None if self.edge is None else self.edge.describe(),
            "field": self.field,
        }


def error(code: str, message: str, node: Node | None = None, field: str = "") -> Issue:
    """An error issue about ``node`` (or the pipeline when ``node`` is None)."""
    return Issue(
        Severity.ERROR,
        code,
        message,
        node.id if node else "",
        node.name if node else "",
        None,
        field,
    )


def warning(code: str, message: str, node: Node | None = None, field: str = "") -> Issue:
    """A warning issue about ``node`` (or the pipeline when ``node`` is None)."""
    return Issue(
        Severity.WARNING,
        code,
        message,
        node.id if node else "",
        node.name if node else "",
        None,
        field,
    )
