"""The port type system: what a port carries and which wires and values fit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import PurePath
from typing import Any


class PortType(StrEnum):
    """The type of a value that flows through a port.

    The first seven are JSON types: they travel as values, can be set in the editor and can be
    pipeline parameters (Airflow DAG ``params``). The others travel as artifacts (a reference
    to stored data; see ``resources/runtime/stitchboard_artifacts.py``): ``dataframe`` (pandas
    DataFrame, Parquet), ``series`` (pandas Series, Parquet), ``array`` (numpy ndarray, .npy),
    ``path`` (a file or folder the notebook wrote; a downstream node gets a local path) and
    ``object`` (any other Python object, pickled).
    """

    INT = "int"
    FLOAT = "float"
    STR = "str"
    BOOL = "bool"
    LIST = "list"
    DICT = "dict"
    ANY = "any"
    DATAFRAME = "dataframe"
    SERIES = "series"
    ARRAY = "array"
    PATH = "path"
    OBJECT = "object"


JSON_TYPES = frozenset(
    {PortType.INT, PortType.FLOAT, PortType.STR, PortType.BOOL, PortType.LIST, PortType.DICT}
)
ARTIFACT_TYPES = frozenset(
    {PortType.DATAFRAME, PortType.SERIES, PortType.ARRAY, PortType.PATH, PortType.OBJECT}
)
# The key that marks the JSON form of an artifact reference; the same constant as ``MARKER``
# in resources/runtime/stitchboard_artifacts.py (a test keeps the two equal).
ARTIFACT_MARKER = "__stitchboard_artifact__"

_ALIASES: dict[str, PortType] = {
    "int": PortType.INT,
    "integer": PortType.INT,
    "int32": PortType.INT,
    "int64": PortType.INT,
    "float": PortType.FLOAT,
    "double": PortType.FLOAT,
    "number": PortType.FLOAT,
    "float32": PortType.FLOAT,
    "float64": PortType.FLOAT,
    "str": PortType.STR,
    "string": PortType.STR,
    "bool": PortType.BOOL,
    "boolean": PortType.BOOL,
    "bool_": PortType.BOOL,
    "list": PortType.LIST,
    "tuple": PortType.LIST,
    "sequence": PortType.LIST,
    "set": PortType.LIST,
    "dict": PortType.DICT,
    "mapping": PortType.DICT,
    "ordereddict": PortType.DICT,
    "defaultdict": PortType.DICT,
    "any": PortType.ANY,
    "none": PortType.ANY,
    "object": PortType.ANY,  # ``x: object`` says "anything", as ``Any`` does
    "dataframe": PortType.DATAFRAME,
    "series": PortType.SERIES,
    "ndarray": PortType.ARRAY,
    "path": PortType.PATH,
    "purepath": PortType.PATH,
    "posixpath": PortType.PATH,
    "windowspath": PortType.PATH,
    "pathlike": PortType.PATH,
}

# typing's special forms and generic ABCs: they say nothing a port could check.
_TYPING_FORMS = frozenset(
    "literal union callable iterable iterator generator type typevar collection "
    "container hashable sized awaitable coroutine arraylike protocol self never".split()
)
_WRAPPERS = re.compile(r"(?:Optional|Annotated|Final|Required|NotRequired)\[(.*)\]")
_ARTIFACT_KINDS = {
    "dataframe": PortType.DATAFRAME,
    "series": PortType.SERIES,
    "array": PortType.ARRAY,
    "path": PortType.PATH,
    "object": PortType.OBJECT,
}
_JSON_PYTHON_TYPES = {
    "builtins.list": PortType.LIST,
    "builtins.tuple": PortType.LIST,
    "builtins.dict": PortType.DICT,
    "builtins.str": PortType.STR,
    "builtins.int": PortType.INT,
    "builtins.float": PortType.FLOAT,
    "builtins.bool": PortType.BOOL,
}


def _single_type(text: str) -> PortType:
    base = re.split(r"[\[(]", text, maxsplit=1)[0].strip()
    last = base.rsplit(".", 1)[-1]
    found = _ALIASES.get(last.lower())
    if found is not None:
        return found
    if last.lower() in _TYPING_FORMS or not last.isidentifier():
        return PortType.ANY
    # A class name (``RandomForestClassifier``, ``torch.nn.Module``): a pickled object.
    return PortType.OBJECT if last[:1].isupper() or "." in base else PortType.ANY


def _first_argument(text: str) -> str:
    """``Dict[str, int], "meta"`` -> ``Dict[str, int]`` (the first top-level argument)."""
    depth = 0
    for i, char in enumerate(text):
        depth += (char in "[(") - (char in "])")
        if char == "," and depth == 0:
            return text[:i].strip()
    return text.strip()


def parse_type_name(name: str | None) -> PortType:
    """Map a type annotation such as ``List[int]``, ``pd.DataFrame`` or ``Path`` to a port type.

    JSON types as before; ``pd.DataFrame`` -> dataframe, ``pd.Series`` -> series,
    ``np.ndarray``/``NDArray[...]`` -> array, ``Path``/``os.PathLike`` (and ``str | Path``) ->
    path; a class name (capitalised or module-qualified) -> object; ``object``, ``Any``,
    typing's special forms and unknown lower-case names -> any.
    """
    if not name:
        return PortType.ANY
    text = name.strip().replace("typing.", "").replace("typing_extensions.", "")
    while wrapped := _WRAPPERS.fullmatch(text):
        text = _first_argument(wrapped.group(1))
    union = [part.strip() for part in text.split("|")]
    union = [part for part in union if part not in ("None", "NoneType")]
    kinds = {_single_type(part) for part in union}
    if kinds == {PortType.STR, PortType.PATH}:
        return PortType.PATH
    return kinds.pop() if len(union) == 1 else PortType.ANY


def _ref_json(value: Any) -> Mapping[str, Any] | None:
    """The JSON form of an artifact reference (an ``ArtifactRef`` or its dict), else None."""
    if type(value).__name__ == "ArtifactRef":  # never a DataFrame's own (costly) to_json
        value = value.to_json()
    if isinstance(value, Mapping) and value.get(ARTIFACT_MARKER) == 1:
        return value
    return None


def is_artifact_ref(value: Any) -> bool:
    """Whether a value is a reference to a stored artifact rather than a value itself."""
    return _ref_json(value) is not None


def _ref_type(ref: Mapping[str, Any]) -> PortType:
    python_type = str(ref.get("python_type", ""))
    if ref.get("type") in ("json", "object") and python_type in _JSON_PYTHON_TYPES:
        return _JSON_PYTHON_TYPES[python_type]
    return _ARTIFACT_KINDS.get(str(ref.get("type")), PortType.ANY)


def type_of_value(value: Any) -> PortType:
    """The port type a value naturally has: JSON values, artifact references, paths and
    (by class name, nothing imported) DataFrames, Series and arrays. ``None`` is ``any``."""
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
    ref = _ref_json(value)
    if ref is not None:
        return _ref_type(ref)
    if isinstance(value, dict):
        return PortType.DICT
    if isinstance(value, PurePath):
        return PortType.PATH
    kind = type(value)
    top = kind.__module__.split(".")[0]
    if (top, kind.__name__) in (
        ("pandas", "DataFrame"),
        ("pandas", "Series"),
        ("numpy", "ndarray"),
    ):
        return {"DataFrame": PortType.DATAFRAME, "Series": PortType.SERIES}.get(
            kind.__name__, PortType.ARRAY
        )
    return PortType.ANY


def can_feed(source: PortType, target: PortType) -> bool:
    """Whether a value of type ``source`` may flow into a port of type ``target``.

    ``any`` on either side is checked at run time; ``int`` feeds ``float``; every type feeds
    ``object`` (a class we cannot check by name), which feeds only ``object`` and ``any``;
    ``path`` feeds ``str`` (the notebook gets the local path as text) and ``str`` feeds
    ``path`` (text naming a file, handed on as given).
    """
    if source == target or PortType.ANY in (source, target) or target == PortType.OBJECT:
        return True
    return (source, target) in (
        (PortType.INT, PortType.FLOAT),
        (PortType.PATH, PortType.STR),
        (PortType.STR, PortType.PATH),
    )


def value_fits(value: Any, target: PortType) -> bool:
    """Whether a concrete value (or artifact reference) may be given to a port of type
    ``target`` (None always fits)."""
    if value is None:
        return True
    return can_feed(type_of_value(value), target)


def can_be_parameter(port_type: PortType) -> bool:
    """Whether a pipeline parameter (an Airflow DAG param) may have this type: JSON types,
    ``any`` and ``path`` (text naming a file or URL); data that lives in artifacts may not."""
    return port_type not in ARTIFACT_TYPES or port_type == PortType.PATH


def coerce_text(text: str, target: PortType) -> Any:
    """Turn command-line text (``-p name=value``) into a value of the target type.

    Raises ``ValueError`` with a short reason when the text does not fit.
    """
    import json

    if target in (PortType.STR, PortType.PATH):
        return text
    if target in ARTIFACT_TYPES:
        raise ValueError(f"a {target.value} cannot be given as text; wire it from an output")
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
        except ValueError as exc:
            raise ValueError(f"expected an int, got {text!r}") from exc
    if target == PortType.FLOAT:
        try:
            return float(text)
        except ValueError as exc:
            raise ValueError(f"expected a float, got {text!r}") from exc
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if target == PortType.ANY:
            return text
        raise ValueError(f"expected JSON for a {target.value}, got {text!r}") from exc
    if not value_fits(value, target):
        raise ValueError(f"expected a {target.value}, got {type_of_value(value).value}")
    return value
