"""File ▸ Import…: an Elyra ``.pipeline`` or a Kale notebook becomes a ``.stitch`` beside it and
opens in the window, with the importer's report (what could not be mapped) shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtWidgets

from app.gui.guard import report
from graph_editor import fileformat
from graph_editor.errors import StitchboardError
from graph_editor.importers.elyra import import_elyra
from graph_editor.importers.kale import import_kale

FILTER = "Elyra pipelines (*.pipeline);;Kale notebooks (*.ipynb)"


def free_target(source: Path) -> Path:
    """``NAME.stitch`` beside the source, or ``NAME-2.stitch``… when that exists."""
    target = source.with_suffix(fileformat.SUFFIX)
    n = 2
    while target.exists():
        target = source.with_name(f"{source.stem}-{n}{fileformat.SUFFIX}")
        n += 1
    return target


def import_dialog(window: Any) -> bool:
    start = str(window.document.path.parent) if window.document.path else ""
    path, _ = QtWidgets.QFileDialog.getOpenFileName(window, "Import pipeline", start, FILTER)
    return bool(path) and import_file(window, Path(path))


def import_file(window: Any, source: Path) -> bool:
    """Import ``source`` (Kale when it is a notebook), save it beside it, open it; False (and a
    message in the window) when it cannot be read."""
    if not window.files.maybe_save():
        return False
    target = free_target(source)
    try:
        if source.suffix == ".ipynb":
            pipeline, unmapped = import_kale(source, target)
        else:
            pipeline, unmapped = import_elyra(source, target)
        fileformat.save(pipeline, target)
    except StitchboardError as exc:
        window.show_error("Cannot import pipeline", str(exc))
        return False
    except OSError as exc:
        report(window, f"Import {source}", exc, dialog=True)
        return False
    if not window.files.open_file(target):
        return False
    line = f"Imported {source.name} as {target.name}: {len(pipeline)} nodes"
    if unmapped:
        line += f"; not mapped: {'; '.join(unmapped)}"
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Information,
            "Imported with notes",
            f"{line}",
            QtWidgets.QMessageBox.Ok,
            window,
        )
        box.setObjectName("importReport")
        box.open()  # not exec(): the window keeps running
    window.show_status(line)
    return True
