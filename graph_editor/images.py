"""The container images a node's pod runs: the runtime images Stitchboard ships definitions for,
which image a node gets, and a warning for images not known to carry the runtime's needs.

The images are built from ``packaging/images/`` (a pinned base, then papermill, ipykernel,
pandas, pyarrow and fsspec: what the shipped runtime imports); their tag follows the product's
version, so an export names an image built for the runtime it ships. Any other image may work,
but nothing here knows: ``stitchboard doctor --image IMAGE`` checks one where docker runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nodes.py takes its default images from here: no import back at load
    from graph_editor.issues import Issue
    from graph_editor.nodes import Node, PipelineSettings

IMAGE_TAG = "0.1.0"  # the product's version (pyproject.toml): a test keeps them equal
REGISTRY = "ghcr.io/stitchboard"
RUNTIME_IMAGE = f"{REGISTRY}/runtime:{IMAGE_TAG}"
R_IMAGE = f"{REGISTRY}/runtime-r:{IMAGE_TAG}"
SPARK_IMAGE = f"{REGISTRY}/runtime-spark:{IMAGE_TAG}"
# image -> its definition under packaging/images/
DEFINITIONS = {
    RUNTIME_IMAGE: "runtime/Dockerfile",
    R_IMAGE: "runtime-r/Dockerfile",
    SPARK_IMAGE: "runtime-spark/Dockerfile",
}
# What every node's pod imports before the node's own code runs (the runtime and papermill).
PYTHON_NEEDS = ("papermill", "ipykernel", "nbformat", "pandas", "pyarrow", "fsspec")


def node_image(node: Node, settings: PipelineSettings) -> str:
    """The image a node's pod runs: its own, else the pipeline's R image for R nodes, else
    the pipeline's default image."""
    if node.image:
        return node.image
    return settings.r_image if node.runs_r else settings.default_image


def is_known(image: str) -> bool:
    """Whether ``image`` is one of the shipped runtime images, at this version."""
    return image in DEFINITIONS


def image_issues(node: Node, settings: PipelineSettings) -> list[Issue]:
    """A warning when the node's pod image is not one known to carry the runtime's needs."""
    from graph_editor.issues import warning

    image = node_image(node, settings)
    if not image.strip() or is_known(image):
        return []
    needs = ", ".join(PYTHON_NEEDS) + (" and the IR kernel" if node.runs_r else "")
    return [
        warning(
            "image-unknown",
            f"image {image!r} is not one known to carry what the runtime needs ({needs}); "
            f"check it with `stitchboard doctor --image {image}`, or use {RUNTIME_IMAGE}",
            node,
            field="image",
        )
    ]
