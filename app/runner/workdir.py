"""Each node's own working folder, built as a pod's is, and the hint for undeclared files.

A node never runs in the user's notebook folder: its folder under ``<run>/work/<node>/`` holds
only the notebook or script (the exact bytes the cache key was computed from), the files the
node declares it ships (copied from beside its notebook) and the files its upstream nodes
declared they produce (restored from the run's artifacts at the same relative place). So a
hand-off through an undeclared file fails here as it would on the cluster.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_editor.nodes import Node
from resources.runtime import stitchboard_runtime as runtime

WORK_FOLDER = "work"
ARTIFACTS_FOLDER = "artifacts"


@dataclass(frozen=True)
class NodeJob:
    """What one node's execution gets besides the node: its bytes, inputs and folders."""

    source: Path  # the user's notebook or script (named in messages, read for cell numbers)
    source_bytes: bytes  # exactly the bytes the cache key was computed from
    inputs: dict[str, Any]
    kernel: str
    run_dir: Path
    files: Mapping[str, Any] = field(default_factory=dict)  # upstream produced: rel -> ref
    producers: Mapping[str, str] = field(default_factory=dict)  # input -> upstream node

    @property
    def store(self) -> str:
        return str(self.run_dir / ARTIFACTS_FOLDER)


def work_dir(run_dir: Path, node: Node) -> Path:
    """The node's working folder inside the run folder."""
    return run_dir / WORK_FOLDER / node.name


def build(node: Node, job: NodeJob, folder: Path) -> Path:
    """Fill ``folder`` (emptied, but kept: a kernel may already run in it) as a pod's is;
    returns the path of the node's own file there."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    target = folder / job.source.name
    target.write_bytes(job.source_bytes)
    beside = job.source.parent
    for rel in node.files:
        src, dst = beside / rel, folder / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.is_file():
            shutil.copy2(src, dst)
    runtime.restore_files(folder, job.files)
    return target


def undeclared_file_hint(node: Node, message: str, pipeline_file: str = "PIPELINE") -> str:
    """The line telling the user a relative file was not there and how to declare it ('' if
    ``message`` is not a missing relative file): the runtime's, so the cluster says the same."""
    spec = runtime.NodeSpec(
        task_id=node.name,
        source=Path(node.source).name,
        files=tuple(node.files),
        produces=tuple(node.produces),
        pipeline_file=pipeline_file,
    )
    return runtime.missing_file_hint(spec, message)
