"""Stitchboard's bridge to R nodes: R notebooks (IRkernel) and R scripts (``Rscript``).

It travels with ``stitchboard_runtime.py`` and ``stitchboard_artifacts.py`` and runs in the
same Python process as they do (the dry-run, a worker, a pod); the R side is
``stitchboard.R`` beside it, sourced by the cells added to an R notebook.

The R kernel only ever reads and writes local files with jsonlite; everything about the store
stays here, in Python:
- inputs: small JSON values are injected by papermill's R translator (a list arrives as an R
  ``list``, a dict as a named ``list``, ``None`` as ``NULL``); artifacts are turned into local
  files first (a DataFrame into the typed columnar JSON below, an RDS or path artifact into a
  local copy) and named in a small manifest that the load cell reads;
- outputs: the collect cell writes JSON values exactly, data frames as typed columnar JSON and
  every other R object as RDS, into a raw file beside the outputs file; ``finish_outputs``
  stores the files as artifacts (``dataframe``/``columns``, ``object``/``rds``) and writes
  the outputs JSON every other node kind writes.

The data frame format (no R arrow in Debian, so no Parquet in R): one JSON object
``{"stitchboard_frame": 1, "nrow": N, "columns": [{"name", "type", "values"[, "levels"]}]}``
with types ``double``, ``integer``, ``logical``, ``character``, ``factor`` and ``Date``;
missing values are ``null``. Other column types travel as text.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

RUNTIME_DIR = Path(__file__).resolve().parent
R_HELPERS = RUNTIME_DIR / "stitchboard.R"
R_MARKER = "__stitchboard_r__"  # a collected output that is a file (data frame, RDS)
FRAME_MARK = "stitchboard_frame"
RSCRIPT_ENV = "STITCHBOARD_RSCRIPT"  # the Rscript to run R scripts with (default: PATH's)
R_INT_MAX = 2**31 - 1  # R integers are 32-bit (and -2**31 is NA)


class RNotFoundError(RuntimeError):
    """R (``Rscript``) is not installed where an R node has to run."""


def _artifacts() -> Any:
    import importlib

    if __package__:
        return importlib.import_module(f"{__package__}.stitchboard_artifacts")
    return importlib.import_module("stitchboard_artifacts")


def is_r_language(language: str) -> bool:
    """Whether a notebook's language (kernelspec or language_info) is R."""
    return language.strip().lower() == "r"


def is_r_script(path: str | Path) -> bool:
    """Whether a node's source is an R script (``.R``, run with ``Rscript``)."""
    return str(path).lower().endswith(".r")


def rscript() -> str:
    """The ``Rscript`` to run R scripts with; ``RNotFoundError`` saying what to install."""
    found = os.environ.get(RSCRIPT_ENV) or shutil.which("Rscript")
    if not found:
        raise RNotFoundError(
            "Rscript is not installed here: install R (Debian: apt-get install r-base-core "
            "r-cran-jsonlite)"
        )
    return found


def _r_string(text: str | Path) -> str:
    # a JSON string is an R string literal too (same escapes); raw UTF-8 keeps R from \u pairs
    return json.dumps(str(text), ensure_ascii=False)


def _helper_call(call: str) -> str:
    """R source that runs one helper of ``stitchboard.R`` and leaves no name behind."""
    return (
        f"local({{ sb <- new.env(); sys.source({_r_string(R_HELPERS)}, envir = sb); sb${call} }})\n"
    )


def raw_outputs_path(outputs_path: str | Path) -> Path:
    """Where an R notebook's collect cell writes its outputs before they are stored."""
    return Path(f"{outputs_path}.r.json")


def staging_dir(outputs_path: str | Path) -> Path:
    """The folder the collect cell writes data frames and RDS files into."""
    return Path(f"{outputs_path}.r-files")


def clear_outputs(outputs_path: str | Path) -> None:
    """Remove what an earlier run of the collect cell left (so stale outputs never count)."""
    raw_outputs_path(outputs_path).unlink(missing_ok=True)
    shutil.rmtree(staging_dir(outputs_path), ignore_errors=True)


def load_cell_source(manifest_path: str | Path) -> str:
    """The R cell after the injected parameters that loads artifacts and big values."""
    return (
        "# Added by Stitchboard: load this node's artifact inputs (not part of your notebook).\n"
        + _helper_call(f"stitchboard_load({_r_string(manifest_path)}, globalenv())")
    )


