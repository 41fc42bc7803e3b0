"""The dry-run: runs a pipeline locally in dependency order, in parallel, yielding events."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.events import Event, LogEvent, LogLevel, NodeEvent, NodeState, ProgressEvent, RunFinished
from app.runner import local, plan, workdir
from app.runner.errors import RunError
from app.runner.execute import NodeTask, Outcome
from app.runner.failure import FailureKind, NodeFailure
from app.runner.kernels import KernelKey, KernelPool, kernel_key
from app.runner.options import RunMode, RunOptions
from app.runner.prepare import prepare_node
from app.runner.report import NodeRecord, run_state, summary
from app.runner.run_lock import LOCK_NAME, RunFolderLock
from app.runner.store import RunStore
from app.runner.workdir import NodeJob
from graph_editor.errors import ValidationFailed
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.validation import has_errors, validate
from resources.runtime import stitchboard_artifacts as artifacts
from resources.runtime import stitchboard_runtime as runtime

_TICK = 0.2  # seconds between checks for timeouts and cancellation


@dataclass(frozen=True)
class NodeLookup:
    """What a node whose upstream is done will get, and whether an earlier run already did it."""

    inputs: dict[str, Any]
    sources: dict[str, str]  # input port -> where its value came from
    kernel: str
    cache_key: str
    cached: dict[str, Any] | None  # the store's cache entry for ``cache_key``, if usable
    source: bytes = b""  # the notebook's bytes: keyed and run, read once
    files: dict[str, Any] = field(default_factory=dict)  # upstream produced files: rel -> ref


class DryRun:
    """One local run of a pipeline: iterate ``events()`` to run it; ``cancel()`` from any thread."""

    def __init__(self, pipeline: Pipeline, options: RunOptions | None = None) -> None:
        self.pipeline = pipeline
        self.options = options or RunOptions()
        self._store = RunStore(pipeline)
        if self.options.run_dir:
            self.run_dir = Path(self.options.run_dir).expanduser().resolve()
        else:
            self.run_dir = self._store.new_run_dir()
        self._lock = RunFolderLock(self.run_dir)
        self._cancel = threading.Event()
        self._queue: queue.Queue[Any] = queue.Queue()
        self._tasks: dict[str, NodeTask] = {}
        self._threads: list[threading.Thread] = []
        self._records: dict[str, NodeRecord] = {}
        self._outputs: dict[str, dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}  # node id -> its produced files (refs)
        self._jobs: dict[str, NodeJob] = {}
        self._params: dict[str, Any] = {}
        self._selected: set[str] = set()
        self._warnings: list[str] = []
        self._verified: dict[tuple[str, int, str], bool] = {}  # artifact -> intact (this run)

    # -- public -----------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the run: kill every kernel and script; ``events()`` ends with CANCELLED."""
        self._cancel.set()
        for task in list(self._tasks.values()):
            task.kill("cancel")
        self._queue.put(None)  # wake the scheduler

    def events(self) -> Iterator[Event]:
        """Run the pipeline, yielding events; raises ``ValidationFailed``/``RunError`` up front."""
        issues = validate(self.pipeline)
        if has_errors(issues):
            self._drop_empty_run_dir()
            raise ValidationFailed(issues)
        self._warnings = [str(i) for i in issues if not i.is_error]
        try:
            _check_encodable(self.run_dir, self.pipeline)
        except RunError:
            self._drop_empty_run_dir()
            raise
        self._lock.acquire()  # a second dry-run in this run folder stops here, in one line
        try:
            self._plan()
        except RunError:
            self._lock.release()
            self._drop_empty_run_dir()
            raise
        return self._run()

    # -- planning ---------------------------------------------------------------------------
    def _drop_empty_run_dir(self) -> None:
        if self.options.run_dir or not self.run_dir.is_dir():
            return
        if {p.name for p in self.run_dir.iterdir()} <= {LOCK_NAME}:
            (self.run_dir / LOCK_NAME).unlink(missing_ok=True)  # a fresh folder: none waits
            self.run_dir.rmdir()

    def _plan(self) -> None:
        p = self.pipeline
        self._params = plan.parameter_values(p, self.options.overrides)
        self._selected = plan.selected_ids(p, self.options)
        self._records = {nid: NodeRecord(p.node(nid)) for nid in p.topological_order()}
        sources = {p.source_path(n) for n in p.nodes}
        for node in p.nodes:
            if (self.run_dir / f"{node.name}.ipynb").resolve() in sources:
                raise RunError(
                    f"run folder {self.run_dir} would overwrite the notebook "
                    f"{node.source}: choose another --run-dir"
                )
        needed = set().union(*(p.ancestors(n) for n in self._selected)) - self._selected
        for nid in sorted(needed, key=list(self._records).index):
            if self._store.latest(nid) is None:
                raise RunError(
                    f"no earlier run has the outputs of {p.node(nid).name!r}, which "
                    "this partial run needs: run the whole pipeline first"
                )

    def _may_use_cache(self, nid: str) -> bool:
        return self.options.use_cache and not self.options.is_partial

    def _lookup(
        self,
        nid: str,
        outputs: dict[str, dict[str, Any]],
        produced: dict[str, dict[str, Any]] | None = None,
    ) -> NodeLookup:
        """Inputs, kernel, cache key and usable cache entry of a node whose upstream is done.

        The key covers the input artifacts' content hashes, the shipped files' and the
        restored files'; an entry whose artifacts are gone is not usable.
        """
        node = self.pipeline.node(nid)
        inputs, origin = plan.node_inputs(self.pipeline, node, self._params, outputs)
        data, kernel = plan.source_info(self.pipeline, node)
        made = self._files if produced is None else produced
        ids = {n.name: n.id for n in self.pipeline.nodes}
        spec = plan.node_spec(self.pipeline, node)
        files = runtime.produced_files(spec, lambda task: made.get(ids[task]))
        hashes = plan.shipped_hashes(self.pipeline, node)
        hashes.update({rel: artifacts.ref_from_json(ref).sha256 for rel, ref in files.items()})
        key = plan.cache_key(node, data, kernel, inputs, hashes)
        entry = self._store.cached(key) if self._may_use_cache(nid) else None
        if entry is not None and not self._intact(entry):
            entry = None
        return NodeLookup(inputs, origin, kernel, key, entry, data, files)

    def _intact(self, entry: dict[str, Any]) -> bool:
        """``_available``, each artifact hashed once per run (planning asks again at start)."""
        for value in _refs(entry):
            ref = artifacts.ref_from_json(value)
            seen = (ref.uri, ref.size, ref.sha256)
            if seen not in self._verified:
                self._verified[seen] = artifacts.is_intact(ref)
            if not self._verified[seen]:
                return False
        return True

    def _demand(self) -> list[KernelKey]:
        """Kernels the run will likely need, in order (nodes predicted not to be cached)."""
        predicted: dict[str, dict[str, Any] | None] = {}
        files: dict[str, dict[str, Any]] = {}
        demand = []
        for nid in self._records:
            node = self.pipeline.node(nid)
            if nid not in self._selected:
                latest = self._store.latest(nid)
                predicted[nid] = latest["outputs"] if latest else None
                files[nid] = dict(latest.get("files") or {}) if latest else {}
                continue
            entry = None
            if all(predicted.get(u) is not None for u in self.pipeline.upstream(nid)):
                try:
                    given = {k: v for k, v in predicted.items() if v is not None}
                    entry = self._lookup(nid, given, files).cached
                except RunError:
                    entry = None
            predicted[nid] = entry["outputs"] if entry else None
            files[nid] = dict(entry.get("files") or {}) if entry else {}
            if entry is None and not node.is_script:
                kernel = plan.source_info(self.pipeline, node)[1]
                folder = workdir.work_dir(self.run_dir, node)
                folder.mkdir(parents=True, exist_ok=True)  # a kernel starts in it ahead of need
                demand.append(kernel_key(kernel, str(folder), local.node_env(node)))
        return demand

    # -- the run ----------------------------------------------------------------------------
    def _run(self) -> Iterator[Event]:
        started = time.time()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        total = len(self._records)
        pool = None
        finished = False
        try:
            yield LogEvent(f"run folder: {self.run_dir}")
            for warning in self._warnings:
                yield LogEvent(warning, level=LogLevel.WARNING)
            for record in self._records.values():
                yield self._node_event(record)
            yield ProgressEvent(0, total, "prepare" if self.options.prepare_only else "run")
            if not self.options.prepare_only and not self._cancel.is_set():
                pool = KernelPool(self._demand(), self.options.max_jobs)
                pool.warm()
            while not self._cancel.is_set():
                yield from self._schedule(pool)
                if all(r.state.is_final for r in self._records.values()):
                    break
                yield from self._wait()
            if self._cancel.is_set():
                yield from self._wind_down()
            state = run_state(list(self._records.values()), self._cancel.is_set())
            report = summary(
                self.pipeline.path,
                self.pipeline.settings.name,
                self.run_dir,
                state,
                list(self._records.values()),
                started,
                self._options_json(),
            )
            report.write()
            self._store.prune()  # entries of run folders the user deleted
            finished = True
            yield RunFinished(state, report)
        finally:
            if not finished:  # the consumer stopped early or something broke: leave nothing
                self.cancel()
                self._join()
            if pool is not None:
                pool.close()
            self._lock.release()

    def _options_json(self) -> dict[str, Any]:
        o = self.options
        return {
            "parameters": self._params,
            "jobs": o.max_jobs,
            "prepare_only": o.prepare_only,
            "only": list(o.only),
            "from": o.from_node,
            "use_cache": o.use_cache,
        }

    def _wait(self) -> Iterator[Event]:
        """Wait briefly for worker news; yield what arrives; enforce timeouts."""
        try:
            item = self._queue.get(timeout=_TICK)
        except queue.Empty:
            item = None
        while item is not None or not self._queue.empty():
            if isinstance(item, tuple):
                yield from self._finish(item[1], item[2])
            elif item is not None:
                yield item
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
        now = time.time()
        for nid, task in list(self._tasks.items()):
            record = self._records[nid]
            limit = record.node.timeout_seconds
            since = task.running_since
            if limit and since and now - since > limit and not task.killed:
                task.kill("timeout")

    def _wind_down(self) -> Iterator[Event]:
        """After a cancel: wait for the killed nodes, then mark everything unfinished cancelled."""
        self._join()
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if isinstance(item, tuple):
                yield from self._finish(item[1], item[2])
        for record in self._records.values():
            if not record.state.is_final:
                record.state, record.detail = NodeState.CANCELLED, "run cancelled"
                yield self._node_event(record)

    def _join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=30)

    # -- scheduling -------------------------------------------------------------------------
    def _schedule(self, pool: KernelPool | None) -> Iterator[Event]:
        for nid, record in self._records.items():
            if record.state not in (NodeState.PENDING, NodeState.QUEUED):
                continue
            ups = [self._records[u] for u in self.pipeline.upstream(nid)]
            if not all(u.state.is_final for u in ups):
                continue
            bad = next((u for u in ups if not u.state.is_ok), None)
            if bad is not None:
                yield from self._settle(
                    record, NodeState.SKIPPED, f"upstream {bad.node.name} {bad.state.value}"
                )
            elif nid not in self._selected:
                yield from self._reuse(record)
            elif self.options.prepare_only:
                yield from self._prepare(record)
            else:
                yield from self._start_or_queue(record, pool)

    def _settle(self, record: NodeRecord, state: NodeState, detail: str = "") -> Iterator[Event]:
        record.state, record.detail = state, detail
        if state.is_ok:
            self._outputs[record.node.id] = record.outputs
            self._files[record.node.id] = record.files
        yield self._node_event(record)
        done = sum(r.state.is_final for r in self._records.values())
        yield ProgressEvent(done, len(self._records), "run")

    def _reuse(self, record: NodeRecord) -> Iterator[Event]:
        latest = self._store.latest(record.node.id)
        if latest is None:
            yield from self._settle(record, NodeState.SKIPPED, "not selected")
            return
        record.outputs, record.mode = latest["outputs"], RunMode.REUSED
        record.files = dict(latest.get("files") or {})
        record.reused_from, record.notebook = latest.get("run_dir", ""), latest.get("notebook", "")
        yield from self._settle(
            record,
            NodeState.CACHED,
            f"not selected: outputs of run {Path(record.reused_from).name}",
        )

    def _prepare(self, record: NodeRecord) -> Iterator[Event]:
        node = record.node
        try:
            found = self._lookup(node.id, self._outputs)
            record.inputs, record.input_sources = found.inputs, found.sources
            problem = plan.input_problem(node, record.inputs)
            if problem:
                raise RunError(problem)
            path = prepare_node(
                node, self.pipeline.source_path(node), record.inputs, found.kernel, self.run_dir
            )
        except Exception as exc:  # noqa: BLE001 - a node's problem goes in its report entry
            kind = FailureKind.PLAN if isinstance(exc, RunError) else FailureKind.RUNNER
            record.error = NodeFailure.from_exception(exc, kind)
            yield from self._settle(record, NodeState.FAILED, record.error.line)
            return
        record.notebook, record.mode = str(path), RunMode.PREPARED
        latest = self._store.latest(node.id)
        record.outputs = dict(node.sample_outputs) or (latest["outputs"] if latest else {})
        yield from self._settle(record, NodeState.SUCCEEDED, "prepared (not run)")

    def _start_or_queue(self, record: NodeRecord, pool: KernelPool | None) -> Iterator[Event]:
        node = record.node
        if record.state == NodeState.PENDING:
            try:
                found = self._lookup(node.id, self._outputs)
            except RunError as exc:
                record.error = NodeFailure.from_exception(exc, FailureKind.PLAN)
                yield from self._settle(record, NodeState.FAILED, str(exc))
                return
            record.inputs, record.input_sources = found.inputs, found.sources
            record.cache_key, kernel, entry = found.cache_key, found.kernel, found.cached
            problem = plan.input_problem(node, record.inputs)
            if problem:
                record.error = NodeFailure(FailureKind.INPUT, "InputError", problem)
                yield from self._settle(record, NodeState.FAILED, problem)
                return
            missing = plan.missing_input(record.inputs, record.input_sources)
            if missing:
                record.error = NodeFailure(FailureKind.INPUT, "MissingArtifactError", missing)
                yield from self._settle(record, NodeState.FAILED, missing)
                return
            if entry is not None:
                record.outputs, record.mode = entry["outputs"], RunMode.CACHED
                record.files = dict(entry.get("files") or {})
                record.reused_from, record.notebook = (
                    entry.get("run_dir", ""),
                    entry.get("notebook", ""),
                )
                self._store.record(node.id, entry)
                yield from self._settle(
                    record, NodeState.CACHED, f"cached: same as run {Path(record.reused_from).name}"
                )
                return
            record.notes = local.local_notes(node)
            gpu_job = record.notes and node.kind in local.LIBRARIES  # Spark's notes: local Spark
            record.mode = RunMode.CPU if gpu_job else RunMode.LOCAL
            record.kernel = kernel
            self._jobs[node.id] = NodeJob(
                self.pipeline.source_path(node),
                found.source,
                record.inputs,
                kernel,
                self.run_dir,
                found.files,
                {k: v.split(".")[0] for k, v in record.input_sources.items() if "." in v},
            )
        if len(self._tasks) >= self.options.max_jobs:
            if record.state != NodeState.QUEUED:
                record.state = NodeState.QUEUED
                yield self._node_event(record)
            return

        def log(line: str, n: Node = node) -> None:
            self._queue.put(LogEvent(line, n.id, n.name))

        shown = self.pipeline.path.name if self.pipeline.path else "PIPELINE"
        task = NodeTask(node, self._jobs[node.id], pool, log, shown)
        self._tasks[node.id] = task
        record.state, record.started_at = NodeState.RUNNING, time.time()
        record.notebook = "" if node.is_script else str(task.notebook)
        record.log = str(task.log)
        record.detail = "; ".join(record.notes)
        thread = threading.Thread(
            target=self._work, args=(task,), daemon=True, name=f"node-{node.name}"
        )
        self._threads.append(thread)
        thread.start()
        yield self._node_event(record)

    def _work(self, task: NodeTask) -> None:
        try:
            outcome = task.run()
        except Exception as exc:  # noqa: BLE001 - reported as the node's failure
            failure = NodeFailure.from_exception(exc)
            failure = replace(failure, message=failure.message + kernel_hint(exc))
            outcome = Outcome(NodeState.FAILED, detail=failure.line, error=failure)
        self._queue.put(("done", task.node.id, outcome))

    def _finish(self, nid: str, outcome: Outcome) -> Iterator[Event]:
        record = self._records[nid]
        self._tasks.pop(nid, None)
        record.ended_at = time.time()
        outputs = dict(outcome.outputs)
        record.files = dict(outputs.pop(runtime.FILES_KEY, None) or {})
        record.outputs, record.error = outputs, outcome.error
        state, detail = outcome.state, outcome.detail
        if record.error is not None and record.notebook:
            record.error = replace(record.error, notebook=record.notebook)
        if state == NodeState.FAILED and record.error:
            missing = local.missing_gpu_module(record.error.type, record.error.message)
            if missing and local.can_sample(record.node):
                state, record.mode = NodeState.SAMPLED, RunMode.SAMPLED
                record.outputs = {
                    p.name: record.node.sample_outputs[p.name] for p in record.node.outputs
                }
                detail = f"{missing} is not available here: used the node's sample outputs"
                self._store.record(nid, self._entry(record, sampled=True))
            elif missing:
                detail += (
                    f" ({missing} is not available here; declare sample outputs on the "
                    "node to let downstream nodes run)"
                )
            elif module := local.missing_module(record.error.type, record.error.message):
                detail += f" (install it: {local.install_hint(module)})"
        if record.error is not None and record.error.type == "CorruptArtifactError":
            self._forget_changed_upstream(nid)
        if state == NodeState.SUCCEEDED:
            self._store.record(nid, self._entry(record), record.cache_key)
            detail = "; ".join(record.notes)
        yield from self._settle(record, state, detail)

    def _forget_changed_upstream(self, nid: str) -> None:
        """A node refused a changed artifact: drop the cache entries of the upstream nodes
        whose artifacts no longer verify, so the next run makes them again."""
        for up in self.pipeline.upstream(nid):
            upstream = self._records[up]
            entry = {"outputs": upstream.outputs, "files": upstream.files}
            if upstream.cache_key and not _available(entry):
                self._store.forget(upstream.cache_key)

    def _entry(self, record: NodeRecord, sampled: bool = False) -> dict[str, Any]:
        return {
            "outputs": record.outputs,
            "files": record.files,
            "run_dir": str(self.run_dir),
            "node": record.node.name,
            "notebook": record.notebook,
            "sampled": sampled,
            "at": record.ended_at,
        }

    def _node_event(self, record: NodeRecord) -> NodeEvent:
        data: dict[str, Any] = {"mode": record.mode.value}
        if record.state.is_final or record.state == NodeState.RUNNING:
            data.update(
                started_at=record.started_at,
                ended_at=record.ended_at,
                duration_s=record.duration,
                notebook=record.notebook,
                log=record.log,
                inputs=record.inputs,
            )
        if record.state.is_ok:
            data["outputs"] = record.outputs
        if record.error:
            data["error"] = record.error.to_json()
        return NodeEvent(
            record.node.id, record.node.name, record.state, record.detail, data, record.error
        )


