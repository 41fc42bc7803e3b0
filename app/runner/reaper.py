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


def _kill(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


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