def collect_cell_source(names: Sequence[str], outputs_path: str | Path) -> str:
    """The last R cell: write the outputs (values, data frames, RDS) for ``finish_outputs``."""
    vector = "c(" + ", ".join(_r_string(n) for n in names) + ")"
    staging = _r_string(staging_dir(outputs_path))
    raw = _r_string(raw_outputs_path(outputs_path))
    return (
        "# Added by Stitchboard: collect this notebook's outputs (not part of your notebook).\n"
        + _helper_call(f"stitchboard_collect({vector}, {staging}, {raw}, globalenv())")
    )


# ------------------------------------------------------------------------------ inputs


def papermill_safe(inline: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(injected, loaded): papermill's R translator writes non-ASCII text as ``"\\xe9"``, which
    R reads as a broken byte; such values go through the manifest (jsonlite reads UTF-8)."""
    safe: dict[str, Any] = {}
    moved: dict[str, Any] = {}
    for name, value in inline.items():
        try:
            ascii_only = json.dumps(value, ensure_ascii=False).isascii()
        except (TypeError, ValueError):
            ascii_only = True
        (safe if ascii_only else moved)[name] = value
    return safe, moved


def _r_entry(name: str, value: Any, local: Path, producer: str | None) -> dict[str, Any]:
    """How one loaded input reaches R: a frame file, an RDS file, a path or a JSON value."""
    art = _artifacts()
    if not art.is_ref(value):
        return {"value": value}
    ref = art.ref_from_json(value)
    if ref.format == "columns":
        return {"frame": str(art.local_copy(ref, local_dir=local, producer=producer))}
    if ref.type in ("dataframe", "series"):
        frame = art.load_input(ref, producer=producer)
        local.mkdir(parents=True, exist_ok=True)
        target = local / f"{name}.frame.json"
        write_columns_frame(frame.to_frame() if ref.type == "series" else frame, target)
        return {"frame": str(target), "vector": ref.type == "series"}
    if ref.format == "rds":
        return {"rds": str(art.local_copy(ref, local_dir=local, producer=producer))}
    if ref.type == "path":
        return {"path": str(art.local_copy(ref, local_dir=local, producer=producer))}
    if ref.format in ("json", "npy"):
        loaded = art.load_input(ref, producer=producer)
        return {"value": loaded.tolist() if ref.format == "npy" else loaded}
    raise art.ArtifactError(
        f"a pickled Python object ({ref.python_type or 'object'}) cannot be given to an R "
        "node; hand it on as a DataFrame, a JSON value or a file"
    )


def write_manifest(
    path: Path, inputs: Mapping[str, Any], producers: Mapping[str, str], as_text: Sequence[str]
) -> None:
    """The small JSON file ``stitchboard_load`` reads in the R kernel (local files only)."""
    art = _artifacts()
    downloads = path.parent / (path.name.split(".")[0] + "-downloads")
    entries: dict[str, Any] = {}
    for name, value in inputs.items():
        try:
            entries[name] = _r_entry(name, value, downloads / name, producers.get(name))
        except art.ArtifactError as exc:
            raise type(exc)(f"input {name!r}: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"inputs": entries}), encoding="utf-8")


def script_inputs(
    parameters: Mapping[str, Any], local_root: Path, producers: Mapping[str, str]
) -> dict[str, Any]:
    """An R script's inputs: artifacts become local paths, data frames CSV files first."""
    art = _artifacts()
    given: dict[str, Any] = {}
    for name, value in parameters.items():
        if art.is_ref(value):
            local = local_root / name
            try:
                value = str(_script_path(name, art.ref_from_json(value), local, producers))
            except art.ArtifactError as exc:
                raise type(exc)(f"input {name!r}: {exc}") from None
        given[name] = value
    return given


def _script_path(name: str, ref: Any, local: Path, producers: Mapping[str, str]) -> Path:
    art = _artifacts()
    producer = producers.get(name)
    if ref.type in ("dataframe", "series"):
        frame = art.load_input(ref, producer=producer)
        local.mkdir(parents=True, exist_ok=True)
        target = local / f"{name}.csv"
        _plain(frame.to_frame() if ref.type == "series" else frame).to_csv(target, index=False)
        return target
    if ref.format == "pickle":
        raise art.ArtifactError(
            f"a pickled Python object ({ref.python_type or 'object'}) cannot be given to an R "
            "script; hand it on as a DataFrame, a JSON value or a file"
        )
    return Path(art.local_copy(ref, local_dir=local, producer=producer))


# ------------------------------------------------------------------------------ outputs


def finish_outputs(
    outputs_path: str | Path, store: str, prefix: Sequence[str], storage_options: Any = None
) -> bool:
    """Store what an R notebook's collect cell wrote; write the outputs JSON. False: no R run."""
    raw = raw_outputs_path(outputs_path)
    if not raw.exists():
        return False
    art = _artifacts()
    values = json.loads(raw.read_text(encoding="utf-8"))
    where = art.Where(store, tuple(prefix), storage_options)
    results: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, dict) and R_MARKER in value:
            is_frame = value[R_MARKER] == "dataframe"
            kind, fmt = ("dataframe", "columns") if is_frame else ("object", "rds")
            type_name = f"R {value.get('class') or 'object'}"
            stored = art.store_file_as(value["path"], name, where, kind, fmt, type_name)
        else:
            stored = art.store_output(value, name, where)
        results[name] = stored.to_json() if isinstance(stored, art.ArtifactRef) else stored
    path = Path(outputs_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results), encoding="utf-8")
    clear_outputs(outputs_path)
    return True


