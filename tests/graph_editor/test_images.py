"""A node's pod image that is not known to carry the runtime's needs is warned about."""

from __future__ import annotations

from pathlib import Path

from graph_editor import images
from graph_editor.nodes import Node, PipelineSettings
from graph_editor.pipeline import Pipeline
from graph_editor.validation import validate


def _pipeline(**settings: str) -> Pipeline:
    p = Pipeline(PipelineSettings(name="Images", dag_id="images", **settings), Path("x.stitch"))
    p.add_node(Node(id="a", name="plain", source="a.ipynb"))
    p.add_node(Node(id="b", name="tf", source="b.ipynb", image="tensorflow/tensorflow:2.17.0"))
    p.add_node(Node(id="c", name="r_job", source="c.R"))
    return p


def _unknown(p: Pipeline, backend: str = "kubernetes") -> dict[str, str]:
    found = validate(p, check_files=False, backend=backend)  # type: ignore[arg-type]
    return {i.node_name: i.message for i in found if i.code == "image-unknown"}


def test_nodes_on_the_shipped_images_get_no_image_warning_and_others_do() -> None:
    warned = _unknown(_pipeline())
    assert set(warned) == {"tf"}  # plain: the runtime image; r_job: the R runtime image
    message = warned["tf"]
    assert "'tensorflow/tensorflow:2.17.0'" in message and "papermill" in message
    assert "stitchboard doctor --image tensorflow/tensorflow:2.17.0" in message


def test_an_old_default_image_in_a_pipeline_file_is_warned_about() -> None:
    warned = _unknown(_pipeline(default_image="quay.io/jupyter/scipy-notebook:latest"))
    assert {"plain", "tf"} == set(warned)
    assert images.RUNTIME_IMAGE in warned["plain"]


def test_the_worker_backend_runs_no_image_and_warns_about_none() -> None:
    assert (
        _unknown(_pipeline(default_image="quay.io/jupyter/scipy-notebook:latest"), "worker") == {}
    )
