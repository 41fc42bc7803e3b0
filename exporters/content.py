"""What travels with a DAG: stripped notebooks, scripts and the runtime, content-addressed."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from exporters.errors import ExportError
from graph_editor.notebook import is_jupytext_text
from graph_editor.sources import read_source_text

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "resources" / "runtime"
RUNTIME_PATH = RUNTIME_DIR / "stitchboard_runtime.py"
# What every task needs beside its notebook: the runtime, the artifact layer it uses (with the
# integrity checks it imports), and the task module (a pod runs ``run_in_pod`` from it;
# workers have it inlined and skip it).
# The R bridge (its Python half and ``stitchboard.R``) travels too: R nodes run with it.
SUPPORT_FILES = (
    "stitchboard_runtime.py",
    "stitchboard_integrity.py",
    "stitchboard_artifacts.py",
    "stitchboard_rlang.py",
    "stitchboard.R",
    "stitchboard_task.py",
)
CHUNK = 76


@dataclass(frozen=True)
class Content:
    """One shipped file: its key (short sha256 of the text), name and compressed base64 text."""

    key: str
    name: str
    packed: str

    @property
    def chunks(self) -> list[str]:
        return [self.packed[i : i + CHUNK] for i in range(0, len(self.packed), CHUNK)]


def pack(text: str) -> str:
    """zlib-compressed, base64-encoded UTF-8 text (deterministic)."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def unpack(packed: str) -> str:
    return zlib.decompress(base64.b64decode(packed)).decode("utf-8")


def make(name: str, text: str) -> Content:
    return make_bytes(name, text.encode("utf-8"))


def make_bytes(name: str, data: bytes) -> Content:
    """Any file's bytes, packed (the key hashes the bytes: a text file keys as ``make``)."""
    key = hashlib.sha256(data).hexdigest()[:16]
    return Content(key, name, base64.b64encode(zlib.compress(data, 9)).decode("ascii"))


# A shipped file beside a notebook travels inside the DAG module up to this size (packed);
# past it, in the bundle beside the DAG file (the scheduler re-parses the module often).
INLINE_FILE_MAX = 64 * 1024
BUNDLE_FOLDER = "_stitchboard_files"


def declared_files(folder: Path, declared: tuple[str, ...]) -> list[tuple[str, Content]]:
    """Every file of a node's ``files`` (folders walked, sorted): ``(relative path, content)``."""
    found: list[tuple[str, Path]] = []
    for rel in declared:
        path = folder / rel
        if path.is_dir():
            found += [
                (p.relative_to(folder).as_posix(), p)
                for p in sorted(path.rglob("*"))
                if p.is_file()
            ]
        else:
            found.append((rel.removeprefix("./"), path))
    shipped = []
    for rel, path in found:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ExportError(
                f"{rel}: cannot read the declared file ({exc.strerror or exc})"
            ) from exc
        shipped.append((rel, make_bytes(rel, data)))
    return shipped


def stripped_notebook(path: Path) -> str:
    """The notebook's JSON without outputs, execution counts or widget state (stable bytes)."""
    try:
        nb = json.loads(read_source_text(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{path.name}: cannot read the notebook ({exc})") from exc
    return _stripped(path, nb)


def jupytext_as_notebook(path: Path, text: str) -> str:
    """A jupytext ``.py`` notebook converted to stripped ipynb JSON (pods need no jupytext)."""
    import jupytext
    import nbformat

    try:
        nb = jupytext.reads(text, fmt="py")
    except Exception as exc:  # jupytext raises several types for odd files
        raise ExportError(f"{path.name}: cannot read the jupytext notebook ({exc})") from exc
    data = json.loads(nbformat.writes(nb))
    for index, cell in enumerate(data["cells"]):
        cell["id"] = f"cell-{index}"  # jupytext makes random ids: keep the export deterministic
    return _stripped(path, data)


def _stripped(path: Path, nb: object) -> str:
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ExportError(f"{path.name}: not a notebook (no cells)")
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def source_content(path: Path) -> Content:
    """A node's notebook (stripped) or script, ready to ship; a jupytext script ships as the
    notebook it is, named ``STEM.ipynb`` (the task runs it as a notebook). An R script ships
    as it is."""
    if path.suffix == ".py" or path.suffix.lower() == ".r":
        try:
            text = read_source_text(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportError(f"{path.name}: cannot read the script ({exc})") from exc
        if path.suffix == ".py" and is_jupytext_text(
            text
        ):  # shipped as the notebook it is, under its .ipynb name
            return make(path.stem + ".ipynb", jupytext_as_notebook(path, text))
    else:
        text = stripped_notebook(path)
    return make(path.name, text)


def runtime_content() -> Content:
    return make("stitchboard_runtime.py", RUNTIME_PATH.read_text(encoding="utf-8"))


def support_contents() -> list[Content]:
    """The runtime files every task gets, in ``SUPPORT_FILES`` order.

    Packed once per file version: the size check asks for them once per pod, and packing
    them each time made the kubernetes export of 2,000 nodes take 19 s instead of 6 s.
    """
    found = []
    for name in SUPPORT_FILES:
        info = (RUNTIME_DIR / name).stat()
        found.append(_support_content(name, info.st_mtime_ns, info.st_size))
    return found


@lru_cache(maxsize=64)
def _support_content(name: str, _mtime_ns: int, _size: int) -> Content:
    return make(name, (RUNTIME_DIR / name).read_text(encoding="utf-8"))
