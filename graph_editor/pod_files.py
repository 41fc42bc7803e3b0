"""Without an artifact store, every file a pod needs travels in its environment: check that
the node's declared shipped files fit as the export will pack them.

Each file is one environment variable (zlib-compressed, base64-encoded), so each must stay
under Linux's limit per variable, and all of them together (with the runtime's files and the
notebook) under the size Kubernetes accepts for a pod. ``validate --backend kubernetes`` said
"OK" to a shipped folder the export then refused.
"""

from __future__ import annotations

import base64
import zlib
from functools import lru_cache
from pathlib import Path

from graph_editor.issues import Issue, error
from graph_editor.limits import ENV_STRING_MAX, POD_SPEC_MAX, env_string_size
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.shipped_files import RUNTIME_DIR, runtime_names

FILE_ENV = "STITCHBOARD_FILE_" + "0" * 16  # a pod variable carrying a file (no store)
HINT = "set an artifact store: pods then fetch their code and files from it"


@lru_cache(maxsize=4096)
def _packed(path: str, stamp: tuple[int, int]) -> int:
    """Bytes of ``FILE_ENV=<packed file>``; compressed only when the raw bound is too big."""
    size = stamp[1]
    bound = 4 * ((size + size // 1000 + 64 + 2) // 3)  # zlib never grows data past this
    if env_string_size(FILE_ENV, "") + bound <= ENV_STRING_MAX // 8:
        return env_string_size(FILE_ENV, "") + bound
    data = Path(path).read_bytes()
    return env_string_size(FILE_ENV, "") + len(base64.b64encode(zlib.compress(data, 9)))


def _size(path: Path) -> int:
    info = path.stat()
    return _packed(str(path), (info.st_mtime_ns, info.st_size))


def _declared(folder: Path, declared: tuple[str, ...]) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for rel in declared:
        path = folder / rel
        if path.is_dir():
            found += [(p.relative_to(folder).as_posix(), p) for p in sorted(path.rglob("*"))]
        else:
            found.append((rel, path))
    return [(rel, p) for rel, p in found if p.is_file()]


def _runtime_size() -> int:
    return sum(_size(RUNTIME_DIR / name) for name in sorted(runtime_names()))


def shipped_file_issues(pipeline: Pipeline, node: Node, code_size: int) -> list[Issue]:
    """Errors for shipped files a pod without a store could not get (``code_size``: the
    notebook's own variable, already checked)."""
    folder = pipeline.source_path(node).parent
    try:
        sizes = [(rel, _size(path)) for rel, path in _declared(folder, node.files)]
    except OSError:
        return []  # the file rules report an unreadable file
    for rel, size in sizes:
        if size > ENV_STRING_MAX:
            return [
                error(
                    "file-too-large-for-pod",
                    f"shipped file {rel!r} travels in its pod's environment, and packed it "
                    f"takes {size:,} bytes; Linux allows {ENV_STRING_MAX:,} per variable ({HINT})",
                    node,
                    field="files",
                )
            ]
    total = sum(s for _, s in sizes) + code_size + _runtime_size()
    if sizes and total > POD_SPEC_MAX:
        return [
            error(
                "files-too-large-for-pod",
                f"the shipped files travel in its pod's environment, which would take about "
                f"{total:,} bytes; Kubernetes accepts a pod of at most {POD_SPEC_MAX:,} ({HINT})",
                node,
                field="files",
            )
        ]
    return []
