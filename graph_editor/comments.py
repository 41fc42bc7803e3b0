"""Comments on the canvas: free text notes with a position and a size, saved in the file.

A pipeline owns one ``Comments`` board (``pipeline.comments``). Like the pipeline itself it is
pure and evented: every edit goes through a method that replaces a frozen ``Comment`` and
announces a typed ``CommentEvent``, so the canvas subscribes instead of polling. Comments never
take part in validation, export or runs; they are for the people reading the graph.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph_editor.changes import Signal
from graph_editor.errors import ModelError

# Colours a comment may have (a small named set, so files stay readable and themes can map them).
COMMENT_COLORS = ("yellow", "blue", "green", "red", "grey")
DEFAULT_SIZE = (320.0, 160.0)
MIN_SIZE = (80.0, 40.0)
TEXT_MAX = 20_000  # characters: a note, not a document


def new_comment_id() -> str:
    return "c" + uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Comment:
    """One note on the canvas: its text, top-left scene position, size and colour name."""

    id: str
    text: str = ""
    position: tuple[float, float] = (0.0, 0.0)
    size: tuple[float, float] = DEFAULT_SIZE
    color: str = COMMENT_COLORS[0]

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ModelError(f"comment {self.id!r}: text must be a string, not {self.text!r}")
        if len(self.text) > TEXT_MAX:
            raise ModelError(f"comment {self.id!r}: text longer than {TEXT_MAX} characters")
        if self.color not in COMMENT_COLORS:
            raise ModelError(
                f"comment {self.id!r}: colour {self.color!r} is not one of "
                + ", ".join(COMMENT_COLORS)
            )
        pos = _pair(self.id, "position", self.position)
        size = _pair(self.id, "size", self.size)
        size = (max(size[0], MIN_SIZE[0]), max(size[1], MIN_SIZE[1]))
        object.__setattr__(self, "position", pos)
        object.__setattr__(self, "size", size)


def _pair(comment_id: str, name: str, value: Any) -> tuple[float, float]:
    try:
        x, y = value
        pair = (round(float(x), 1), round(float(y), 1))
    except (TypeError, ValueError) as exc:
        raise ModelError(f"comment {comment_id!r}: {name} must be two numbers") from exc
    if any(v != v or abs(v) > 1e7 for v in pair):  # NaN or absurdly far away
        raise ModelError(f"comment {comment_id!r}: {name} {value!r} is out of range")
    return pair


class CommentChange(StrEnum):
    """What happened to a comment."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class CommentEvent:
    """A comment was added, removed or changed (``fields`` names what changed)."""

    change: CommentChange
    comment_id: str
    fields: tuple[str, ...] = ()


class Comments:
    """The comments of one pipeline, in drawing order (later ones on top)."""

    def __init__(self) -> None:
        self._items: dict[str, Comment] = {}
        self.changed: Signal[CommentEvent] = Signal()  # as Pipeline.changed (changes.py)

    def _emit(self, change: CommentChange, comment_id: str, fields: tuple[str, ...] = ()) -> None:
        self.changed.emit(CommentEvent(change, comment_id, fields))

    def __iter__(self) -> Iterator[Comment]:
        return iter(tuple(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, comment_id: object) -> bool:
        return comment_id in self._items

    def get(self, comment_id: str) -> Comment:
        try:
            return self._items[comment_id]
        except KeyError as exc:
            raise ModelError(f"no comment with id {comment_id!r}") from exc

    def index_of(self, comment_id: str) -> int:
        return list(self._items).index(comment_id)

    def add(self, comment: Comment, index: int | None = None) -> Comment:
        """Add a comment on top, or at ``index`` in drawing order (undo puts it back in place)."""
        if comment.id in self._items:
            raise ModelError(f"a comment with id {comment.id!r} already exists")
        items = list(self._items.items())
        items.insert(len(items) if index is None else max(index, 0), (comment.id, comment))
        self._items = dict(items)
        self._emit(CommentChange.ADDED, comment.id)
        return comment

    def remove(self, comment_id: str) -> Comment:
        """Remove a comment; returns it (for undo)."""
        comment = self.get(comment_id)
        del self._items[comment_id]
        self._emit(CommentChange.REMOVED, comment_id)
        return comment

    def update(self, comment_id: str, **changes: Any) -> Comment:
        """Replace some fields of a comment; returns the previous comment (for undo)."""
        old = self.get(comment_id)
        if "id" in changes and changes["id"] != comment_id:
            raise ModelError("a comment's id never changes")
        new = dataclasses.replace(old, **changes)
        fields = tuple(f for f in changes if getattr(old, f) != getattr(new, f))
        if fields:
            self._items[comment_id] = new
            self._emit(CommentChange.CHANGED, comment_id, fields)
        return old


def comment_to_json(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "text": comment.text,
        "position": list(comment.position),
        "size": list(comment.size),
        "color": comment.color,
    }


def comment_from_json(data: dict[str, Any]) -> Comment:
    """A comment from its saved form (the file's schema has checked the shape)."""
    return Comment(
        id=data["id"],
        text=data.get("text", ""),
        position=tuple(data.get("position", (0.0, 0.0))),  # type: ignore[arg-type]
        size=tuple(data.get("size", DEFAULT_SIZE)),  # type: ignore[arg-type]
        color=data.get("color", COMMENT_COLORS[0]),
    )
