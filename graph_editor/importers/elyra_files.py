"""Elyra's declared files (``dependencies``, ``outputs``) as Stitchboard's ``files`` / ``produces``.

Elyra ships a node's ``dependencies`` (paths or fnmatch patterns relative to its notebook; with
``include_subdirectories`` a flat pattern such as ``*.csv`` also matches in subfolders) in the
node's archive, and uploads its ``outputs`` (paths, folders or patterns, relative to the
notebook) after it ran; every later node, not only the next one, downloads them to the same
relative place (``elyra/pipeline/processor.py``, ``_propagate_operation_inputs_outputs``;
``elyra/util/archive.py``; ``FileOpBase.process_output_file`` in the bootstrapper).

Stitchboard declares exact paths: ``Node.files`` (files or folders copied from beside the
notebook) and ``Node.produces`` (files or folders handed to the nodes directly downstream).
So, at import:

- a dependency pattern is expanded against the notebook's folder, the way Elyra's archive
  would match it now (a file added later is not shipped until it is declared);
- an output pattern cannot be expanded (the files do not exist yet): one with a plain folder
  in front (``data/*.csv``) is declared as that folder; one without (``*.csv``) is reported;
- a later node that is not directly downstream of the node producing a file, and whose code
  names that file, gets a link from the producer, so the file reaches it as it does in Elyra.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from graph_editor.file_checks import relative_paths, source_code
from graph_editor.nodes import Edge
from graph_editor.pipeline import Pipeline
from graph_editor.shipped_files import link_outside

WILDCARDS = frozenset("*?[")
EXPANSION_MAX = 500  # files one pattern may expand to before the folder is shipped instead


@dataclass(frozen=True)
class Declared:
    """What one Elyra list became: the declared paths and one report note per decision."""

    paths: tuple[str, ...]
    notes: tuple[str, ...]


def _has_wildcards(text: str) -> bool:
    return bool(WILDCARDS & set(text))


def _normalise(text: str) -> str | None:
    """``text`` as a posix path relative to the notebook; None when it leaves the folder."""
    raw = str(text).strip().replace("\\", "/")
    while raw.startswith("./"):
        raw = raw[2:]
    raw = raw.rstrip("/")
    path = PurePosixPath(raw)
    if not raw or path.is_absolute() or ".." in path.parts or raw.startswith("~"):
        return None
    return path.as_posix()


def _literal_folder(pattern: str) -> str:
    """The folder in front of a pattern's first wildcard part (``data`` for ``data/*.csv``)."""
    parts: list[str] = []
    for part in PurePosixPath(pattern).parts:
        if _has_wildcards(part):
            break
        parts.append(part)
    return "/".join(parts)


def _expand(folder: Path, pattern: str, recursive: bool) -> list[str]:
    """Files under ``folder`` that Elyra's archive would take for ``pattern`` (relative, posix).

    Like ``elyra/util/archive.py``: a folder is entered when ``recursive`` or when the pattern
    names it (``data/*.csv`` enters ``data``); hidden folders never; ``fnmatch`` decides each
    file, and with ``recursive`` a flat pattern (``*.csv``) also matches by file name.
    """
    flat = "/" not in pattern
    found = []
    for root, dirs, files in os.walk(folder):
        rel_root = Path(root).relative_to(folder).as_posix()
        prefix = "" if rel_root == "." else rel_root + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and not d.endswith(".runs")  # Stitchboard's own run folders
            and (
                recursive
                or pattern.startswith(prefix + d + "/")
                or fnmatch.fnmatch(prefix + d, pattern)
            )
        )
        for name in sorted(files):
            full = prefix + name
            if fnmatch.fnmatch(full, pattern) or (
                recursive and flat and fnmatch.fnmatch(name, pattern)
            ):
                found.append(full)
    return found


