"""The deploy bundle: every file that must land in the DAG folder, with a digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from exporters.errors import ExportError
from graph_editor.atomic import atomic_write_bytes


@dataclass(frozen=True)
class Bundle:
    """An exported pipeline: the DAG module and what travels with it (relative posix paths)."""

    dag_id: str
    dag_file_name: str
    dag_source: str
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """sha256 over file names and contents (same bundle, same digest)."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            data = self.files[name]
            h.update(f"{name}\0{len(data)}\0".encode())
            h.update(data)
        return h.hexdigest()

    def write(self, folder: str | Path) -> list[Path]:
        """Write every file under ``folder`` atomically (temp file + rename); returns the paths."""
        root = Path(folder)
        written = []
        for name in sorted(self.files):
            target = root.joinpath(*name.split("/"))
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(target, self.files[name])
            except OSError as exc:
                raise ExportError(f"{target}: cannot write ({exc.strerror or exc})") from exc
            written.append(target)
        return written
