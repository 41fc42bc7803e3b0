"""Reading R cells: the ports of an R notebook's ``parameters`` and ``outputs`` cells.

papermill's R convention is ``name = value  # help`` (``<-`` works too). A default that is an
R literal gives the port its type: numbers (``10`` int, ``0.5``/``1e3`` float, ``10L`` int),
strings, ``TRUE``/``FALSE``, ``NULL``/``NA`` (any), ``c(...)`` and ``list(...)`` (a list, or
a dict when every element is named). An output assigned from an obvious call gets that
call's type (``data.frame(...)`` a dataframe, ``lm(...)`` an object, ``mean(...)`` a float).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph_editor.nodes import MISSING, Port
from graph_editor.types import PortType, type_of_value

_ASSIGN = re.compile(r"^\s*([A-Za-z.][A-Za-z0-9._]*)\s*(?:<-|=)\s*(.*?)\s*$", re.DOTALL)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?L?")
_NAME = re.compile(r"[A-Za-z.][A-Za-z0-9._]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
_CONSTANTS: dict[str, Any] = {"TRUE": True, "T": True, "FALSE": False, "F": False}
_MISSING_NAMES = ("NULL", "NA", "NA_integer_", "NA_real_", "NA_character_")
_CALL_TYPES = {
    "data.frame": PortType.DATAFRAME,
    "read.csv": PortType.DATAFRAME,
    "read.table": PortType.DATAFRAME,
    "tibble": PortType.DATAFRAME,
    "data.table": PortType.DATAFRAME,
    "aggregate": PortType.DATAFRAME,
    "lm": PortType.OBJECT,
    "glm": PortType.OBJECT,
    "mean": PortType.FLOAT,
    "median": PortType.FLOAT,
    "sd": PortType.FLOAT,
    "var": PortType.FLOAT,
    "cor": PortType.FLOAT,
    "as.numeric": PortType.FLOAT,
    "as.double": PortType.FLOAT,
    "nrow": PortType.INT,
    "ncol": PortType.INT,
    "length": PortType.INT,
    "as.integer": PortType.INT,
    "paste": PortType.STR,
    "paste0": PortType.STR,
    "sprintf": PortType.STR,
    "as.character": PortType.STR,
    "format": PortType.STR,
    "c": PortType.LIST,
    "list": PortType.LIST,
    "as.list": PortType.LIST,
    "is.na": PortType.BOOL,
    "isTRUE": PortType.BOOL,
    "as.logical": PortType.BOOL,
}


@dataclass(frozen=True)
class Statement:
    """One top-level R statement: its text (comments removed) and its trailing comment."""

    text: str
    comment: str


def _split_comment(line: str) -> tuple[str, str]:
    """(code, comment) of one line: the first ``#`` outside a string starts the comment."""
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "#":
            return line[:i], line[i + 1 :].strip()
        i += 1
    return line, ""


def statements(source: str) -> list[Statement]:
    """The top-level statements of an R cell (a statement goes on while brackets are open)."""
    found: list[Statement] = []
    text, comment, depth = "", "", 0
    for line in source.splitlines():
        code, note = _split_comment(line)
        if not code.strip() and not text:
            continue
        text = f"{text}\n{code}" if text else code
        comment = note or comment
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0:
            for part in text.split(";"):
                if part.strip():
                    found.append(Statement(part.strip(), comment))
            text, comment, depth = "", "", 0
    if text.strip():
        found.append(Statement(text.strip(), comment))
    return found


class _Parser:
    """A reader of R literals; ``value`` raises ``ValueError`` on anything else."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.pos : self.pos + 1]

    def _expect(self, ch: str) -> None:
        if self._peek() != ch:
            raise ValueError(f"expected {ch!r}")
        self.pos += 1

    def parse(self) -> Any:
        value = self.value()
        self._skip()
        if self.pos != len(self.text):
            raise ValueError("trailing text")
        return value

    def value(self) -> Any:
        ch = self._peek()
        if ch in ("'", '"'):
            return self._string()
        number = _NUMBER.match(self.text, self.pos)
        if number and (ch.isdigit() or ch in "-+."):
            self.pos = number.end()
            return _number(number.group())
        name = _NAME.match(self.text, self.pos)
        if not name:
            raise ValueError("not a literal")
        self.pos = name.end()
        word = name.group()
        if word in ("c", "list") and self._peek() == "(":
            return self._call(word)
        if word in _CONSTANTS:
            return _CONSTANTS[word]
        if word in _MISSING_NAMES:
            return None
        raise ValueError(f"not a literal: {word}")

    def _string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == quote:
                return "".join(out)
            if ch == "\\" and self.pos < len(self.text):
                out.append(_ESCAPES.get(self.text[self.pos], self.text[self.pos]))
                self.pos += 1
            else:
                out.append(ch)
        raise ValueError("unterminated string")

    def _call(self, word: str) -> Any:
        self._expect("(")
        items: list[tuple[str | None, Any]] = []
        while self._peek() != ")":
            items.append(self._item())
            if self._peek() == ",":
                self.pos += 1
            elif self._peek() != ")":
                raise ValueError("expected ',' or ')'")
        self.pos += 1
        if items and all(key is not None for key, _ in items):
            return {str(key): value for key, value in items}
        if any(key is not None for key, _ in items):
            raise ValueError("partly named")
        return [value for _, value in items]

    def _item(self) -> tuple[str | None, Any]:
        start = self.pos
        self._skip()
        key: str | None = None
        if self._peek() in ("'", '"'):
            key = self._string()
        else:
            name = _NAME.match(self.text, self.pos)
            if name and name.group() not in ("c", "list", *_CONSTANTS, *_MISSING_NAMES):
                self.pos = name.end()
                key = name.group()
        if key is not None and self._peek() == "=" and self.text[self.pos : self.pos + 2] != "==":
            self.pos += 1
            return key, self.value()
        self.pos = start
        return None, self.value()


def _number(text: str) -> int | float:
    if text.endswith("L"):
        return int(float(text[:-1]))
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return float(text)


def r_literal(text: str) -> Any:
    """The JSON value of an R literal (``c(1, 2)`` is ``[1, 2]``), else ``MISSING``."""
    try:
        return _Parser(text).parse()
    except (ValueError, IndexError, RecursionError):
        return MISSING


def _call_type(text: str) -> PortType:
    match = re.match(r"([A-Za-z.][A-Za-z0-9._]*(?:::[A-Za-z.][A-Za-z0-9._]*)?)\s*\(", text)
    if not match:
        return PortType.ANY
    return _CALL_TYPES.get(match.group(1).rsplit("::", 1)[-1], PortType.ANY)


def r_cell_ports(source: str, *, with_defaults: bool = True) -> list[Port]:
    """Ports of an R cell: every top-level ``name = value`` / ``name <- value``."""
    ports: dict[str, Port] = {}
    for statement in statements(source):
        match = _ASSIGN.match(statement.text)
        if not match or match.group(2).startswith("="):
            continue
        name, value = match.group(1), match.group(2)
        default = r_literal(value)
        if default is MISSING:
            port_type = _call_type(value)
        elif default is None or re.fullmatch(r"list\(\s*\)", value):
            # an empty list() stands for a list or a named list (a dict) alike
            port_type = PortType.ANY
        else:
            port_type = type_of_value(default)
        ports[name] = Port(
            name=name,
            type=port_type,
            default=default if with_defaults else MISSING,
            help=statement.comment,
        )
    return list(ports.values())