def _available(entry: dict[str, Any]) -> bool:
    """Whether every artifact a cache entry names is still there as written (size and hash
    checked): a cache hit on a changed or truncated artifact would fail every later run."""
    return all(artifacts.is_intact(v) for v in _refs(entry))


def _refs(entry: dict[str, Any]) -> list[Any]:
    values = [*entry.get("outputs", {}).values(), *(entry.get("files") or {}).values()]
    return [v for v in values if artifacts.is_ref(v)]


def _check_encodable(run_dir: Path, pipeline: Pipeline) -> None:
    """Paths go into the kernels' cells and the run's JSON files, which are UTF-8: a folder
    whose name is not (bytes of another encoding) is refused in one line."""
    for what, path in (("run folder", run_dir), ("pipeline folder", pipeline.base_dir)):
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = str(path).encode("utf-8", "replace").decode("utf-8")
            raise RunError(
                f"{what} {shown}: its name is not valid UTF-8, which notebooks and the run "
                "record need; rename the folder (or choose another --run-dir)"
            ) from exc


def kernel_hint(exc: BaseException) -> str:
    """A way on when a kernel cannot start (unknown kernel, or a Python without ipykernel)."""
    text = f"{type(exc).__name__}: {exc}"
    if "NoSuchKernel" in text or "No such kernel" in text:
        return " (install that kernel, or set the node's kernel to one `jupyter kernelspec list` shows)"
    if "Kernel died before replying" in text or "ipykernel" in text:
        return (
            " (the kernel's Python needs ipykernel: `python3 -m pip install ipykernel`; "
            "set STITCHBOARD_PYTHON to choose the Python)"
        )
    return ""
