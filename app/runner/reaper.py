"""A watchdog process that kills every process group a dry-run started once the dry-run is gone.

Signal handlers cannot run after ``kill -9``, and ipykernel's own parent poller stops only the
kernel, not what a notebook started. So the dry-run tells a small watchdog (this file, run as
a script: standard library only) each process group it starts (``+PGID``) and each it has
finished with (``-PGID``) over a pipe. When the pipe closes — the dry-run exited, or died in
any way — the watchdog kills the groups it still knows and exits.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
from typing import IO


class Reaper:
    """The dry-run's side of the watchdog: ``watch``/``forget`` process groups."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipe: IO[str] | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._watched: set[int] = set()

    def _send(self, line: str) -> None:
        with self._lock:
            if self._pipe is None:
                self._proc = subprocess.Popen(
                    [sys.executable, "-S", os.path.abspath(__file__)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    start_new_session=True,  # a Ctrl-C or hang-up of the terminal spares it
                    cwd="/",
                )
                self._pipe = self._proc.stdin
            assert self._pipe is not None
            try:
                self._pipe.write(line + "\n")
                self._pipe.flush()
            except OSError:  # the watchdog is gone: nothing left to tell
                pass

    def watch(self, pgid: int) -> None:
        """Kill process group ``pgid`` if this process dies before ``forget(pgid)``."""
        if pgid > 1:
            with self._lock:
                self._watched.add(pgid)
            self._send(f"+{pgid}")

    def forget(self, pgid: int) -> None:
        """``pgid`` is finished with (killed or exited): never kill it later.

        With nothing left to watch the watchdog exits (it starts again on the next ``watch``),
        so no process of ours outlives a run.
        """
        with self._lock:
            if pgid not in self._watched:
                return
            self._watched.discard(pgid)
            idle = not self._watched
        self._send(f"-{pgid}")
        if idle:
            self.close()

    def close(self) -> None:
        """Stop the watchdog (it kills any group still watched) and wait for it."""
        with self._lock:
            if self._watched:  # a watch arrived meanwhile: keep watching
                return
            pipe, proc, self._pipe, self._proc = self._pipe, self._proc, None, None
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass
        if proc is not None:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


_REAPER = Reaper()
atexit.register(_REAPER.close)


def watch(pgid: int) -> None:
    """Register a process group with this process's watchdog (started on first use)."""
    _REAPER.watch(pgid)


def forget(pgid: int) -> None:
    """Tell this process's watchdog that a process group needs no more watching."""
    _REAPER.forget(pgid)


def _process_table() -> dict[int, tuple[int, int]]:
    """{pid: (parent pid, process group)} of every process, from /proc ({} elsewhere)."""
    table: dict[int, tuple[int, int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            table[int(entry)] = (int(fields[1]), int(fields[2]))
        except (OSError, IndexError, ValueError):
            continue
    return table


def group_and_descendants(pgid: int) -> set[int]:
    """Every process of group ``pgid`` and every process below them, in whatever group or
    session (a notebook's child that called ``setsid`` leaves the group, not the tree)."""
    table = _process_table()
    found = {pid for pid, (_, group) in table.items() if group == pgid}
    while True:
        more = {pid for pid, (parent, _) in table.items() if parent in found} - found
        if not more:
            return found
        found |= more


def kill_tree(pgid: int) -> None:
    """SIGKILL a process group and everything its processes started (looked up first: once
    killed, their children belong to init and cannot be told apart)."""
    below = group_and_descendants(pgid)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
    for pid in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


_kill = kill_tree


def main() -> None:
    """The watchdog: read ``+PGID``/``-PGID`` lines until the pipe closes, then kill the rest."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    groups: set[int] = set()
    for line in sys.stdin:
        try:
            pgid = int(line.strip()[1:])
        except ValueError:
            continue
        if line.startswith("+"):
            groups.add(pgid)
        else:
            groups.discard(pgid)
    for pgid in groups:
        _kill(pgid)


if __name__ == "__main__":
    main()