def shipped(folder: Path, own_file: str, items: Iterable[object], recursive: bool) -> Declared:
    """Elyra ``dependencies`` of a node whose notebook is in ``folder`` (named ``own_file``)."""
    paths: dict[str, None] = {}
    notes: list[str] = []
    for item in items:
        rel = _normalise(str(item))
        if rel is None:
            notes.append(f"dependency {item!r} is outside the notebook's folder: not shipped")
        elif not _has_wildcards(rel):
            link, target = link_outside(folder, rel)
            if link:
                notes.append(
                    f"dependency {rel!r}: {link!r} is a link to {target}, outside the notebook's "
                    "folder: not shipped (copy the file in to ship it)"
                )
            elif (folder / rel).exists():
                paths[rel] = None
            else:
                notes.append(f"dependency {rel!r} not found beside the notebook: not shipped")
        else:
            found = [f for f in _expand(folder, rel, recursive) if f != own_file]
            linked = [f for f in found if link_outside(folder, f)[0]]
            if linked:
                found = [f for f in found if f not in linked]
                notes.append(
                    f"dependency pattern {rel!r}: {len(linked)} match(es) are links outside the "
                    f"notebook's folder ({linked[0]!r}...): not shipped"
                )
            if not found:
                notes.append(f"dependency pattern {rel!r} matches no file: nothing shipped")
            elif len(found) > EXPANSION_MAX and _literal_folder(rel):
                paths[_literal_folder(rel)] = None
                notes.append(
                    f"dependency pattern {rel!r} matches {len(found)} files: the folder "
                    f"{_literal_folder(rel)!r} is shipped whole"
                )
            else:
                paths.update(dict.fromkeys(found))
                notes.append(
                    f"dependency pattern {rel!r} expanded at import to {len(found)} file(s) "
                    "(a file added later is shipped only once declared)"
                )
    return Declared(tuple(paths), tuple(notes))


def produced(items: Iterable[object]) -> Declared:
    """Elyra ``outputs`` of a node: exact paths, and folders standing for patterns."""
    paths: dict[str, None] = {}
    notes: list[str] = []
    for item in items:
        rel = _normalise(str(item))
        if rel is None:
            notes.append(f"output {item!r} is outside the notebook's folder: not mapped")
        elif not _has_wildcards(rel):
            paths[rel] = None
        elif folder := _literal_folder(rel):
            paths[folder] = None
            notes.append(
                f"output pattern {rel!r} declared as the folder {folder!r} (files are handed on "
                "by exact path or folder; the whole folder goes downstream)"
            )
        else:
            notes.append(
                f"output pattern {rel!r} not mapped: it names no folder; declare the files it "
                "makes with `stitchboard node files PIPELINE NODE --produces PATH`"
            )
    return Declared(tuple(paths), tuple(notes))


def _closure(used: Iterable[str], declared: Iterable[str]) -> set[str]:
    """The paths in ``used`` that a declared file or folder covers."""
    made = tuple(declared)
    found = set()
    for text in used:
        rel = text.removeprefix("./")
        if any(rel == d or rel.startswith(d + "/") for d in made):
            found.add(rel)
    return found


def relay_links(pipeline: Pipeline) -> list[tuple[str, str, str]]:
    """Add a link from a node producing a file to each later node (not directly downstream)
    whose code names that file, as Elyra hands outputs to every later node.

    Returns ``(producer name, reader name, the files it names)`` for each link added.
    """
    added: list[tuple[str, str, str]] = []
    order = pipeline.topological_order()
    for producer_id in order:
        made = pipeline.node(producer_id).produces
        if not made:
            continue
        later = pipeline.descendants(producer_id)
        for reader_id in [n for n in order if n in later]:
            if producer_id in pipeline.upstream(reader_id):
                continue  # directly downstream: the file reaches it already
            reader = pipeline.node(reader_id)
            used = relative_paths(source_code(pipeline.source_path(reader)))
            hits = sorted(_closure(used, made))
            if hits:
                pipeline.add_edge(Edge(producer_id, reader_id), check=False)
                added.append((pipeline.node(producer_id).name, reader.name, ", ".join(hits)))
    return added
