"""Values made safe for Airflow templated fields: Jinja-inert strings and inert JSON."""

from __future__ import annotations

import json
from typing import Any

from exporters.codegen import Call, Map, Raw, Seq, atom

JINJA_OPENERS = ("{{", "{%", "{#")


def needs_literal(text: str) -> bool:
    """Whether Airflow would treat ``text`` as a Jinja template."""
    return any(opener in text for opener in JINJA_OPENERS)


class Imports:
    """Names the generated module must import, collected while writing it."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def use(self, name: str) -> str:
        self.names.add(name)
        return name


def protect(value: Any, imports: Imports) -> Any:
    """An expression for a JSON-like value in a templated field; Jinja-like text is literal()."""
    if isinstance(value, Raw | Call | Seq | Map):
        return value
    if isinstance(value, str):
        code = atom(value)
        return Call(imports.use("literal"), [Raw(code)]) if needs_literal(value) else Raw(code)
    if isinstance(value, dict):
        return Map([(k, protect(v, imports)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return Seq([protect(v, imports) for v in value])
    return Raw(atom(value))


def inert_json(value: Any) -> str:
    """Compact JSON in which no Jinja delimiter can occur (``{`` in strings is escaped)."""
    if isinstance(value, str):
        return json.dumps(value).replace("{", "\\u007b").replace("}", "\\u007d")
    if isinstance(value, dict):
        inner = ", ".join(f"{inert_json(str(k))}: {inert_json(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inert_json(v) for v in value) + "]"
    return json.dumps(value, allow_nan=False)
