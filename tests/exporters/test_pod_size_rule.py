"""One size rule for what a pod carries: ``validate --backend kubernetes`` and export measure a
node's spec string the same way (graph_editor/pod_env.py), so a set ``str`` value near Linux's
128 KiB per-variable limit either passes both or is refused by both (it was refused by export
only for values between 130,747 and 130,897 bytes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from exporters.airflow import export_pipeline
from graph_editor import fileformat
from graph_editor.backends import Backend
from graph_editor.errors import ValidationFailed
from graph_editor.nodes import Node, NodeKind, PipelineSettings, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from graph_editor.validation import has_errors, validate


def _pipeline(folder: Path, size: int) -> Pipeline:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "echo.py").write_text("import sys\nprint(sys.argv[1:])\n", encoding="utf-8")
    p = Pipeline(PipelineSettings(name="big", dag_id="big_value"), path=folder / "big.stitch")
    p.add_node(
        Node(
            "n1",
            "echo",
            kind=NodeKind.NOTEBOOK,
            source="echo.py",
            inputs=(Port("text", PortType.STR),),
            values={"text": "x" * size},
        )
    )
    fileformat.save(p, folder / "big.stitch")
    return fileformat.load(folder / "big.stitch")


def _exports(p: Pipeline) -> bool:
    try:
        export_pipeline(p, Backend.KUBERNETES)
    except ValidationFailed:
        return False
    return True


def _validates(p: Pipeline) -> bool:
    return not has_errors(validate(p, backend=Backend.KUBERNETES))


def _largest_exported(folder: Path) -> int:
    """The longest value the exporter ships (found by asking it, not by our arithmetic)."""
    low, high = 100_000, 140_000  # exports, refused
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _exports(_pipeline(folder, middle)) else (low, middle)
    return low


def test_validate_and_export_agree_at_the_limit_and_in_the_old_gap(tmp_path: Path) -> None:
    largest = _largest_exported(tmp_path / "probe")
    for size in (largest - 1, largest, largest + 1, largest + 2, 130_747, 130_800, 130_897):
        p = _pipeline(tmp_path / str(size), size)
        assert _validates(p) == _exports(p), size
    assert _validates(_pipeline(tmp_path / "fits", largest))
    refused = [i for i in validate(_pipeline(tmp_path / "over", largest + 1), backend="kubernetes")]
    assert [i.code for i in refused if i.is_error] == ["values-too-large-for-pod"]


def test_one_byte_over_what_export_ships_is_refused_by_validate_on_the_command_line(
    tmp_path: Path,
) -> None:
    largest = _largest_exported(tmp_path / "probe")

    def validate_cli(size: int) -> subprocess.CompletedProcess:
        p = _pipeline(tmp_path / str(size), size)
        command = [sys.executable, "-m", "app.cli.main", "validate", str(p.path)]
        return subprocess.run(
            [*command, "--backend", "kubernetes"], capture_output=True, text=True, timeout=120
        )

    assert validate_cli(largest).returncode == 0
    over = validate_cli(largest + 1)
    assert over.returncode == 1 and "values-too-large-for-pod" in over.stdout + over.stderr
    assert over.stderr.count("\n") <= 3 and "Traceback" not in over.stderr
