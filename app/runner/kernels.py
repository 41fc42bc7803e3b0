"""A pool of kernels started ahead of need: a kernel's start-up overlaps the previous node's work.

Each kernel runs one node and is then shut down (notebooks must not share state). Kernels are
keyed by (kernel name, working folder, extra environment) because these are fixed at start.

jupyter_client and nbclient run their coroutines on an asyncio loop they make for each thread
(``jupyter_core.utils.run_sync``) and never close. A dry-run left three such loops per kernel
(start, execute, stop threads); collected at interpreter exit in a random order, one of them
now and then printed ``Exception ignored in BaseEventLoop.__del__ ... Invalid file descriptor:
-1``. Every thread that drives a kernel closes its loop when it is done (``close_thread_loop``).
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from app.runner import reaper
from app.runner.errors import KernelStartError
from graph_editor.notebook_checks import install_hint

KernelKey = tuple[str, str, tuple[tuple[str, str], ...]]


def close_thread_loop() -> None:
    """Close the asyncio loop jupyter_core's ``run_sync`` made for this thread, if any."""
    from jupyter_core import utils

    holder = getattr(utils, "_loop", None)
    if holder is None:
        return
    loop = holder.get()
    if loop is None or loop.is_closed() or loop.is_running():
        return
    try:
        loop.run_until_complete(loop.shutdown_asyncgens())
    except Exception:  # noqa: BLE001 - closing is best effort
        pass
    loop.close()
    holder.set(None)
    asyncio.set_event_loop(None)


def kernel_key(kernel: str, cwd: str, env: Mapping[str, str]) -> KernelKey:
    return (kernel, cwd, tuple(sorted(env.items())))


def kernel_group(km: Any) -> int | None:
    """The process group of a started kernel (jupyter_client starts each in its own session)."""
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    pgid = getattr(provisioner, "pgid", None) or getattr(process, "pid", None)
    return pgid if isinstance(pgid, int) else None


def kill_kernel_group(km: Any) -> None:
    """Kill a kernel and every process it started (its process group), at once."""
    pgid = kernel_group(km)
    if pgid:
        reaper.kill_tree(pgid)  # the group, and children that left it (setsid)


class KernelPool:
    """Starts up to ``ahead`` kernels for the expected demand before they are asked for."""

    def __init__(self, demand: Iterable[KernelKey], ahead: int) -> None:
        self._pending = list(demand)  # keys still expected, in the order nodes will want them
        self._ready: dict[KernelKey, list[Future[Any]]] = {}
        self._ahead = max(0, ahead)
        self._lock = threading.Lock()
        self._all: list[Future[Any]] = []
        self._stopped: set[int] = set()
        self._closed = False
        self._starter = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kernel-start")
        self._stopper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kernel-stop")

    def warm(self) -> None:
        with self._lock:
            self._top_up()

    def _top_up(self) -> None:
        waiting = sum(len(v) for v in self._ready.values())
        while not self._closed and waiting < self._ahead and self._pending:
            key = self._pending.pop(0)
            self._ready.setdefault(key, []).append(self._start(key))
            waiting += 1

    def _start(self, key: KernelKey) -> Future[Any]:
        future = self._starter.submit(_start_kernel, key)
        self._all.append(future)
        return future

    def acquire(self, key: KernelKey) -> Any:
        """A started kernel manager for ``key`` (waits for one that is starting)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the run is over")
            ready = self._ready.get(key)
            if ready:
                future = ready.pop(0)
            else:
                if key in self._pending:
                    self._pending.remove(key)
                future = self._start(key)
            self._top_up()
        return future.result()

    def release(self, km: Any) -> None:
        """Shut a used kernel down in the background."""
        with self._lock:
            if id(km) in self._stopped:
                return
            self._stopped.add(id(km))
        self._stopper.submit(_stop_kernel, km)

    def close(self) -> None:
        """Shut down every kernel this pool started, idle or not, and wait for it."""
        with self._lock:
            self._closed = True
        self._starter.shutdown(wait=True)
        for future in self._all:
            if future.exception() is None:
                self.release(future.result())
        self._stopper.shutdown(wait=True)
        # Any loop a kernel thread still left behind is collected now, while the sockets it
        # refers to exist, not at interpreter exit where a random order makes it print
        # "Exception ignored ... Invalid file descriptor: -1".
        gc.collect()


def _start_kernel(key: KernelKey) -> Any:
    from jupyter_client.manager import KernelManager

    name, cwd, extra_env = key
    # nbclient needs an asynchronous client: a blocking one waits for replies without ever
    # noticing a dead kernel (timeouts and cancel kill kernels).
    km = KernelManager(
        kernel_name=name, client_class="jupyter_client.asynchronous.AsyncKernelClient"
    )
    clients: list[Any] = []
    make_client = km.client

    def client(**kwargs: Any) -> Any:  # remember nbclient's client so close_clients can stop it
        kc = make_client(**kwargs)
        clients.append(kc)
        return kc

    km.client = client  # type: ignore[method-assign]  # wrap to remember nbclient's clients
    km.stitchboard_clients = clients  # type: ignore[attr-defined]
    env = dict(os.environ, **dict(extra_env))
    env.pop("TF_CONFIG", None)  # locally a distributed TensorFlow job is a single worker
    try:
        km.start_kernel(cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except FileNotFoundError as exc:  # the kernelspec's program (R for 'ir') is not installed
        spec = km.kernel_spec
        program = exc.filename or (spec.argv[0] if spec is not None and spec.argv else name)
        raise KernelStartError(
            f"kernel {name!r} cannot start: {program} is not installed here; {install_hint(name)}"
        ) from exc
    finally:
        close_thread_loop()
    pgid = kernel_group(km)
    if pgid:  # killed with the dry-run, even by kill -9
        reaper.watch(pgid)
    return km


def close_clients(km: Any) -> None:
    """Stop the channels (sockets, heartbeat thread) of the clients nbclient made for ``km``.

    nbclient leaves them open when it did not start the kernel itself; call this from the
    thread that executed the notebook.
    """
    for kc in getattr(km, "stitchboard_clients", []):
        try:
            kc.stop_channels()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
    getattr(km, "stitchboard_clients", []).clear()
    close_thread_loop()  # the loop nbclient ran the notebook on, in this thread


def _stop_kernel(km: Any) -> None:
    kill_kernel_group(km)
    pgid = kernel_group(km)
    if pgid:
        reaper.forget(pgid)
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        else:
            km.cleanup_resources()
    except Exception:  # noqa: BLE001 - the kernel is gone either way; nothing to report
        pass
    finally:
        close_thread_loop()
