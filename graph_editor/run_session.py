"""The run shown in the window: each node's state, outputs, log and failure; and earlier runs.

Pure (no Qt). The window feeds it from dry-run and deploy events (or from an earlier run's
report); the canvas, the Properties panel, the run panel and the deploy dialog listen to its
signals and read it, instead of storing run state on view items.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph_editor.changes import Signal
from graph_editor.frozendict import FrozenDict
from graph_editor.run_state import NodeState, RunState


class RunKind(StrEnum):
    """Where a run ran."""

    DRY_RUN = "dry-run"
    DEPLOYED = "deployed"


@dataclass(frozen=True)
class OutputResult:
    """One output a node produced: its value (or artifact reference), a one-line preview and,
    for a table, its first rows (one line each)."""

    name: str
    value: Any
    preview: str
    rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeRun:
    """What one run did with one node (every field optional until the run gets there)."""

    state: NodeState | None = None
    detail: str = ""
    outputs: tuple[OutputResult, ...] = ()
    notebook: str = ""  # the executed notebook (dry-run)
    log: str = ""  # the node's log file (dry-run)
    folder: str = ""  # where its files and artifacts are (dry-run)
    task_log: str = ""  # the failed task's log text (deployed run)
    failure: Any = None  # what the app shows in its Failure panel (opaque here)

    def output(self, name: str) -> OutputResult | None:
        return next((o for o in self.outputs if o.name == name), None)


@dataclass(frozen=True)
class RunRecord:
    """One run in the history: what it was, where its report is, how it ended."""

    key: str  # unique in a session: the run folder, or "deploy:<n>"
    kind: RunKind
    label: str  # what the run panel's history lists
    folder: str = ""  # its run folder (dry-runs), "" for deployed runs
    state: RunState | None = None  # None while it runs
    report: Mapping[str, Any] = field(default_factory=FrozenDict)  # run.json, when there is one


class RunSession:
    """The run on show (node by node) plus this session's and the runs folder's earlier runs.

    Signals: ``node_changed(node_id)`` when a node's run changed, ``reset(None)`` when another
    run is shown (or the shown one cleared), ``history_changed(None)`` when the list of runs did.
    """

    def __init__(self) -> None:
        self.node_changed: Signal[str] = Signal()
        self.reset: Signal[None] = Signal()
        self.history_changed: Signal[None] = Signal()
        self._nodes: dict[str, NodeRun] = {}
        self._runs: dict[str, RunRecord] = {}
        self._shown: str = ""
        self._kept: dict[str, dict[str, NodeRun]] = {}  # results of this session's runs

    # -- reading ------------------------------------------------------------------------------
    def node(self, node_id: str) -> NodeRun:
        """What the shown run did with a node (an empty ``NodeRun`` when it did nothing)."""
        return self._nodes.get(node_id, NodeRun())

    def state(self, node_id: str) -> NodeState | None:
        return self.node(node_id).state

    def node_ids(self) -> list[str]:
        return list(self._nodes)

    @property
    def shown(self) -> RunRecord | None:
        """The run whose results are on show (None before any run)."""
        return self._runs.get(self._shown)

    @property
    def runs(self) -> tuple[RunRecord, ...]:
        """Every known run, newest first."""
        return tuple(reversed(self._runs.values()))

    def results_of(self, key: str) -> dict[str, NodeRun] | None:
        """The kept node results of one of this session's runs (None if not kept)."""
        kept = self._kept.get(key)
        return dict(kept) if kept is not None else None

    # -- a run on show ------------------------------------------------------------------------
    def begin(self, record: RunRecord) -> None:
        """A new run starts: it goes to the history and its (empty) results are shown."""
        self._runs.pop(record.key, None)
        self._runs[record.key] = record
        self._nodes = {}
        self._kept[record.key] = self._nodes
        self._shown = record.key
        self.reset.emit(None)
        self.history_changed.emit(None)

    def update(self, node_id: str, **changes: Any) -> NodeRun:
        """Change some fields of a node's run in the shown run (a run event arrived)."""
        new = dataclasses.replace(self.node(node_id), **changes)
        if new != self._nodes.get(node_id):
            self._nodes[node_id] = new
            self.node_changed.emit(node_id)
        return new

    def finish(
        self,
        state: RunState,
        report: Mapping[str, Any] | None = None,
        folder: str = "",
        label: str = "",
    ) -> None:
        """The shown run ended: its state, report and run folder go to its history entry."""
        record = self.shown
        if record is None:
            return
        changes: dict[str, Any] = {"state": state}
        if report is not None:
            changes["report"] = FrozenDict(report)
        if folder:
            changes["folder"] = folder
        if label:
            changes["label"] = label
        self._runs[record.key] = dataclasses.replace(record, **changes)
        self.history_changed.emit(None)

    def clear(self) -> None:
        """Forget every run (another document): nothing shown, an empty history."""
        self._nodes = {}
        self._shown = ""
        self._runs.clear()
        self._kept.clear()
        self.reset.emit(None)
        self.history_changed.emit(None)

    # -- history ------------------------------------------------------------------------------
    def add_found(self, records: Iterable[RunRecord]) -> None:
        """Runs found on disk (older than this session's); ones already known are skipped."""
        folders = {r.folder for r in self._runs.values() if r.folder}
        new = [r for r in records if r.key not in self._runs and r.folder not in folders]
        if not new:
            return
        self._runs = {**{r.key: r for r in reversed(new)}, **self._runs}
        self.history_changed.emit(None)

    def show(self, key: str, results: Mapping[str, NodeRun]) -> None:
        """Show an earlier run again: its node results replace the ones on show."""
        if key not in self._runs:
            raise KeyError(key)
        self._nodes = dict(results)
        self._kept[key] = self._nodes
        self._shown = key
        self.reset.emit(None)
