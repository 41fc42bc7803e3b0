"""New nodes land free of the others and take their file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.qt


def _overlapping(window) -> list[tuple[str, str]]:
    views = window.canvas.views()
    pairs = []
    for i, a in enumerate(views):
        for b in views[i + 1 :]:
            if a.view.sceneBoundingRect().intersects(b.view.sceneBoundingRect()):
                pairs.append((a.name(), b.name()))
    return pairs


def test_nodes_added_from_the_palette_and_dropped_never_cover_each_other(
    window, example_copy: Path
):
    from graph_editor.nodes import NodeKind

    assert _overlapping(window) == []
    for _ in range(3):  # the palette's double-click: every node in the middle of the view
        window.tools.add_node_at_center(NodeKind.NOTEBOOK.value)
    prep = window.document.pipeline.node_by_name("prepare_data")
    window.canvas.editing.add_blank_node(NodeKind.RAPIDS, prep.position)  # onto a node
    folder = example_copy.parent
    window.canvas.editing.add_sources(
        [folder / "train_mlp.ipynb", folder / "train_logreg.ipynb"], prep.position
    )
    assert len(window.document.pipeline) == 5 + 6, (
        " ".join(n.name for n in window.document.pipeline.nodes)
        + window.statusBar().currentMessage()
    )
    assert _overlapping(window) == []


def test_a_blank_node_takes_its_notebooks_name_when_one_is_chosen(window, example_copy: Path):
    from graph_editor.nodes import NodeKind
    from tests.gui.driving import click_node

    node = window.canvas.editing.add_blank_node(NodeKind.NOTEBOOK, (0.0, 900.0))
    assert node.name == "notebook"
    click_node(window, "notebook")
    window.properties.node_panel.set_source(example_copy.parent / "train_mlp.ipynb")
    renamed = window.document.pipeline.node(node.id)
    assert renamed.name == "train_mlp_2"  # the file's name, unique in the pipeline
    assert window.canvas.view_of(node.id).name() == "train_mlp_2"
    window.actions_by_name["undo"].trigger()
    assert window.document.pipeline.node(node.id).name == "notebook"


def test_a_renamed_node_keeps_its_name_when_its_notebook_changes(window, example_copy: Path):
    from tests.gui.driving import click_node

    click_node(window, "train_mlp")
    node = window.document.pipeline.node_by_name("train_mlp")
    window.properties.node_panel.set_source(example_copy.parent / "train_logreg.ipynb")
    assert window.document.pipeline.node(node.id).name == "train_mlp"
