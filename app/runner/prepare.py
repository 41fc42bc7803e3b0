"""``--prepare-only``: inject the parameters and write the notebooks to run, starting no kernel."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import nbformat

from graph_editor.nodes import Node
from graph_editor.notebook import is_jupytext_file
from resources.runtime import stitchboard_runtime as runtime


def prepare_node(
    node: Node, source: Path, inputs: dict[str, Any], kernel: str, run_dir: Path
) -> Path:
    """Write the prepared notebook (or the script's command line) into the run folder."""
    if node.is_script and not is_jupytext_file(source):
        target = run_dir / f"{node.name}.command.txt"
        args = runtime.script_arguments(inputs)
        target.write_text(shlex.join(["python", str(source), *args]) + "\n", encoding="utf-8")
        return target
    target = run_dir / f"{node.name}.ipynb"
    names = [p.name for p in node.outputs]
    nb = runtime.prepare_notebook(
        source, inputs, names, run_dir / f"{node.name}.outputs.json", kernel
    )
    nbformat.write(nb, str(target))
    return target
