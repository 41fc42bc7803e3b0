"""Delivery targets: put a bundle's files where the cluster's DAG processor reads them.

Each target reads the files it holds now (so an unchanged bundle is not delivered again and a
rejected one can be rolled back), writes a new set atomically, and puts an old set back.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path, PurePosixPath

import platformdirs

from app.deploy.errors import TargetNotWritable
from app.settings import Profile, TargetKind
from graph_editor.atomic import atomic_write_bytes

Files = dict[str, bytes]
Previous = dict[str, bytes | None]  # None: the file did not exist before


def check_name(name: str) -> str:
    """A bundle file name must be a plain relative posix path (no ``..``, no absolute path)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise TargetNotWritable(f"bundle file {name!r} is not a plain relative path")
    return str(path)


class DeliveryTarget(ABC):
    """Where a profile's bundles go."""

    @abstractmethod
    def describe(self) -> str:
        """One line naming the place, for messages."""

    @abstractmethod
    def read(self, names: list[str]) -> Previous:
        """The current content of each named file (None when absent)."""

    @abstractmethod
    def write(self, files: Previous, message: str) -> None:
        """Write (bytes) or delete (None) files, as one atomic-as-possible step."""

    @abstractmethod
    def check_writable(self) -> str:
        """Raise ``TargetNotWritable`` unless a bundle could be delivered; else a verdict."""

    def relative_path(self, name: str) -> str:
        """The file's path relative to the DAG bundle root (as Airflow reports ``fileloc``)."""
        return name

    def state_dir(self) -> Path:
        """Where deploy keeps this target's locks and journals (``app.deploy.journal``):
        this machine's state folder, one subfolder per target."""
        key = hashlib.sha256(self.describe().encode()).hexdigest()[:16]
        state = Path(platformdirs.user_state_dir("stitchboard", appauthor=False))
        return state / "deploy" / key

    def prepare_state_dir(self) -> Path:
        """``state_dir``, created if needed (``TargetNotWritable`` when it cannot be)."""
        path = self.state_dir()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TargetNotWritable(f"cannot create {path}: {exc.strerror or exc}") from exc
        return path

    def deliver(self, files: Files, message: str) -> Previous | None:
        """Write ``files``; returns what was there before, or None when nothing changed."""
        names = [check_name(n) for n in files]
        previous = self.read(names)
        if all(previous.get(n) == files[n] for n in names):
            return None
        self.write(dict(files), message)
        return previous


class FolderTarget(DeliveryTarget):
    """A mounted DAG folder (PVC, NFS, or a local Airflow's ``dags`` folder)."""

    def __init__(self, path: str | Path) -> None:
        self.root = Path(path).expanduser()

    def describe(self) -> str:
        return f"folder {self.root}"

    def state_dir(self) -> Path:
        return self.root  # beside the DAG files: every machine mounting the folder sees them

    def prepare_state_dir(self) -> Path:
        if not self.root.is_dir():  # never create a DAG folder that is not mounted
            raise TargetNotWritable(f"DAG folder {self.root} does not exist (is it mounted?)")
        return self.root

    def _path(self, name: str) -> Path:
        return self.root.joinpath(*PurePosixPath(check_name(name)).parts)

    def read(self, names: list[str]) -> Previous:
        found: Previous = {}
        for name in names:
            try:
                found[name] = self._path(name).read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                found[name] = None
            except OSError as exc:
                raise TargetNotWritable(
                    f"{self._path(name)}: cannot read ({exc.strerror})"
                ) from exc
        return found

    def write(self, files: Previous, message: str) -> None:
        if not self.root.is_dir():
            raise TargetNotWritable(f"DAG folder {self.root} does not exist (is it mounted?)")
        for name, data in sorted(files.items()):
            target = self._path(name)
            try:
                if data is None:
                    target.unlink(missing_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                # A dot-name temp file in the same folder: Airflow skips it; rename is atomic.
                atomic_write_bytes(target, data, mode=0o644)
            except OSError as exc:
                raise TargetNotWritable(f"cannot write {target}: {exc.strerror or exc}") from exc

    def check_writable(self) -> str:
        if not self.root.is_dir():
            raise TargetNotWritable(f"DAG folder {self.root} does not exist (is it mounted?)")
        try:
            fd, tmp = tempfile.mkstemp(prefix=".stitchboard-probe.", dir=self.root)
            os.close(fd)
            os.unlink(tmp)
        except OSError as exc:
            raise TargetNotWritable(
                f"DAG folder {self.root} is not writable: {exc.strerror or exc}"
            ) from exc
        return f"DAG folder {self.root} is writable"


def make_target(profile: Profile) -> DeliveryTarget:
    """The delivery target a profile names."""
    spec = profile.target
    if spec.kind == TargetKind.GIT:
        from app.deploy.gittarget import GitTarget

        return GitTarget(profile.name, spec.repo, spec.branch, spec.subfolder)
    if spec.kind == TargetKind.S3:
        from app.deploy.s3target import S3Target

        return S3Target(
            profile.name,
            spec.bucket,
            spec.prefix,
            spec.endpoint,
            spec.region,
            verify=profile.verify_tls and (profile.ca_bundle or True),
        )
    return FolderTarget(spec.path)
