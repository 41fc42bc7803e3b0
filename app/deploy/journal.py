"""Transactional deploys: one lock per target and DAG, and a journal of the previous files.

Before delivering, deploy writes a journal holding the files it is about to replace; it removes
the journal once Airflow serves the new version or once the previous files are back. A journal
found later means a deploy process died in between (SIGKILL, power cut): the next deploy or
``runs`` for that DAG puts the previous files back first. The lock (``fcntl.flock``, released
by the kernel when its process dies) serialises deploys of one DAG to one target, so two deploys
never see each other's files or import errors. Folder targets keep both beside the DAG folder's
files (dot files Airflow does not parse), so every machine that mounts the folder shares them;
git and S3 targets keep them in this machine's state folder, keyed by target and DAG id (a
local lock: deploys from two machines to one repository or bucket are not serialised).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from app.deploy.errors import TargetNotWritable
from app.deploy.identity import sha256
from app.deploy.targets import DeliveryTarget, Previous
from graph_editor.atomic import atomic_write_bytes

VERSION = 1


def journal_path(target: DeliveryTarget, dag_id: str) -> Path:
    return target.state_dir() / f".stitchboard-deploy-{dag_id}.journal.json"


def lock_path(target: DeliveryTarget, dag_id: str) -> Path:
    return target.state_dir() / f".stitchboard-deploy-{dag_id}.lock"


@dataclass(frozen=True)
class Journal:
    """An unfinished deploy: what was there before and what it delivered instead."""

    dag_id: str
    target: str
    digest: str
    previous: Previous
    delivered: dict[str, str | None]  # name -> sha256 of the delivered bytes (None: deleted)
    started: float
    pid: int

    def to_bytes(self) -> bytes:
        data = {
            "version": VERSION,
            "dag_id": self.dag_id,
            "target": self.target,
            "digest": self.digest,
            "previous": {
                n: None if b is None else base64.b64encode(b).decode()
                for n, b in self.previous.items()
            },
            "delivered": self.delivered,
            "started": self.started,
            "pid": self.pid,
        }
        return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Journal:
        raw = json.loads(data)
        return cls(
            dag_id=str(raw["dag_id"]),
            target=str(raw["target"]),
            digest=str(raw["digest"]),
            previous={
                n: None if b is None else base64.b64decode(b) for n, b in raw["previous"].items()
            },
            delivered=dict(raw["delivered"]),
            started=float(raw["started"]),
            pid=int(raw["pid"]),
        )


def begin(
    target: DeliveryTarget, dag_id: str, digest: str, previous: Previous, files: Previous
) -> Journal:
    """Record the previous files before anything is delivered (fsync'd, so it survives a crash)."""
    journal = Journal(
        dag_id=dag_id,
        target=target.describe(),
        digest=digest,
        previous=dict(previous),
        delivered={n: None if b is None else sha256(b) for n, b in files.items()},
        started=time.time(),
        pid=os.getpid(),
    )
    target.prepare_state_dir()
    path = journal_path(target, dag_id)
    try:
        atomic_write_bytes(path, journal.to_bytes(), mode=0o600)
    except OSError as exc:
        raise TargetNotWritable(
            f"cannot write the deploy journal {path}: {exc.strerror or exc}"
        ) from exc
    return journal


def finish(target: DeliveryTarget, dag_id: str) -> None:
    """The deploy is settled (verified, or rolled back): forget the journal."""
    journal_path(target, dag_id).unlink(missing_ok=True)


def roll_back(target: DeliveryTarget, journal: Journal, message: str) -> None:
    """Put the journal's previous files back, then forget it (it stays if writing fails)."""
    target.write(dict(journal.previous), message)
    finish(target, journal.dag_id)


def recover(target: DeliveryTarget, dag_id: str) -> str | None:
    """Finish a deploy that died half-way (call with the lock held); a line saying what was done."""
    path = journal_path(target, dag_id)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TargetNotWritable(f"cannot read the deploy journal {path}: {exc.strerror}") from exc
    try:
        journal = Journal.from_bytes(data)
    except (ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return f"ignored an unreadable deploy journal {path.name} and removed it"
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(journal.started))
    current = target.read(sorted(journal.previous))
    still_ours = all(
        (None if current.get(n) is None else sha256(current[n] or b"")) == sha
        for n, sha in journal.delivered.items()
    )
    if all(current.get(n) == b for n, b in journal.previous.items()):
        finish(target, dag_id)
        return None
    if not still_ours:
        finish(target, dag_id)
        return (
            f"a deploy of {dag_id} interrupted at {when} left a journal, but the files on "
            f"{target.describe()} changed since: left them as they are"
        )
    roll_back(
        target, journal, f"Restore {dag_id}: a deploy interrupted at {when} was never verified"
    )
    return (
        f"restored the previous version of {dag_id} on {target.describe()}: a deploy "
        f"interrupted at {when} (pid {journal.pid}) had left an unverified version"
    )


class DeployLock:
    """The lock of one DAG on one target (``fcntl.flock``; the kernel drops it if we die)."""

    def __init__(self, target: DeliveryTarget, dag_id: str) -> None:
        self.target = target
        self.path = lock_path(target, dag_id)
        self._fd: int | None = None

    def acquire(self, *, wait: bool = True) -> bool:
        """Take the lock; without ``wait``, False when another deploy holds it."""
        if self._fd is None:
            self.target.prepare_state_dir()
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise TargetNotWritable(
                    f"cannot open the deploy lock {self.path}: {exc.strerror}"
                ) from exc
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        except BaseException:
            self.release()
            raise
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None
