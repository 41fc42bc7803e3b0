"""The port type system: what a port carries and which wires and values fit."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any


class PortType(StrEnum):
    """The type of a value that flows through a port."""

    INT = "int"
    FLOAT = "float"
    STR = "str"
    BOOL = "bool"
    LIST = "list"
    DICT = "dict"
    ANY = "any"


_ALIASES: dict[str, PortType] = {
    "int": PortType.INT,
    "integer": PortType.INT,
    "float": PortType.FLOAT,
    "double": PortType.FLOAT,
    "number": PortType.FLOAT,
    "str": PortType.STR,
    "string": PortType.STR,
    "bool": PortType.BOOL,
    "boolean": PortType.BOOL,
    "list": PortType.LIST,
    "tuple": PortType.LIST,
    "sequence": PortType.LIST,
    "set": PortType.LIST,
    "dict": PortType.DICT,
    "mapping": PortType.DICT,
    "any": PortType.ANY,
    "none": PortType.ANY,
    "object": PortType.ANY,
}


def parse_type_name(name: str | None) -> PortType:
    """Map a type annotation such as ``List[int]`` or ``Optional[str]`` to a port type."""
    if not name:
        return PortType.ANY
    text = name.strip().replace("typing.", "")
    optional = re.fullmatch(r"Optional\[(.*)\]", text)
    if optional:
        text = optional.group(1)
    union = [part.strip() for part in text.split("|")]
    union = [part for part in union if part not in ("None", "NoneType")]
    if len(union) != 1:
        return PortType.ANY
    base = re.split(r"[\[(]", union[0], maxsplit=1)[0].strip().lower()
    return _ALIASES.get(base, PortType.ANY)


def type_of_value(value: Any) -> PortType:
    """The port type a JSON value naturally has (``None`` is ``any``)."""
    if isinstance(value, bool):
        return PortType.BOOL
    if isinstance(value, int):
        return PortType.INT
    if isinstance(value, float):
        return PortType.FLOAT
    if isinstance(value, str):
        return PortType.STR
    if isinstance(value, list | tuple):
        return PortType.LIST
    if isinstance(value, dict):
        return PortType.DICT
    return PortType.ANY


def can_feed(source: PortType, target: PortType) -> bool:
    """Whether a value of type ``source`` may flow into a port of type ``target``."""
    if source == target or PortType.ANY in (source, target):
        return True
    return source == PortType.INT and target == PortType.FLOAT


def value_fits(value: Any, target: PortType) -> bool:
    """Whether a concrete value may be given to a port of type ``target`` (None always fits)."""
    if value is None:
        return True
    return can_feed(type_of_value(value), target)


def coerce_text(text: str, target: PortType) -> Any:
    """Turn command-line text (``-p name=value``) into a value of the target type.

    Raises ``ValueError`` with a short reason when the text does not fit.
    """
    import json

    if target == PortType.STR:
        return text
    if target == PortType.BOOL:
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if target == PortType.INT:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected an int, got {text!r}") from None
    if target == PortType.FLOAT:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a float, got {text!r}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        if target == PortType.ANY:
            return text
        raise ValueError(f"expected JSON for a {target.value}, got {text!r}") from None
    if not value_fits(value, target):
        raise ValueError(f"expected a {target.value}, got {type_of_value(value).value}")
    return value
