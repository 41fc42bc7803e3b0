"""Comments on the canvas are part of the pipeline file: saved, loaded, refused when malformed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_editor import fileformat
from graph_editor.comments import Comment, CommentChange, Comments
from graph_editor.errors import ModelError, PipelineFileError

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/churn/churn.stitch"


def test_a_saved_comment_comes_back_with_its_text_place_size_and_colour(tmp_path):
    pipeline = fileformat.load(EXAMPLE)
    note = Comment("c1", "Training\nboth models", (10.0, -40.5), (400.0, 220.0), "blue")
    pipeline.comments.add(note)
    path = tmp_path / "with-note.stitch"
    fileformat.save(pipeline, path)
    again = fileformat.load(path)
    assert list(again.comments) == [note]
    assert json.loads(path.read_text())["comments"][0]["text"] == "Training\nboth models"


def test_a_file_without_comments_keeps_its_bytes(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    pipeline = fileformat.loads(text, EXAMPLE)
    assert len(pipeline.comments) == 0
    assert fileformat.dumps(pipeline) == text
    assert "comments" not in json.loads(fileformat.dumps(pipeline))


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ({"id": "c1", "text": 5, "position": [0, 0]}, "text"),
        ({"id": "c1", "text": "x", "position": [0]}, "position"),
        ({"id": "c1", "text": "x", "position": [0, 0], "color": "mauve"}, "mauve"),
        ({"id": "c1", "text": "x", "position": [0, 0], "extra": 1}, "extra"),
    ],
)
def test_a_malformed_comment_is_refused_in_one_line_naming_it(tmp_path, comment, problem):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["comments"] = [comment]
    path = tmp_path / "bad.stitch"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PipelineFileError) as info:
        fileformat.load(path)
    message = str(info.value)
    assert "bad.stitch" in message and problem in message and "\n" not in message


def test_two_comments_with_one_id_are_refused(tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["comments"] = [{"id": "c1", "text": "a", "position": [0, 0]}] * 2
    with pytest.raises(PipelineFileError, match="c1"):
        fileformat.loads(json.dumps(doc), tmp_path / "twice.stitch")


def test_the_board_announces_what_changed_and_hands_back_the_old_value():
    board = Comments()
    seen = []
    board.changed.connect(seen.append)
    board.add(Comment("c1", "first"))
    board.add(Comment("c0", "under"), index=0)
    old = board.update("c1", text="second", position=(5, 6))
    board.update("c1", text="second")  # nothing changes: nothing announced
    removed = board.remove("c0")
    assert [(e.change, e.comment_id, e.fields) for e in seen] == [
        (CommentChange.ADDED, "c1", ()),
        (CommentChange.ADDED, "c0", ()),
        (CommentChange.CHANGED, "c1", ("text", "position")),
        (CommentChange.REMOVED, "c0", ()),
    ]
    assert old.text == "first" and removed.text == "under"
    assert board.get("c1").position == (5.0, 6.0)
    with pytest.raises(ModelError, match="no comment"):
        board.get("c0")


def test_a_comment_is_never_smaller_than_its_minimum_or_far_off_the_map():
    assert Comment("c1", size=(1, 1)).size == (80.0, 40.0)
    with pytest.raises(ModelError, match="position"):
        Comment("c1", position=(float("nan"), 0))
