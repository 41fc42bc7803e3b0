"""What a pipeline announces when it changes: one small typed value per kind of change.

Views (canvas, properties, validator, file watcher) listen to ``Pipeline.changed`` and act on
the value's type with ``match``/``isinstance``; no string ``kind`` to filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from graph_editor.nodes import Edge

T = TypeVar("T")


@dataclass(frozen=True)
class NodeAdded:
    """A node entered the pipeline."""

    node_id: str


@dataclass(frozen=True)
class NodeRemoved:
    """A node left the pipeline (its edges were removed first, each announced)."""

    node_id: str


@dataclass(frozen=True)
class NodeChanged:
    """Some fields of a node changed: ``fields`` names them (``Node`` field names)."""

    node_id: str
    fields: frozenset[str]


@dataclass(frozen=True)
class EdgeAdded:
    """A wire (or ordering edge) was added."""

    edge: Edge


@dataclass(frozen=True)
class EdgeRemoved:
    """A wire (or ordering edge) was removed."""

    edge: Edge


@dataclass(frozen=True)
class SettingsChanged:
    """Some pipeline settings changed: ``fields`` names them (``PipelineSettings`` fields)."""

    fields: frozenset[str]


PipelineChange = NodeAdded | NodeRemoved | NodeChanged | EdgeAdded | EdgeRemoved | SettingsChanged


def touches_node(change: PipelineChange, node_id: str) -> bool:
    """Whether ``change`` is about node ``node_id`` or one of its edges."""
    if isinstance(change, NodeAdded | NodeRemoved | NodeChanged):
        return change.node_id == node_id
    if isinstance(change, EdgeAdded | EdgeRemoved):
        return node_id in (change.edge.source, change.edge.target)
    return False


class Signal(Generic[T]):
    """A typed signal without Qt: listeners are called in the order they connected.

    A listener connected twice is called once; disconnecting one that is not connected is a
    no-op (views re-attach to a new document without tracking which they had).
    """

    def __init__(self) -> None:
        self._listeners: list[Callable[[T], object]] = []

    def connect(self, listener: Callable[[T], object]) -> None:
        """Call ``listener`` with every value emitted from now on."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def disconnect(self, listener: Callable[[T], object]) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, value: T) -> None:
        """Call every listener with ``value`` (a listener may disconnect itself meanwhile)."""
        for listener in list(self._listeners):
            listener(value)

    def __len__(self) -> int:
        return len(self._listeners)
