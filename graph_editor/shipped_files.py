"""What a node may put into its task's working folder: nothing from outside its notebook's
folder, and nothing that takes the place of the runtime.

A declared shipped file (``Node.files``) is packed into the DAG (or the bundle) and copied into
the dry-run's working folder. A symbolic link in it that points outside the notebook's folder
would be followed silently, and what it points at (a credentials file, say) packed into the
DAG. The runtime's own files (``resources/runtime``) lie at the top of every task's working
folder, beside the notebook: a shipped or produced file of the same name would replace one of
them and every Airflow run would fail, although the dry-run (which imports the runtime from
the application) passes. Both are refused when the pipeline is validated.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path, PurePosixPath

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "resources" / "runtime"


@cache
def runtime_names() -> frozenset[str]:
    """The names of the files every task gets beside its notebook (the shipped runtime)."""
    return frozenset(
        p.name
        for p in RUNTIME_DIR.iterdir()
        if p.suffix in (".py", ".R") and not p.name.startswith("__")
    )


def takes_runtime_place(rel: str) -> bool:
    """Whether a path relative to the working folder would replace a runtime file."""
    parts = PurePosixPath(rel.replace("\\", "/").removeprefix("./")).parts
    return len(parts) == 1 and parts[0] in runtime_names()


def _outside(link: Path, root: Path) -> str:
    try:
        target = link.resolve()
    except (OSError, RuntimeError):  # a loop
        return str(link.readlink()) if link.is_symlink() else str(link)
    return "" if target.is_relative_to(root) else str(target)


def link_outside(folder: Path, rel: str) -> tuple[str, str]:
    """The first symbolic link at or below ``folder/rel`` that points outside ``folder``:
    (its path relative to ``folder``, where it points), or ("", "") when there is none."""
    root = folder.resolve()
    path = folder / rel
    parts = PurePosixPath(rel).parts
    for i in range(1, len(parts) + 1):  # a linked folder on the way counts too
        step = folder.joinpath(*parts[:i])
        if step.is_symlink():
            target = _outside(step, root)
            if target:
                return "/".join(parts[:i]), target
    if not path.is_dir():
        return "", ""
    for here, dirs, files in os.walk(path):  # links to folders are listed, never entered
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            entry = Path(here) / name
            if entry.is_symlink():
                target = _outside(entry, root)
                if target:
                    return entry.relative_to(folder).as_posix(), target
    return "", ""