# ------------------------------------------------------------------ the data frame format


def _plain(frame: Any) -> Any:
    """A frame whose index is not the default 0..n-1 keeps it as leading columns."""
    import pandas as pd

    index = frame.index
    default = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    return frame if default else frame.reset_index()


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _frame_column(name: Any, series: Any) -> dict[str, Any]:
    import pandas as pd
    from pandas.api import types

    dtype = series.dtype
    raw = series.tolist()
    column: dict[str, Any] = {"name": str(name)}
    values: list[Any]
    if isinstance(dtype, pd.CategoricalDtype):
        column["type"] = "factor"
        column["levels"] = [str(c) for c in dtype.categories]
        values = [None if _missing(v) else str(v) for v in raw]
    elif types.is_bool_dtype(dtype):
        column["type"] = "logical"
        values = [None if _missing(v) else bool(v) for v in raw]
    elif types.is_integer_dtype(dtype):
        small = all(_missing(v) or -R_INT_MAX <= v <= R_INT_MAX for v in raw)
        column["type"] = "integer" if small else "double"
        values = [None if _missing(v) else (int(v) if small else float(v)) for v in raw]
    elif types.is_float_dtype(dtype):
        column["type"] = "double"
        values = [None if _missing(v) or v in (float("inf"), -float("inf")) else v for v in raw]
    elif types.is_datetime64_any_dtype(dtype) and getattr(dtype, "tz", None) is None:
        dates = bool((series.dropna() == series.dropna().dt.normalize()).all())
        column["type"] = "Date" if dates else "character"
        shape = "%Y-%m-%d" if dates else "%Y-%m-%dT%H:%M:%S.%f"
        values = [None if _missing(v) else v.strftime(shape) for v in raw]
    else:
        column["type"] = "character"
        values = [None if _missing(v) else str(v) for v in raw]
    column["values"] = values
    return column


def write_columns_frame(frame: Any, path: str | Path) -> None:
    """Write a pandas DataFrame in the typed columnar JSON format R nodes read."""
    frame = _plain(frame)
    columns = [_frame_column(name, frame.iloc[:, i]) for i, name in enumerate(frame.columns)]
    data = {FRAME_MARK: 1, "nrow": len(frame), "columns": columns}
    Path(path).write_text(json.dumps(data, allow_nan=False), encoding="utf-8")


def _series(column: Mapping[str, Any]) -> Any:
    import pandas as pd

    values = list(column.get("values") or [])
    kind = column.get("type")
    gaps = any(v is None for v in values)
    if kind == "double":
        return pd.Series(values, dtype="float64")
    if kind == "integer":
        return pd.Series(values, dtype="Int64" if gaps else "int64")
    if kind == "logical":
        return pd.Series(values, dtype="boolean" if gaps else "bool")
    if kind == "factor":
        return pd.Series(pd.Categorical(values, categories=list(column.get("levels") or [])))
    if kind == "Date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d"))
    # text takes pandas' own default for text (``str`` from pandas 3, ``object`` before)
    return pd.Series(values) if values else pd.Series([], dtype=object)


def read_columns_frame(source: Any) -> Any:
    """The pandas DataFrame a typed columnar JSON file holds (a path or a binary stream)."""
    import pandas as pd

    if isinstance(source, str | Path):
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    else:
        data = json.load(source)
    if not isinstance(data, dict) or data.get(FRAME_MARK) != 1:
        raise ValueError("not a Stitchboard data frame file")
    columns = list(data.get("columns") or [])
    frame = pd.DataFrame({i: _series(c) for i, c in enumerate(columns)})
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(int(data.get("nrow") or 0)))
    frame.columns = [str(c.get("name")) for c in columns]
    return frame


def columns_preview(path: str | Path) -> str:
    """``rows x columns [names]`` of a columnar JSON data frame file (for run summaries)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    names = [str(c.get("name")) for c in data.get("columns") or []]
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"{int(data.get('nrow') or 0)} x {len(names)} [{shown}]"
