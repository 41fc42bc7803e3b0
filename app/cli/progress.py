"""Terminal rendering of event streams (dry-run, deploy, monitoring) with rich.

``ProgressView`` shows a live table of nodes and an overall bar on a terminal, and plain lines
otherwise (pipes, CI logs). ``summary_table`` renders a run summary at the end.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from app.events import Event, LogEvent, LogLevel, NodeEvent, NodeState, ProgressEvent, RunFinished
from resources.runtime import stitchboard_artifacts as artifacts

if TYPE_CHECKING:
    from app.runner.report import RunSummary

STYLES: dict[str, tuple[str, str]] = {
    NodeState.PENDING: ("·", "dim"),
    NodeState.QUEUED: ("…", "cyan"),
    NodeState.RUNNING: ("▶", "yellow"),
    NodeState.SUCCEEDED: ("✓", "green"),
    NodeState.CACHED: ("≡", "blue"),
    NodeState.SAMPLED: ("~", "magenta"),
    NodeState.FAILED: ("✗", "bold red"),
    NodeState.SKIPPED: ("-", "dim"),
    NodeState.CANCELLED: ("■", "red"),
}


def unwrapped(console: Console) -> Console:
    """The console, set never to wrap a line when it is not a terminal.

    Off a terminal (a pipe, a file, a CI log) rich assumes 80 columns and breaks long lines,
    so a one-line error or a ``run folder: PATH`` line read by a script would arrive in pieces.
    """
    if not console.is_terminal:
        console.soft_wrap = True
    return console


def state_text(state: str) -> Text:
    icon, style = STYLES.get(state, ("?", ""))
    return Text(f"{icon} {state}", style=style)


def short_value(value: Any, width: int = 28) -> str:
    """A value in a few characters: scalars as they are, containers by their size."""
    if artifacts.is_ref(value):
        return f"<{value.get('type', 'artifact')}>"
    if isinstance(value, dict):
        text = json.dumps(value, default=repr)
        return text if len(text) <= width else f"dict({len(value)} keys)"
    if isinstance(value, list):
        text = json.dumps(value, default=repr)
        return text if len(text) <= width else f"list[{len(value)}]"
    text = json.dumps(value, default=repr) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def short_values(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={short_value(v)}" for k, v in values.items())


class ProgressView:
    """Feed it events with ``handle``; use it as a context manager around the stream."""

    def __init__(
        self, console: Console | None = None, title: str = "", live: bool | None = None
    ) -> None:
        self.console = unwrapped(console or Console())
        self.title = title
        self._live_wanted = self.console.is_terminal if live is None else live
        self._live: Live | None = None
        self._nodes: dict[str, dict[str, Any]] = {}  # id -> name, state, detail, started
        self._done = 0
        self._total = 0
        self.finished: RunFinished | None = None

    def __enter__(self) -> ProgressView:
        if self._live_wanted:
            self._live = Live(
                self._render(), console=self.console, refresh_per_second=8, transient=True
            )
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None

    def run(self, events: Iterable[Event]) -> RunFinished | None:
        """Render a whole stream; returns its ``RunFinished`` (None if it had none)."""
        with self:
            for event in events:
                self.handle(event)
        return self.finished

    def handle(self, event: Event) -> None:
        if isinstance(event, NodeEvent):
            self._node(event)
        elif isinstance(event, ProgressEvent):
            self._done, self._total = event.done, event.total
        elif isinstance(event, LogEvent):
            self._log(event)
        elif isinstance(event, RunFinished):
            self.finished = event
        if self._live is not None:
            self._live.update(self._render())

    def _node(self, event: NodeEvent) -> None:
        entry = self._nodes.setdefault(event.node_id, {"name": event.node_name, "started": None})
        if event.state == NodeState.RUNNING and entry.get("state") != NodeState.RUNNING:
            entry["started"] = time.monotonic()
        if entry.get("state") == event.state and entry.get("detail") == event.detail:
            return
        entry.update(state=event.state, detail=event.detail)
        if self._live is None and event.state not in (NodeState.PENDING, NodeState.QUEUED):
            line = Text("  ").append_text(state_text(event.state)).append(f"  {event.node_name}")
            if event.detail:
                line.append(f"  {event.detail}", style="dim")
            self.console.print(line, highlight=False)

    def _log(self, event: LogEvent) -> None:
        if event.node_id and event.node_id in self._nodes:
            self._nodes[event.node_id]["last_log"] = event.text
        if self._live is None and (event.level != LogLevel.INFO or not event.node_id):
            self.console.print(f"  {event.text}", style="dim", highlight=False, markup=False)

    def _render(self) -> Group:
        table = Table(box=None, show_header=False, padding=(0, 1))
        table.add_column("node", style="bold")
        table.add_column("state", no_wrap=True)
        table.add_column("time", justify="right", no_wrap=True)
        table.add_column("detail", overflow="ellipsis", no_wrap=True, max_width=70)
        now = time.monotonic()
        for entry in self._nodes.values():
            state = entry.get("state", NodeState.PENDING)
            elapsed = ""
            if state == NodeState.RUNNING and entry.get("started"):
                elapsed = f"{now - entry['started']:.1f}s"
            detail = entry.get("last_log", "") if state == NodeState.RUNNING else ""
            table.add_row(
                entry["name"], state_text(state), elapsed, entry.get("detail") or detail or ""
            )
        bar = ProgressBar(total=max(self._total, 1), completed=self._done, width=40)
        footer = Table.grid(padding=(0, 1))
        footer.add_row(bar, Text(f"{self._done}/{self._total} nodes"))
        parts: list[Any] = [Text(self.title, style="bold")] if self.title else []
        return Group(*parts, table, footer)


def summary_table(summary: dict[str, Any]) -> Table:
    """The end-of-run table: each node's state, time, inputs and outputs."""
    table = Table(
        title=f"{summary.get('name', 'run')}: {summary.get('state', '?')}",
        title_justify="left",
        show_lines=False,
    )
    table.add_column("node", style="bold")
    table.add_column("state", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("inputs", overflow="fold")
    table.add_column("outputs", overflow="fold")
    for node in summary.get("nodes", []):
        duration = node.get("duration_s")
        table.add_row(
            node["name"],
            state_text(node["state"]),
            "" if duration is None else f"{duration:.1f}s",
            short_values(node.get("inputs") or {}),
            short_values(node.get("outputs") or {}) or node.get("detail", ""),
        )
    return table


def output_lines(summary: dict[str, Any], width: int = 60) -> list[str]:
    """One line per output port of each node that has outputs: ``node.port  preview``.

    A value shows in short; an artifact as its preview (DataFrame shape and columns, array
    shape and dtype, file or folder name and size, object type).
    """
    lines = []
    for node in summary.get("nodes", []):
        for port, value in (node.get("outputs") or {}).items():
            lines.append(f"{node['name']}.{port}  {artifacts.preview(value, width)}")
    return lines


def problem_lines(report: RunSummary | None) -> list[str]:
    """One line per failed or sampled node: what happened and where to look.

    A failed node's line is its typed failure (``NodeFailure.headline``), the one the window's
    Failure panel and ``run.json`` show.
    """
    lines = []
    for node in report.nodes if report is not None else ():
        if node.state == NodeState.FAILED:
            error = node.error
            where = (error.notebook or error.log if error else "") or node.log
            text = error.headline if error is not None else node.detail
            sep = " " if text.startswith(("in ", "while ")) else ": "
            lines.append(
                f"{node.node.name} failed{sep}{text}" + (f"  (see {where})" if where else "")
            )
        elif node.state == NodeState.SAMPLED:
            lines.append(f"{node.node.name} was not run here: {node.detail}")
    return lines
