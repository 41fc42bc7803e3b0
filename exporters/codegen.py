"""Formatted Python source from values: literals built from data, never pasted by hand.

The emitter writes what black (line length 88) would keep: an expression goes on one line when
it fits; otherwise its brackets are exploded one item per line with a trailing comma.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from graph_editor import names

LINE_LENGTH = 88
INDENT = "    "
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def width(text: str) -> int:
    """Display width the way black measures it (wide characters count twice)."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _plain(char: str) -> bool:
    """A character safe to keep as is in a string literal (printable, one column)."""
    if char.isascii():
        return char.isprintable()
    return (
        char.isprintable()
        and not unicodedata.combining(char)
        and unicodedata.east_asian_width(char) in ("N", "Na", "A", "H")
    )


def py_str(text: str) -> str:
    """A string literal for ``text``: the quotes black prefers, escapes for anything unusual."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    if text.isascii() and text.isprintable() and quote not in text and "\\" not in text:
        return quote + text + quote  # the common case, without a look at each character
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char == quote:
            out.append("\\" + char)
        elif _plain(char):
            out.append(char)
        else:
            code = ord(char)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    return quote + "".join(out) + quote


# One name rule for the whole product (whole-string match: "x\n" is not a name).
is_identifier = names.is_identifier


@dataclass
class Raw:
    """Source text used as is (a name, a number, an already built literal)."""

    code: str


@dataclass
class Call:
    """``func(args..., name=value...)``; ``explode`` forces one argument per line."""

    func: str
    args: list[Any] = field(default_factory=list)
    kwargs: list[tuple[str, Any]] = field(default_factory=list)
    explode: bool = False


@dataclass
class Seq:
    """A list (``[...]``) of expressions."""

    items: list[Any]
    explode: bool = False


@dataclass
class Map:
    """A dict display of (key, value) pairs; keys are plain values, values expressions."""

    items: list[tuple[Any, Any]]
    explode: bool = False


def expr(value: Any) -> Any:
    """Turn a JSON-like value into an expression node (dicts keep their order)."""
    if isinstance(value, Raw | Call | Seq | Map | Concat):
        return value
    if isinstance(value, dict):
        return Map([(k, expr(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return Seq([expr(v) for v in value])
    return Raw(atom(value))


def atom(value: Any) -> str:
    """A literal for a scalar value."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f'float("{value}")'
        return repr(value).replace("e+", "e")  # black writes 1e16, not 1e+16
    if isinstance(value, str):
        return py_str(value)
    raise TypeError(f"cannot write a {type(value).__name__} as a literal")


def flat(node: Any) -> str | None:
    """One-line source of ``node``, or None when it (or a child) must explode."""
    if isinstance(node, Raw):
        return node.code
    if isinstance(node, Concat):
        return atom(node.parts[0]) if len(node.parts) == 1 else None
    if getattr(node, "explode", False):
        return None
    if isinstance(node, Call):
        items = [flat(a) for a in node.args] + [
            None if (v := flat(value)) is None else f"{name}={v}" for name, value in node.kwargs
        ]
        if any(i is None for i in items):
            return None
        return f"{node.func}({', '.join(items)})"  # type: ignore[arg-type]
    if isinstance(node, Seq):
        items = [flat(i) for i in node.items]
        return None if any(i is None for i in items) else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(node, Map):
        pairs = []
        for key, value in node.items:
            v = flat(value)
            if v is None:
                return None
            pairs.append(f"{atom(key) if not isinstance(key, Raw) else key.code}: {v}")
        return "{" + ", ".join(pairs) + "}"
    return flat(expr(node))


def _items(node: Any) -> tuple[str, str, list[tuple[str, Any]]]:
    if isinstance(node, Call):
        items = [("", a) for a in node.args] + [(f"{name}=", v) for name, v in node.kwargs]
        return node.func + "(", ")", items
    if isinstance(node, Seq):
        return "[", "]", [("", i) for i in node.items]
    keyed = [((key.code if isinstance(key, Raw) else atom(key)) + ": ", v) for key, v in node.items]
    return "{", "}", keyed


