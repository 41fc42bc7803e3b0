"""Undo commands for canvas comments: each holds the comments board and its arguments only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph_editor.comments import Comment, Comments
from graph_editor.qt.commands import QUndoCommand


def _short(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "comment"
    return first if len(first) <= 24 else first[:23] + "…"


class AddCommentCommand(QUndoCommand):
    """Add one comment (Edit ▸ Add Comment)."""

    def __init__(self, comments: Comments, comment: Comment) -> None:
        super().__init__(f"add comment {_short(comment.text)}")
        self.comments, self.comment = comments, comment

    def apply(self) -> None:
        self.comments.add(self.comment)

    def revert(self) -> None:
        self.comments.remove(self.comment.id)


class RemoveCommentsCommand(QUndoCommand):
    """Remove comments; undo puts each back at its place in drawing order."""

    def __init__(self, comments: Comments, comment_ids: Iterable[str]) -> None:
        ids = list(comment_ids)
        super().__init__("delete comment" if len(ids) == 1 else f"delete {len(ids)} comments")
        self.comments = comments
        self.removed = sorted(
            ((comments.index_of(i), comments.get(i)) for i in ids), key=lambda p: p[0]
        )

    def apply(self) -> None:
        for _index, comment in reversed(self.removed):
            self.comments.remove(comment.id)

    def revert(self) -> None:
        for index, comment in self.removed:
            self.comments.add(comment, index)


class UpdateCommentCommand(QUndoCommand):
    """Change some fields of a comment (text, position, size, colour); stores the old values."""

    def __init__(self, comments: Comments, comment_id: str, changes: dict[str, Any]) -> None:
        old = comments.get(comment_id)
        self.comments, self.comment_id = comments, comment_id
        self.new = dict(changes)
        self.old = {name: getattr(old, name) for name in changes}
        verb = next(
            (
                v
                for f, v in (("text", "edit"), ("size", "resize"), ("position", "move"))
                if f in changes
            ),
            "recolour",
        )
        super().__init__(f"{verb} comment {_short(old.text)}")

    def apply(self) -> None:
        self.comments.update(self.comment_id, **self.new)

    def revert(self) -> None:
        self.comments.update(self.comment_id, **self.old)


class MoveCommentsCommand(QUndoCommand):
    """Move comments after a drag: ``moves`` maps a comment id to (new, old) positions."""

    def __init__(
        self,
        comments: Comments,
        moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
    ) -> None:
        first = comments.get(next(iter(moves))).text
        super().__init__(
            f"move comment {_short(first)}" if len(moves) == 1 else f"move {len(moves)} comments"
        )
        self.comments, self.moves = comments, dict(moves)

    def apply(self) -> None:
        for comment_id, (new, _old) in self.moves.items():
            self.comments.update(comment_id, position=new)

    def revert(self) -> None:
        for comment_id, (_new, old) in self.moves.items():
            self.comments.update(comment_id, position=old)
