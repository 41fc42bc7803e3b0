"""Relative file paths in R code: the R half of ``file_checks.relative_paths``.

R has no parser here, so a small scanner reads string literals (``"..."``, ``'...'``, with
backslash escapes) outside comments (``#`` to the end of the line), and which function call,
if any, a literal is the first argument of. The rules are Python's: any literal that looks like
a relative path, and any relative literal given to a reader or writer (``read.csv("input")``,
``readRDS``, ``fread``, ``load``, ``file``, ``write.csv``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import PurePosixPath

_READERS = re.compile(
    r"^(read[._]\w+|readRDS|readLines|fread|fwrite|load|file|source|"
    r"write[._]\w+|saveRDS|save|writeLines|sink|png|pdf|ggsave)$"
)
_CALL = re.compile(r"([A-Za-z_.][A-Za-z0-9_.]*(?:::[A-Za-z_.][A-Za-z0-9_.]*)?)\s*\(\s*$")


def _literals(code: str) -> Iterator[tuple[str, str]]:
    """(text before the literal on its line, the literal's value) for every string literal."""
    for line in code.splitlines():
        i, before = 0, ""
        while i < len(line):
            ch = line[i]
            if ch == "#":
                break
            if ch not in "\"'":
                before += ch
                i += 1
                continue
            j, value = i + 1, []
            while j < len(line) and line[j] != ch:
                if line[j] == "\\" and j + 1 < len(line):
                    j += 1
                value.append(line[j])
                j += 1
            yield before, "".join(value)
            before += ch + "".join(value) + ch
            i = j + 1


@lru_cache(maxsize=256)
def r_relative_paths(code: str) -> tuple[str, ...]:
    """String literals in R ``code`` that look like relative file paths, in order."""
    from graph_editor.file_checks import looks_like_path

    found: dict[str, None] = {}
    for before, text in _literals(code):
        call = _CALL.search(before)
        if call and _READERS.match(call.group(1).split("::")[-1]):  # pkg::fn too
            if text and "://" not in text and not text.startswith(("/", "~")):
                found[text] = None
        elif looks_like_path(text):
            found[text] = None
    return tuple(PurePosixPath(p).as_posix() for p in found)
