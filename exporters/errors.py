"""The exporter's error: raised when a valid pipeline still cannot become a DAG bundle."""

from __future__ import annotations

from graph_editor.errors import StitchboardError


class ExportError(StitchboardError):
    """The exporter cannot produce a DAG for this pipeline (an unreadable notebook, a folder)."""