def emit(node: Any, level: int = 0, prefix: str = "", suffix: str = "") -> list[str]:
    """Lines for ``prefix + node + suffix`` at indentation ``level``."""
    node = expr(node)
    pad = INDENT * level
    one = flat(node)
    if one is not None and (
        isinstance(node, Raw | Concat) or width(pad + prefix + one + suffix) <= LINE_LENGTH
    ):
        return [pad + prefix + one + suffix]
    if isinstance(node, Concat):  # black never joins or splits these: one literal a line
        inner = [pad + INDENT + atom(part) for part in node.parts]
        return [pad + prefix + "(", *inner, pad + ")" + suffix]
    opener, closer, items = _items(node)
    if not items:
        return [pad + prefix + opener + closer + suffix]
    lines = [pad + prefix + opener]
    for head, value in items:
        lines.extend(emit(value, level + 1, head, ","))
    lines.append(pad + closer + suffix)
    return lines


def comment(text: str, limit: int = 72) -> str:
    """A one-line ``#`` comment from user text: line breaks and control characters neutralised."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    cleaned = " ".join(cleaned.split()).replace("fmt:", "fmt :").replace("type:", "type :")
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 3].rstrip() + "..."
    return "# " + cleaned if cleaned else ""


@dataclass
class Concat:
    """Adjacent string literals in parentheses (long text split into chunks), one per line."""

    parts: list[str]


# -- statements: the module-level parts of a generated file ----------------------------------
@dataclass
class Docstring:
    """A module docstring (plain text: no backslash, no triple quote)."""

    text: str


@dataclass
class Import:
    """``import module`` or ``from module import names`` (names may carry ``as``)."""

    module: str
    names: list[str] = field(default_factory=list)


@dataclass
class Assign:
    """``target = value``."""

    target: str
    value: Any


@dataclass
class Expr:
    """An expression statement; with ``shift``, ``shift >> value`` (task dependencies)."""

    value: Any
    shift: str = ""


@dataclass
class Comment:
    """A ``#`` line from user text (neutralised by ``comment``); empty text writes nothing."""

    text: str
    limit: int = 72


@dataclass
class Verbatim:
    """Source of a whole top-level definition, copied as is (it must parse on its own)."""

    source: str


@dataclass
class With:
    """``with context as target:`` and its body (groups of statements, blank line between)."""

    context: Any
    target: str
    body: list[list[Any]]


@dataclass
class Module:
    """A module: groups of statements, one blank line between groups, two around defs."""

    body: list[list[Any]]

    def render(self) -> str:
        return "\n".join(_groups(self.body, 0)) + "\n"


def _groups(groups: list[list[Any]], level: int) -> list[str]:
    lines: list[str] = []
    previous: list[Any] = []
    for group in (g for g in groups if g):
        if lines:
            wide = level == 0 and any(isinstance(s, Verbatim) for s in (*previous, *group))
            lines += [""] * (2 if wide else 1)
        for statement in group:
            lines += statement_lines(statement, level)
        previous = group
    return lines


def statement_lines(statement: Any, level: int = 0) -> list[str]:
    """The lines of one statement at indentation ``level``."""
    pad = INDENT * level
    if isinstance(statement, Docstring):
        assert '"""' not in statement.text and "\\" not in statement.text
        return (pad + '"""' + statement.text + '"""').split("\n")
    if isinstance(statement, Import):
        if not statement.names:
            return [f"{pad}import {statement.module}"]
        return [f"{pad}from {statement.module} import {', '.join(statement.names)}"]
    if isinstance(statement, Assign):
        return emit(statement.value, level, f"{statement.target} = ")
    if isinstance(statement, Expr):
        return emit(statement.value, level, f"{statement.shift} >> " if statement.shift else "")
    if isinstance(statement, Comment):
        line = comment(statement.text, statement.limit)
        return [pad + line] if line else []
    if isinstance(statement, Verbatim):
        compile(statement.source, "<inlined>", "exec", dont_inherit=True)
        return [pad + line if line else "" for line in statement.source.strip("\n").split("\n")]
    if isinstance(statement, With):
        head = emit(statement.context, level, "with ", f" as {statement.target}:")
        return head + _groups(statement.body, level + 1)
    raise TypeError(f"not a statement: {type(statement).__name__}")


def triple_quoted(text: str) -> Raw:
    """A ``\"\"\"...\"\"\"`` literal of source text, for programs passed as strings."""
    assert '"""' not in text and "\\" not in text and not text.endswith('"')
    return Raw('"""' + text + '"""')
