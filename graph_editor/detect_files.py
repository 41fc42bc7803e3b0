"""Files a notebook or script reads by a relative path, found by reading its code (Python and R).

Each node runs in its own working folder (docs/dry-run.md), so a file it reads must be shipped
with it or produced by an upstream node. When a node is created (``new``, ``node add``, the
editor's Choose… or a drop, ``import``) and on ``stitchboard node files P NODE --detect``,
``detect`` says which of those files sit beside the source (declared as shipped), which an
upstream node writes (declared as produced there) and which are too big to ship (named, not
shipped). ``notes`` says each in one ``note:`` line, so nothing is declared unseen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from graph_editor.file_checks import looks_like_path, relative_paths, source_code, written_paths
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline

SHIP_FILE_MAX = 64 * 1024 * 1024  # bytes: a bigger file belongs in the artifact store

# R: calls that read or write files, and string literals (either quote)
_R_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_R_WRITER = re.compile(
    r"\b(write\.\w+|write_\w+|fwrite|saveRDS|save|writeLines|ggsave|png|pdf|jpeg|sink)\s*\("
)
_R_READER = re.compile(
    r"\b(read\.\w+|read_\w+|fread|readRDS|load|readLines|file|source|readr::\w+)\s*\("
)


def _r_paths(code: str) -> tuple[list[str], set[str]]:
    """(relative paths R ``code`` names, those it writes), by reading calls line by line."""
    used: dict[str, None] = {}
    written: set[str] = set()
    for line in code.splitlines():
        strings = [
            m.group(1) if m.group(1) is not None else m.group(2) for m in _R_STRING.finditer(line)
        ]
        writer = _R_WRITER.search(line)
        reader = _R_READER.search(line)
        for text in strings:
            if not text or "://" in text or text.startswith(("/", "~")):
                continue
            if not (looks_like_path(text) or reader or writer):
                continue
            used[text] = None
            if writer and line.find(text) > writer.start():
                written.add(text)
    return [PurePosixPath(p).as_posix() for p in used], {
        PurePosixPath(p).as_posix() for p in written
    }


def _is_r(path: Path) -> bool:
    if path.suffix.lower() == ".r":
        return True
    if path.suffix != ".ipynb":
        return False
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    language = (meta.get("kernelspec") or {}).get("language") or (
        meta.get("language_info") or {}
    ).get("name")
    return str(language).lower() == "r"


def file_use(path: Path) -> tuple[tuple[str, ...], frozenset[str]]:
    """(relative paths the notebook or script at ``path`` reads, those it writes)."""
    if _is_r(path):
        used, written = _r_paths(_r_code(path))
    else:
        code = source_code(path)
        used, written = list(relative_paths(code)), set(written_paths(code))
    clean = [p.removeprefix("./") for p in used]
    writes = frozenset(p.removeprefix("./") for p in written)
    return tuple(p for p in clean if p not in writes), writes


def _r_code(path: Path) -> str:
    if path.suffix.lower() == ".r":
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, UnicodeDecodeError):
        return ""
    parts = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else str(source))
    return "\n".join(parts)


def writes_of(pipeline: Pipeline, node: Node) -> frozenset[str]:
    """The relative paths a node's notebook or script writes (read from its code)."""
    return file_use(pipeline.source_path(node))[1]


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _covered(rel: str, declared: set[str]) -> bool:
    return any(rel == d or rel.startswith(d.rstrip("/") + "/") for d in declared)


@dataclass(frozen=True)
class Detected:
    """What reading a node's code found: files to ship, files upstream nodes write, and files
    too big to ship (with their size)."""

    node_id: str
    ship: tuple[str, ...] = ()
    produced: tuple[tuple[str, str], ...] = ()  # (relative path, id of the upstream writer)
    too_big: tuple[tuple[str, int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.ship or self.produced or self.too_big)


def detect(pipeline: Pipeline, node: Node) -> Detected:
    """What ``node``'s code reads by a relative path and nothing declares yet."""
    source = pipeline.source_path(node)
    reads, _ = file_use(source)
    if not reads:
        return Detected(node.id)
    ancestors = [n for n in pipeline.topological_order() if n in pipeline.ancestors(node.id)]
    upstream = {rel for up in ancestors for rel in pipeline.node(up).produces}
    declared = {*node.files, *node.produces, *upstream}
    ship, produced, too_big = [], [], []
    for rel in reads:
        if _covered(rel, declared) or ".." in PurePosixPath(rel).parts:
            continue
        beside = source.parent / rel
        if beside.exists():
            try:
                size = _size(beside)
            except OSError:
                continue
            (too_big.append((rel, size)) if size > SHIP_FILE_MAX else ship.append(rel))
            continue
        writer = next(
            (up for up in reversed(ancestors) if rel in writes_of(pipeline, pipeline.node(up))),
            None,
        )
        if writer is not None:
            produced.append((rel, writer))
    return Detected(node.id, tuple(ship), tuple(produced), tuple(too_big))


def file_changes(pipeline: Pipeline, found: Detected) -> dict[str, dict[str, tuple[str, ...]]]:
    """The node fields that declare what ``found`` says: node id -> ``files``/``produces``."""
    changes: dict[str, dict[str, tuple[str, ...]]] = {}
    if found.ship:
        node = pipeline.node(found.node_id)
        changes[node.id] = {"files": (*node.files, *(r for r in found.ship if r not in node.files))}
    for rel, writer in found.produced:
        node = pipeline.node(writer)
        made = changes.setdefault(writer, {}).get("produces", tuple(node.produces))
        if rel not in made:
            changes[writer]["produces"] = (*made, rel)
    return changes


def apply(pipeline: Pipeline, found: Detected) -> None:
    """Declare what ``found`` says on the pipeline's nodes."""
    for node_id, fields in file_changes(pipeline, found).items():
        pipeline.update_node(node_id, **fields)


def notes(pipeline: Pipeline, found: Detected, file: str = "PIPELINE") -> list[str]:
    """One ``note:`` line per declaration made or file left out (how to undo or do it)."""
    name = pipeline.node(found.node_id).name
    lines = []
    if found.ship:
        listed = ", ".join(found.ship)
        flags = " ".join(f"--ship {r}" for r in found.ship)
        lines.append(
            f"note: {name} reads {listed} beside its notebook: declared as shipped with it "
            f"(undo: stitchboard node files {file} {name} {flags} --remove)"
        )
    for rel, writer in found.produced:
        up = pipeline.node(writer).name
        lines.append(
            f"note: {name} reads {rel}, which {up} writes: declared as produced by {up} "
            f"(undo: stitchboard node files {file} {up} --produces {rel} --remove)"
        )
    for rel, size in found.too_big:
        lines.append(
            f"note: {name} reads {rel} ({size / 2**20:.0f} MiB), over the {SHIP_FILE_MAX // 2**20} "
            f"MiB a node ships: not declared (put it in the artifact store, or ship it knowingly "
            f"with `stitchboard node files {file} {name} --ship {rel}`)"
        )
    return lines


def declare_detected(pipeline: Pipeline, node_ids: list[str] | None = None) -> list[str]:
    """Detect and declare the files of ``node_ids`` (default: every node, in run order);
    returns the ``note:`` lines that say what was declared or left out."""
    file = pipeline.path.name if pipeline.path is not None else "PIPELINE"
    lines: list[str] = []
    for node_id in node_ids if node_ids is not None else pipeline.topological_order():
        found = detect(pipeline, pipeline.node(node_id))
        if found:
            apply(pipeline, found)
            lines += notes(pipeline, found, file)
    return lines
