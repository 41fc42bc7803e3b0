"""Running one node: a notebook on a pooled kernel, or a script job through the runtime's CLI.

Both go through ``resources/runtime/stitchboard_runtime.py``, the file the exported DAGs ship,
so values are injected and collected exactly as on the cluster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from app.events import NodeState
from app.runner import local, reaper, workdir
from app.runner.failure import FailureKind, NodeFailure
from app.runner.failures import explain_failure
from app.runner.kernels import KernelPool, close_clients, kernel_key, kill_kernel_group
from app.runner.workdir import NodeJob
from graph_editor import spark
from graph_editor.nodes import Node, NodeKind
from graph_editor.notebook import is_jupytext_file
from graph_editor.types import PortType
from resources.runtime import stitchboard_artifacts as artifacts
from resources.runtime import stitchboard_runtime as runtime

RUNTIME_FILE = Path(str(resources.files("resources.runtime") / "stitchboard_runtime.py"))


@dataclass(frozen=True)
class Outcome:
    """How a node's execution ended."""

    state: NodeState
    outputs: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    error: NodeFailure | None = None


class LogWriter:
    """A file-like sink for a node's output: appends to its log file and reports each line."""

    def __init__(self, path: Path, on_line: Callable[[str], None]) -> None:
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._on_line = on_line
        self._partial = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._file.write(text)
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()
        for line in lines:
            self._on_line(line)
        return len(text)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if self._partial:
            self._on_line(self._partial)
            self._partial = ""
        self._file.close()


