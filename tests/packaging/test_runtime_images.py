"""The runtime images the defaults name are defined here, pinned, at the product's version.

No Docker engine runs on this machine, so the images are not built by the tests: what can be
checked without one is (doctor --image checks a built image: tests/app/test_doctor_image.py).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from graph_editor import images
from graph_editor.nodes import PipelineSettings

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "packaging" / "images"


def _from_lines(dockerfile: Path) -> list[str]:
    return [ln.split()[1] for ln in dockerfile.read_text().splitlines() if ln.startswith("FROM ")]


def test_new_pipelines_default_to_the_shipped_runtime_images() -> None:
    settings = PipelineSettings()
    assert settings.default_image == images.RUNTIME_IMAGE
    assert settings.r_image == images.R_IMAGE
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    for image in images.DEFINITIONS:
        assert image.endswith(":" + version), image  # pinned by tag, the product's version


def test_every_runtime_image_has_a_pinned_definition_with_the_runtimes_needs() -> None:
    for image, definition in images.DEFINITIONS.items():
        dockerfile = FOLDER / definition
        text = dockerfile.read_text()
        assert image in text, f"{definition} does not name the image it builds"
        for base in _from_lines(dockerfile):
            tag = base.rsplit(":", 1)[-1]
            assert ":" in base and tag != "latest" and re.search(r"\d", tag), base
        copied = re.search(r"^COPY (\S+) ", text, re.MULTILINE)
        assert copied, definition
        requirements = (FOLDER / copied.group(1)).read_text().splitlines()
        pins = {
            ln.split("==")[0].lower(): ln.split("==")[1]
            for ln in requirements
            if ln and not ln.startswith("#")
        }
        assert all(pins.values()), f"{copied.group(1)}: every package pinned with =="
        for need in images.PYTHON_NEEDS:
            assert need in pins, f"{definition} lacks {need}"
    assert "r-cran-irkernel" in (FOLDER / "runtime-r" / "Dockerfile").read_text()
    spark = (FOLDER / "runtime-spark" / "requirements.txt").read_text()
    assert (
        "pyspark==4.0.1" in spark
        and "apache/spark:4.0.1" in (FOLDER / "runtime-spark" / "Dockerfile").read_text()
    )