class NodeTask:
    """One node's execution; ``kill`` (timeout or cancel) may be called from another thread."""

    def __init__(
        self,
        node: Node,
        job: NodeJob,
        pool: KernelPool | None,
        on_line: Callable[[str], None],
        pipeline_file: str = "PIPELINE",
    ) -> None:
        self.node = node
        self.job = job
        self.source = job.source
        self.inputs = job.inputs
        self.kernel = job.kernel
        self.pool = pool
        self.on_line = on_line
        self.pipeline_file = pipeline_file
        run_dir = job.run_dir
        self.work = workdir.work_dir(run_dir, node)
        self.notebook = run_dir / f"{node.name}.ipynb"
        self.log = run_dir / f"{node.name}.log"
        self.outputs_file = run_dir / f"{node.name}.outputs.json"
        self.manifest = run_dir / f"{node.name}.inputs.json"
        self.killed = ""  # "timeout" or "cancel" once killed
        # When the node's own code began (kernel ready or script started): a node's timeout
        # counts its execution, not the wait for a kernel (a kernel start under load took >2 s).
        self.running_since: float | None = None
        self._lock = threading.Lock()
        self._km: Any = None
        self._proc: subprocess.Popen[str] | None = None

    @property
    def output_names(self) -> list[str]:
        return [p.name for p in self.node.outputs]

    def kill(self, reason: str) -> None:
        """Stop the node now: kill its kernel or script and everything they started."""
        with self._lock:
            self.killed = self.killed or reason
            km, proc = self._km, self._proc
        if km is not None:
            kill_kernel_group(km)
        if proc is not None and proc.poll() is None:
            reaper.kill_tree(proc.pid)

    def _cell_started(self, **_cell: Any) -> None:
        # nbclient's hook: the kernel answered and runs the first cell; the clock starts here.
        if self.running_since is None:
            self.running_since = time.time()

    def run(self) -> Outcome:
        self.outputs_file.unlink(missing_ok=True)
        try:
            own = workdir.build(self.node, self.job, self.work)
        except artifacts.ArtifactError as exc:
            return _failed(FailureKind.INPUT, type(exc).__name__, str(exc))
        lacking = spark.missing_here() if self.node.kind == NodeKind.SPARK else ""
        if lacking:
            return _failed(
                FailureKind.RUNNER, "SparkNotInstalled", f"Spark cannot run here: {lacking}"
            )
        if self.node.is_script and not is_jupytext_file(self.source):
            outcome = self._run_script(own)
        else:
            outcome = self._run_notebook(own)
        if self.killed:
            return self._killed_outcome()
        return outcome

    def _killed_outcome(self) -> Outcome:
        if self.killed == "timeout":
            detail = f"timed out after {self.node.timeout_seconds} s"
            return Outcome(
                NodeState.FAILED,
                detail=detail,
                error=NodeFailure(FailureKind.TIMEOUT, "Timeout", detail),
            )
        return Outcome(NodeState.CANCELLED, detail="cancelled")

    # -- notebooks --------------------------------------------------------------------------
    def _run_notebook(self, own: Path) -> Outcome:
        try:
            nb = runtime.prepare_notebook(
                own,
                self.inputs,
                self.output_names,
                self.outputs_file,
                self.kernel,
                store=self.job.store,
                prefix=(self.node.name,),
                manifest_path=self.manifest,
                producers=self.job.producers,
            )
        except artifacts.ArtifactError as exc:
            return _failed(FailureKind.INPUT, type(exc).__name__, str(exc))
        assert self.pool is not None
        km = self.pool.acquire(kernel_key(self.kernel, str(self.work), local.node_env(self.node)))
        with self._lock:
            self._km = km
        if self.killed:
            kill_kernel_group(km)
        log = LogWriter(self.log, self.on_line)
        try:
            # cwd: the kernel already runs in the node's working folder; papermill's chdir is
            # process-wide, so it gets the current folder (a no-op) to stay thread-safe.
            runtime.execute_notebook(
                nb,
                self.notebook,
                os.getcwd(),
                self.kernel,
                km=km,
                stdout_file=log,
                stderr_file=log,
                on_cell_start=self._cell_started,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes a report entry
            return self._notebook_failure(nb, exc)
        finally:
            log.close()
            close_clients(km)
            self.pool.release(km)
        return self._collect()

    def _notebook_failure(self, nb: Any, exc: Exception) -> Outcome:
        error = explain_failure(exc, nb, self.source, self.notebook)
        hint = workdir.undeclared_file_hint(self.node, error.message, self.pipeline_file)
        if hint:  # the line a pod prints for it (parity), kept where the cell is
            error = replace(error, type=runtime.MissingFileError.__name__, message=hint)
            return Outcome(NodeState.FAILED, detail=hint, error=error)
        return Outcome(NodeState.FAILED, detail=error.headline, error=error)

    def _collect(self, produced: bool = True) -> Outcome:
        try:
            runtime.finish_outputs(self.outputs_file, self.job.store, (self.node.name,))
            outputs = runtime.read_outputs(self.outputs_file, self.output_names)
            if produced and self.node.produces:
                outputs[runtime.FILES_KEY] = runtime.store_produced(
                    self.work, tuple(self.node.produces), self.job.store, (self.node.name,)
                )
        except (runtime.OutputError, artifacts.ArtifactError) as exc:
            return _failed(FailureKind.OUTPUT, "OutputError", str(exc))
        return Outcome(NodeState.SUCCEEDED, outputs=outputs)

    # -- scripts ----------------------------------------------------------------------------
    def _run_script(self, own: Path) -> Outcome:
        command = [
            sys.executable,
            str(RUNTIME_FILE),
            str(own),
            "--params",
            json.dumps(self.inputs),
            "--outputs",
            ",".join(self.output_names),
            "--result",
            str(self.outputs_file),
            "--store",
            self.job.store,
            "--prefix",
            self.node.name,
            "--path-outputs",
            ",".join(p.name for p in self.node.outputs if p.type is PortType.PATH),
            "--producers",
            json.dumps(dict(self.job.producers)),
        ]
        env = dict(os.environ, **local.node_env(self.node))
        env.pop("TF_CONFIG", None)
        log = LogWriter(self.log, self.on_line)
        lines: list[str] = []
        try:
            with self._lock:
                if self.killed:
                    return self._killed_outcome()
                self._proc = subprocess.Popen(
                    command,
                    cwd=str(self.work),
                    env=env,
                    text=True,
                    bufsize=1,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                self.running_since = time.time()
            code = self._wait_script(self._proc, lines, log)
        finally:
            log.close()
        if code != 0:
            return self._script_failure(lines, code)
        return self._collect()

    def _wait_script(self, proc: subprocess.Popen[str], lines: list[str], log: LogWriter) -> int:
        """Wait for the script itself, then kill what it left running (its process group).

        Its children inherit its stdout; reading that pipe to the end would wait for them too
        (a 1 s script whose child slept 600 s held its node 601 s).
        """
        reaper.watch(proc.pid)

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                log.write(line)

        reader = threading.Thread(target=pump, daemon=True, name=f"log-{self.node.name}")
        reader.start()
        code = proc.wait()
        reaper.kill_tree(proc.pid)  # what it left running, in its group or its own session
        reaper.forget(proc.pid)
        reader.join(timeout=10)
        return code

    def _script_failure(self, lines: list[str], code: int) -> Outcome:
        at = next((i for i, line in enumerate(lines) if runtime.EXCEPTION_LINE.match(line)), -1)
        found = runtime.EXCEPTION_LINE.match(lines[at]) if at >= 0 else None
        if found:
            ename, evalue = found.group(1).rsplit(".", 1)[-1], found.group(2)
            cause = lines[at + 1] if at + 1 < len(lines) else ""
            if "An error occurred while calling" in evalue and cause.startswith(": "):
                evalue += " " + cause[2:].strip()  # Py4J (Spark) puts the Java cause there
        elif r_error := next(
            (m for m in map(runtime.R_ERROR_LINE.match, reversed(lines)) if m), None
        ):  # R's own error line ("Error in f(x) : message"), not "Execution halted"
            ename, evalue = "RError", r_error.group(1)
        else:
            ename, evalue = "ScriptError", f"{self.source.name} exited with code {code}"
        hint = workdir.undeclared_file_hint(self.node, evalue, self.pipeline_file)
        if hint:  # the line a pod prints for it (parity)
            ename = runtime.MissingFileError.__name__
        error = NodeFailure(
            FailureKind.SCRIPT, ename, hint or evalue, log=str(self.log), exit_code=code
        )
        return Outcome(NodeState.FAILED, detail=hint or error.headline, error=error)


def _failed(kind: FailureKind, ename: str, line: str) -> Outcome:
    return Outcome(NodeState.FAILED, detail=line, error=NodeFailure(kind, ename, line))
