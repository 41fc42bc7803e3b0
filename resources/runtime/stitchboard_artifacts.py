"""Stitchboard's artifact layer: data of any kind and size handed from one node to the next.

This file is self-contained (stdlib at import time; pandas, pyarrow, numpy and fsspec are
imported only when a value needs them) because it travels next to ``stitchboard_runtime.py``
into pods and workers, and into the kernel that runs a notebook.

Small JSON values (at most ``INLINE_LIMIT`` bytes serialised) travel as values. Everything else
is written to an artifact store and only an ``ArtifactRef`` (URI, type, format, size, sha256)
travels: DataFrames and Series as Parquet, numpy arrays as ``.npy``, a ``pathlib.Path`` the
notebook wrote as the file or folder itself, big JSON as ``.json``, any other object as a pickle.

A store is a URL: a local folder (plain path or ``file://``), ``s3://bucket/prefix`` (any
S3-compatible endpoint; endpoint and credentials come from the environment, e.g.
``AWS_ENDPOINT_URL``, or from fsspec storage options given at run time, never from the
pipeline file), or anything else fsspec opens (``gs://``, ``abfs://`` with their extras).
Layout: ``<store>/<dag_id>/<run_id>/<task>/<port>.<ext>``; a path artifact keeps its own name,
``<store>/<dag_id>/<run_id>/<task>/<port>/<name>``. Next to each artifact lies a small commit
marker ``<uri>.commit``, written last: a reader refuses an artifact without it, so a writer that
died part-way is never read as complete. (Object stores keep no empty folders: an empty
sub-folder of a path artifact does not come back from ``s3://``.) Every read checks the
artifact's size and sha256 against its reference first (``stitchboard_integrity``) and
refuses one that changed in one line; a path input is the reader's own copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

MODULE = "stitchboard_artifacts"  # the name the kernel imports this file by
MARKER = "__stitchboard_artifact__"
INLINE_LIMIT = 64 * 1024  # bytes of JSON text; bigger values go to the store
COMMIT_SUFFIX = ".commit"
STORAGE_OPTIONS_ENV = "STITCHBOARD_STORAGE_OPTIONS"  # JSON object of fsspec storage options
S3_READ_TIMEOUT = 300  # seconds s3fs waits for one answer (its own default, 15, is too short)
KINDS = ("dataframe", "series", "array", "path", "object", "json")
FORMATS = ("parquet", "npy", "file", "dir", "pickle", "json", "columns", "rds")  # last two: R
_SERIES_COLUMN = "__stitchboard_series__"  # column name of an unnamed Series in its Parquet file


class ArtifactError(Exception):
    """An artifact could not be stored or read (the message is one line for the user)."""


class UnstorableOutputError(ArtifactError):
    """An output value that no artifact format can hold (a generator, an open file, a lambda)."""


class MissingArtifactError(ArtifactError):
    """An artifact is gone (run folder deleted, object removed) or was never completed."""


class CorruptArtifactError(ArtifactError):
    """An artifact's bytes are not the ones its producer recorded (changed, cut or replaced)."""


@dataclass(frozen=True)
class ArtifactRef:
    """What travels in place of a stored value: where it is, what it is, how big, its hash."""

    uri: str
    type: str
    format: str
    size: int
    sha256: str
    python_type: str = ""
    libs: dict[str, str] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON form; its marker key keeps it from being mistaken for a user's value."""
        return {
            MARKER: 1,
            "uri": self.uri,
            "type": self.type,
            "format": self.format,
            "size": self.size,
            "sha256": self.sha256,
            "python_type": self.python_type,
            "libs": dict(self.libs),
        }

    @property
    def name(self) -> str:
        """The last part of the URI (a path artifact's own file or folder name)."""
        return self.uri.rstrip("/").rsplit("/", 1)[-1]


def is_ref(value: Any) -> bool:
    """Whether ``value`` is an artifact reference (the object or its JSON form)."""
    return isinstance(value, ArtifactRef) or (isinstance(value, dict) and value.get(MARKER) == 1)


def ref_from_json(data: Any) -> ArtifactRef:
    """The ``ArtifactRef`` of a JSON form; ``ArtifactError`` if it is not a well-formed one."""
    if isinstance(data, ArtifactRef):
        return data
    if not is_ref(data):
        raise ArtifactError("not an artifact reference (no marker)")
    try:
        ref = ArtifactRef(
            uri=str(data["uri"]),
            type=str(data["type"]),
            format=str(data["format"]),
            size=int(data["size"]),
            sha256=str(data["sha256"]),
            python_type=str(data.get("python_type", "")),
            libs={str(k): str(v) for k, v in dict(data.get("libs") or {}).items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"malformed artifact reference: {exc}") from None
    if ref.type not in KINDS or ref.format not in FORMATS:
        raise ArtifactError(f"malformed artifact reference: {ref.type}/{ref.format}")
    return ref


# ---------------------------------------------------------------------------- content hashes


def _sibling(name: str) -> Any:
    """A runtime module lying beside this file (in a package here, top-level in a pod)."""
    import importlib

    return importlib.import_module(f"{__package__}.{name}" if __package__ else name)


integrity = _sibling("stitchboard_integrity")  # hashes and the checks every read makes
sha256_stream = integrity.sha256_stream
sha256_file = integrity.sha256_file
sha256_tree = integrity.sha256_tree
_tree_digest = integrity.tree_digest
_walk = integrity.walk
_copy_hashing = integrity.copy_hashing


def sha256_json(value: Any) -> str:
    """sha256 of a JSON value in canonical form (sorted keys), for the data-aware cache."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------- stores


@dataclass(frozen=True)
class Where:
    """Where a task's artifacts go: a store URL and the prefix parts (dag_id, run_id, task)."""

    store: str
    prefix: tuple[str, ...]
    storage_options: dict[str, Any] | None = field(default=None, hash=False)


def _safe_part(part: str) -> str:
    text = re.sub(r"[^A-Za-z0-9._=-]", "_", str(part))
    if text in ("", ".", ".."):
        raise ArtifactError(f"artifact prefix part {part!r} is not a usable folder name")
    return text


def _is_local(url: str) -> bool:
    return "://" not in url or url.startswith("file://")


def _local_path(url: str) -> Path:
    return Path(url[len("file://") :] if url.startswith("file://") else url)


def _storage_options(given: Mapping[str, Any] | None) -> dict[str, Any]:
    if given is not None:
        return dict(given)
    text = os.environ.get(STORAGE_OPTIONS_ENV, "")
    if not text:
        return {}
    try:
        options = json.loads(text)
    except json.JSONDecodeError:
        raise ArtifactError(f"${STORAGE_OPTIONS_ENV} is not a JSON object") from None
    if not isinstance(options, dict):
        raise ArtifactError(f"${STORAGE_OPTIONS_ENV} is not a JSON object")
    return options


def _filesystem(url: str, options: Mapping[str, Any] | None) -> tuple[Any, str]:
    """The fsspec filesystem and in-store path of a remote URL."""
    try:
        import fsspec
    except ImportError:
        raise ArtifactError(f"{url}: a remote artifact store needs the fsspec package") from None
    given = _storage_options(options)
    if url.startswith(("s3://", "s3a://")):
        # s3fs waits 15 s for each answer, then sends the request again: a 50 MB part on a
        # busy link or server outlasts that, and moto's server fails the 1 GB multipart upload
        # it re-sent (measured 2026-12; see docs/dry-run.md). Give each answer 5 minutes.
        config = dict(given.get("config_kwargs") or {})
        config.setdefault("read_timeout", S3_READ_TIMEOUT)
        given = {**given, "config_kwargs": config}
    try:
        return fsspec.core.url_to_fs(url, **given)
    except (ImportError, ValueError) as exc:
        raise ArtifactError(f"{url}: cannot open this artifact store ({exc})") from None


def _write_local_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _remove_local(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class _Target:
    """One artifact being written: a staging place first, then the data, the commit last."""

    def __init__(self, where: Where, rel: str) -> None:
        self.local = _is_local(where.store)
        parts = "/".join(_safe_part(p) for p in where.prefix)
        if self.local:
            self.path = _local_path(where.store).resolve() / parts / rel
            self.uri = self.path.as_posix()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _remove_local(Path(self.uri + COMMIT_SUFFIX))
        else:
            self.fs, root = _filesystem(where.store, where.storage_options)
            self.rpath = "/".join(x for x in (root.rstrip("/"), parts, rel) if x)
            self.uri = self.fs.unstrip_protocol(self.rpath)
            try:
                self.fs.rm_file(self.rpath + COMMIT_SUFFIX)
            except FileNotFoundError:
                pass

    @contextmanager
    def staged_file(self) -> Iterator[Path]:
        """A local file to write the data into; on success it becomes the artifact."""
        folder = self.path.parent if self.local else Path(tempfile.mkdtemp(prefix="sb-art-"))
        tmp = folder / f".{Path(self.uri).name}.tmp-{uuid.uuid4().hex}"
        try:
            yield tmp
            if self.local:
                os.replace(tmp, self.path)
            else:
                self.fs.put_file(str(tmp), self.rpath)
        finally:
            if tmp.exists():
                tmp.unlink()
            if not self.local:
                shutil.rmtree(folder, ignore_errors=True)

    def put_tree(self, src: Path) -> tuple[str, int]:
        """Copy a file or folder as is; returns (sha256 or tree hash, total bytes)."""
        if self.local:
            tmp = self.path.with_name(f".{self.path.name}.tmp-{uuid.uuid4().hex}")
            try:
                digest, size = _copy_local(src, tmp)
                _remove_local(self.path)
                os.replace(tmp, self.path)
            finally:
                if tmp.exists():
                    _remove_local(tmp)
            return digest, size
        if src.is_file():
            digest = sha256_file(src)
            self.fs.put_file(str(src), self.rpath)
            return digest, src.stat().st_size
        entries: dict[str, str] = {}
        files: list[tuple[str, Path]] = []
        for rel, path in _walk(src):
            entries[rel] = "" if path.is_dir() else sha256_file(path)
            if not path.is_dir():
                files.append((rel, path))
        if self.fs.exists(self.rpath):
            self.fs.rm(self.rpath, recursive=True)
        if files:
            self.fs.put([str(p) for _, p in files], [f"{self.rpath}/{r}" for r, _ in files])
        return _tree_digest(entries), sum(p.stat().st_size for _, p in files)

    def commit(self, ref: ArtifactRef) -> ArtifactRef:
        """Write the commit marker (last): from now on readers accept the artifact."""
        data = json.dumps({"sha256": ref.sha256, "size": ref.size}).encode()
        if self.local:
            _write_local_atomic(Path(self.uri + COMMIT_SUFFIX), data)
        else:
            self.fs.pipe_file(self.rpath + COMMIT_SUFFIX, data)
        return ref


_copy_local = integrity.copy_tree


# ------------------------------------------------------------------------------ storing


def _python_type(value: Any) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _lib_versions(*modules: str) -> dict[str, str]:
    found = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in modules:
        module = sys.modules.get(name.split(".")[0])
        version = getattr(module, "__version__", None)
        if isinstance(version, str):
            found[name.split(".")[0]] = version
    return found


def _loaded_instance(value: Any, module: str, *names: str) -> bool:
    """isinstance against a library class without importing a library the value cannot use."""
    lib = sys.modules.get(module)
    return lib is not None and isinstance(value, tuple(getattr(lib, n) for n in names))


class _NotebookPickler(pickle.Pickler):
    """Refuses classes and functions defined in the notebook: no other kernel can load them."""

    def persistent_id(self, obj: Any) -> None:
        if isinstance(obj, type) or callable(obj):
            if getattr(obj, "__module__", None) == "__main__":
                what = "class" if isinstance(obj, type) else "function"
                raise pickle.PicklingError(
                    f"it uses the {what} {getattr(obj, '__qualname__', obj)!r} defined in the "
                    "notebook itself; define it in a module the next node can import"
                )
        return None


def _pickle_to(value: Any, port: str, target: _Target, kind: str) -> ArtifactRef:
    with target.staged_file() as tmp:
        try:
            with open(tmp, "wb") as stream:
                _NotebookPickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        except Exception as exc:  # pickle raises TypeError, PicklingError, AttributeError...
            raise UnstorableOutputError(
                f"output {port!r} cannot be stored ({type(value).__name__}): {exc}"
            ) from None
        digest, size = sha256_file(tmp), tmp.stat().st_size
    libs = _lib_versions(type(value).__module__)
    return target.commit(
        ArtifactRef(target.uri, kind, "pickle", size, digest, _python_type(value), libs)
    )


def _store_frame(value: Any, port: str, where: Where) -> ArtifactRef:
    import pandas as pd

    kind = "series" if isinstance(value, pd.Series) else "dataframe"
    frame = value
    if kind == "series":
        frame = value.to_frame(_SERIES_COLUMN if value.name is None else value.name)
    target = _Target(where, f"{_safe_part(port)}.parquet")
    try:
        with target.staged_file() as tmp:
            frame.to_parquet(tmp, engine="pyarrow")
            digest, size = sha256_file(tmp), tmp.stat().st_size
    except (ValueError, TypeError, NotImplementedError):
        # Parquet cannot hold every frame (mixed object columns, odd column names): pickle it.
        return _pickle_to(value, port, _Target(where, f"{_safe_part(port)}.pkl"), kind)
    libs = _lib_versions("pandas", "pyarrow")
    return target.commit(
        ArtifactRef(target.uri, kind, "parquet", size, digest, _python_type(value), libs)
    )


def _store_array(value: Any, port: str, where: Where) -> ArtifactRef:
    import numpy as np

    if value.dtype.hasobject:
        return _pickle_to(value, port, _Target(where, f"{_safe_part(port)}.pkl"), "array")
    target = _Target(where, f"{_safe_part(port)}.npy")
    with target.staged_file() as tmp:
        with open(tmp, "wb") as stream:  # a file object: np.save would append ".npy" to a name
            np.save(stream, value, allow_pickle=False)
        digest, size = sha256_file(tmp), tmp.stat().st_size
    libs = _lib_versions("numpy")
    return target.commit(
        ArtifactRef(target.uri, "array", "npy", size, digest, _python_type(value), libs)
    )


def _store_path(value: PurePath, port: str, where: Where) -> ArtifactRef:
    src = Path(value).resolve()
    if not src.exists():
        raise UnstorableOutputError(f"output {port!r} names a path that does not exist: {src}")
    if not (src.is_file() or src.is_dir()):
        raise UnstorableOutputError(f"output {port!r} is neither a file nor a folder: {src}")
    target = _Target(where, f"{_safe_part(port)}/{src.name}")
    digest, size = target.put_tree(src)
    fmt = "file" if src.is_file() else "dir"
    return target.commit(ArtifactRef(target.uri, "path", fmt, size, digest, _python_type(value)))


def _json_text(value: Any) -> str | None:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


def _plain_scalar(value: Any) -> Any:
    """numpy 0-d values (``np.float64(1.5)``, ``np.array(3)``) become Python scalars."""
    if type(value).__module__ == "numpy" and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def store_output(value: Any, port: str, where: Where) -> Any:
    """Keep a small JSON value as is; store anything else and return its ``ArtifactRef``.

    Raises ``UnstorableOutputError`` naming the output and its type when no format holds it,
    ``ArtifactError`` (one line naming the output and the store) when the store fails.
    """
    try:
        return _store_output(value, port, where)
    except ArtifactError:
        raise
    except Exception as exc:  # fsspec/botocore/OS errors: one family, one line for the user
        raise ArtifactError(
            f"output {port!r}: cannot write to the artifact store {where.store} ({_one_line(exc)})"
        ) from exc


def _store_output(value: Any, port: str, where: Where) -> Any:
    value = _plain_scalar(value)
    if _loaded_instance(value, "pyspark.sql", "DataFrame"):
        # A Spark DataFrame is collected to the driver and travels as a pandas one (Parquet):
        # downstream nodes read it without Spark; big data is written by the job itself.
        value = value.toPandas()
    if _loaded_instance(value, "pandas", "DataFrame", "Series"):
        return _store_frame(value, port, where)
    if _loaded_instance(value, "numpy", "ndarray"):
        return _store_array(value, port, where)
    if isinstance(value, PurePath):
        return _store_path(value, port, where)
    text = _json_text(value)
    if text is None:
        return _pickle_to(value, port, _Target(where, f"{_safe_part(port)}.pkl"), "object")
    if len(text) <= INLINE_LIMIT:  # ASCII only (ensure_ascii): characters are bytes
        return value
    target = _Target(where, f"{_safe_part(port)}.json")
    with target.staged_file() as tmp:
        tmp.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    return target.commit(
        ArtifactRef(target.uri, "json", "json", len(text), digest, _python_type(value))
    )


# ------------------------------------------------------------------------------ loading


def _where_from(ref: ArtifactRef, producer: str | None) -> str:
    return f"{ref.uri} (output of {producer})" if producer else ref.uri


def _check_local(ref: ArtifactRef, producer: str | None) -> Path:
    path = Path(ref.uri)
    commit = Path(ref.uri + COMMIT_SUFFIX)
    if not commit.exists():
        if path.exists():
            raise MissingArtifactError(
                f"artifact {_where_from(ref, producer)} was never completed (no commit marker)"
            )
        raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing")
    _check_commit(ref, commit.read_bytes(), producer)
    return path


def _check_commit(ref: ArtifactRef, data: bytes, producer: str | None) -> None:
    try:
        digest = json.loads(data)["sha256"]
    except (ValueError, KeyError, TypeError):
        digest = None
    if digest != ref.sha256:
        raise MissingArtifactError(
            f"artifact {_where_from(ref, producer)} was rewritten since this reference was made"
        )


def _check_remote(ref: ArtifactRef, options: Any, producer: str | None) -> tuple[Any, str]:
    fs, path = _filesystem(ref.uri, options)
    try:
        data = fs.cat_file(path + COMMIT_SUFFIX)
    except FileNotFoundError:
        if fs.exists(path):
            raise MissingArtifactError(
                f"artifact {_where_from(ref, producer)} was never completed (no commit marker)"
            ) from None
        raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing") from None
    _check_commit(ref, data, producer)
    return fs, path


def _read(ref: ArtifactRef, source: Any) -> Any:
    """The value held by a stored artifact (not a path artifact), read from a local file path
    (native readers, no Python file in between) or a binary stream."""
    if isinstance(source, str) and ref.format in ("json", "pickle", "columns"):
        with open(source, "rb") as stream:
            return _read(ref, stream)
    if ref.format == "parquet":
        import pandas as pd

        frame = pd.read_parquet(source, engine="pyarrow")
        if ref.type != "series":
            return frame
        series = frame.iloc[:, 0]
        return series.rename(None) if series.name == _SERIES_COLUMN else series
    if ref.format == "npy":
        import numpy as np

        return np.load(source, allow_pickle=False)
    if ref.format == "json":
        return json.load(source)
    if ref.format == "columns":
        return _rlang().read_columns_frame(source)
    if ref.format == "rds":
        raise ArtifactError(
            f"{ref.uri} is an R object ({ref.python_type or 'RDS'}): only R nodes can read it"
        )
    try:
        value = pickle.load(source)  # noqa: S301 - only ever the user's own artifact store
    finally:  # after loading: unpickling imports the libraries the versions are read from
        _warn_on_other_versions(ref)
    return value


def _rlang() -> Any:
    """The R bridge lying beside this file (``stitchboard_rlang``: R's data frame format)."""
    import importlib

    return importlib.import_module(
        f"{__package__}.stitchboard_rlang" if __package__ else "stitchboard_rlang"
    )


def store_file_as(
    src: str | Path, port: str, where: Where, kind: str, fmt: str, type_name: str
) -> ArtifactRef:
    """Store one file another language wrote (an R data frame, an RDS) as an artifact."""
    target = _Target(where, f"{_safe_part(port)}.{fmt}")
    with target.staged_file() as tmp:
        digest = _copy_hashing(Path(src), tmp)
        size = tmp.stat().st_size
    return target.commit(ArtifactRef(target.uri, kind, fmt, size, digest, type_name))


def _warn_on_other_versions(ref: ArtifactRef) -> None:
    here = _lib_versions(*ref.libs)
    changed = [
        f"{k} {v} -> {here.get(k, 'missing')}" for k, v in ref.libs.items() if here.get(k) != v
    ]
    if changed and ref.libs.get("python"):
        warnings.warn(
            f"{ref.uri} was pickled with other versions ({', '.join(changed)})", stacklevel=3
        )


def _download(fs: Any, path: str, ref: ArtifactRef, local_dir: Path) -> Path:
    local_dir.mkdir(parents=True, exist_ok=True)
    target = local_dir / ref.name
    _remove_local(target)
    if ref.format == "file":
        fs.get_file(path, str(target))
        return target
    target.mkdir()
    base = path.rstrip("/") + "/"
    found = [p for p in fs.find(path) if p.startswith(base)]
    rels = [p[len(base) :] for p in found]
    for rel in rels:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
    if found:
        fs.get(found, [str(target / rel) for rel in rels])
    return target


def load_input(
    ref: Any,
    *,
    local_dir: str | Path | None = None,
    producer: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> Any:
    """The object an artifact holds: an equal DataFrame, array, object, or a local ``Path``.

    A path artifact comes back as the reader's own copy in ``local_dir`` under its own name
    (copied from a local store, downloaded from a remote one). Every artifact's size and
    sha256 are checked against the reference before it is parsed: one that changed raises
    ``CorruptArtifactError`` (a replaced pickle is never unpickled). A missing or half-written
    artifact raises ``MissingArtifactError``; both name its URI (and ``producer``, the
    upstream node, if given).
    """
    ref = ref_from_json(ref)
    try:
        return _load(ref, local_dir, producer, storage_options)
    except ArtifactError:
        raise
    except FileNotFoundError:
        raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing") from None
    except Exception as exc:  # a library gone, a class renamed, a store refusing: one line
        raise ArtifactError(
            f"cannot read artifact {_where_from(ref, producer)} ({_one_line(exc)})"
        ) from exc


def _refuse_changed(ref: ArtifactRef, producer: str | None, problem: str) -> None:
    """Raise ``CorruptArtifactError`` (one line naming the artifact and its producer)."""
    if problem:
        who = producer or "its producer"
        raise CorruptArtifactError(
            f"artifact {_where_from(ref, producer)} {problem}: it was changed after it was "
            f"written, so it is not read; run {who} again"
        )


def _verified_local(ref: ArtifactRef, producer: str | None) -> Path:
    """A local artifact's path, once its commit marker, size and hash match the reference."""
    path = _check_local(ref, producer)
    if not path.exists():
        raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing")
    _refuse_changed(ref, producer, integrity.check(path, ref.size, ref.sha256))
    return path


def _folder(local_dir: Any) -> Path:
    return Path(local_dir) if local_dir else Path(tempfile.mkdtemp(prefix="sb-in-"))


def _private_copy(ref: ArtifactRef, path: Path, folder: Path, producer: str | None) -> Path:
    """A reader's own copy of a local artifact, checked as it is copied: what the reader
    writes there never reaches the artifact its siblings read (as after a download)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ref.name
    _remove_local(target)
    if path.is_file() and path.stat().st_size != ref.size:
        _refuse_changed(ref, producer, integrity.check(path, ref.size, ref.sha256))
    digest, size = integrity.copy_tree(path, target)
    problem = integrity.difference(ref.size, ref.sha256, size, digest)
    if problem:
        _remove_local(target)
        _refuse_changed(ref, producer, problem)
    return target


def _checked_download(
    fs: Any, rpath: str, ref: ArtifactRef, folder: Path, producer: str | None
) -> Path:
    """Download an artifact into ``folder`` under its own name; refuse it if it changed."""
    if ref.type == "path":
        got = _download(fs, rpath, ref, folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        got = folder / ref.name
        fs.get_file(rpath, str(got))
    problem = integrity.check(got, ref.size, ref.sha256)
    if problem:
        _remove_local(got)
        _refuse_changed(ref, producer, problem)
    return got


def _load(ref: ArtifactRef, local_dir: Any, producer: str | None, options: Any) -> Any:
    if _is_local(ref.uri):
        if ref.type == "path":
            path = _check_local(ref, producer)
            if not path.exists():
                raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing")
            return _private_copy(ref, path, _folder(local_dir), producer)
        return _read(ref, str(_verified_local(ref, producer)))
    fs, rpath = _check_remote(ref, options, producer)
    if ref.type == "path":
        return _checked_download(fs, rpath, ref, _folder(local_dir), producer)
    folder = Path(tempfile.mkdtemp(prefix="sb-in-"))
    try:  # downloaded whole and checked before a byte is parsed (a pickle is never loaded)
        return _read(ref, str(_checked_download(fs, rpath, ref, folder, producer)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -------------------------------------------------------------------- kernel entry points


def load_inputs(manifest_path: str | Path) -> dict[str, Any]:
    """The inputs of a node, from the small JSON manifest the runtime wrote.

    Manifest: ``{"inputs": {name: value or ref}, "local_dir": folder for downloads,
    "producers": {name: upstream node}, "as_text": [names of str ports fed by a path]}``.
    """
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    local_dir = Path(manifest.get("local_dir") or Path(manifest_path).parent / "inputs")
    producers = manifest.get("producers") or {}
    as_text = set(manifest.get("as_text") or ())
    loaded: dict[str, Any] = {}
    for name, value in (manifest.get("inputs") or {}).items():
        if is_ref(value):
            try:
                value = load_input(value, local_dir=local_dir / name, producer=producers.get(name))
            except ArtifactError as exc:
                raise type(exc)(f"input {name!r}: {exc}") from None
            if name in as_text and isinstance(value, PurePath):
                value = str(value)
        loaded[name] = value
    return loaded


def collect_outputs(
    namespace: Mapping[str, Any],
    names: Sequence[str],
    store_url: str,
    prefix: str | Sequence[str],
    result_path: str | Path,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Store each named output of ``namespace``; write ``{name: value or ref}`` to a JSON file.

    Returns nothing, so a notebook cell calling it shows no output.
    """
    missing = [name for name in names if name not in namespace]
    if missing:
        raise NameError("outputs never assigned: " + ", ".join(missing))
    parts = tuple(prefix.split("/")) if isinstance(prefix, str) else tuple(prefix)
    where = Where(store_url, parts, dict(storage_options) if storage_options else None)
    results: dict[str, Any] = {}
    for name in names:
        stored = store_output(namespace[name], name, where)
        results[name] = stored.to_json() if isinstance(stored, ArtifactRef) else stored
    path = Path(result_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_local_atomic(path, json.dumps(results).encode("utf-8"))


def load_inputs_cell(manifest_path: str | Path) -> str:
    """The one-line cell that gives a notebook its inputs (names the ports only)."""
    return f"globals().update(__import__({MODULE!r}).load_inputs({str(manifest_path)!r}))\n"


def collect_outputs_cell(
    names: Sequence[str], store_url: str, prefix: Sequence[str], result_path: str | Path
) -> str:
    """The one-line cell that stores a notebook's outputs (it leaves no name behind)."""
    args = f"{list(names)!r}, {store_url!r}, {list(prefix)!r}, {str(result_path)!r}"
    return f"__import__({MODULE!r}).collect_outputs(globals(), {args})\n"


def local_copy(
    ref: Any,
    *,
    local_dir: str | Path | None = None,
    producer: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> Path:
    """The reader's own copy of an artifact's file or folder (what a script job is given).

    It lies in ``local_dir`` under its own name (copied from a local store, downloaded from a
    remote one) and its size and hash were checked against the reference: writing to it
    changes nothing another node reads.
    """
    ref = ref_from_json(ref)
    try:
        if _is_local(ref.uri):
            path = _check_local(ref, producer)
            if not path.exists():
                raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing")
            return _private_copy(ref, path, _folder(local_dir), producer)
        fs, rpath = _check_remote(ref, storage_options, producer)
        return _checked_download(fs, rpath, ref, _folder(local_dir), producer)
    except ArtifactError:
        raise
    except FileNotFoundError:
        raise MissingArtifactError(f"artifact {_where_from(ref, producer)} is missing") from None
    except Exception as exc:  # a store refusing: one line
        raise ArtifactError(
            f"cannot read artifact {_where_from(ref, producer)} ({_one_line(exc)})"
        ) from exc


def is_available(ref: Any, storage_options: Mapping[str, Any] | None = None) -> bool:
    """Whether an artifact is still there and complete (its commit marker matches)."""
    try:
        ref = ref_from_json(ref)
        if _is_local(ref.uri):
            return _check_local(ref, None).exists()
        _check_remote(ref, storage_options, None)
        return True
    except Exception:  # noqa: BLE001 - gone, half-written or unreachable: not available
        return False


def is_intact(ref: Any, storage_options: Mapping[str, Any] | None = None) -> bool:
    """Whether an artifact is there, complete and as written: what a cache hit requires.

    In a local store its size and hash are checked; in a remote one its size (a reader
    checks the hash of what it downloads).
    """
    try:
        ref = ref_from_json(ref)
        if _is_local(ref.uri):
            _verified_local(ref, None)
            return True
        fs, rpath = _check_remote(ref, storage_options, None)
        if ref.format == "dir":
            return sum(fs.du(rpath, total=False).values()) == ref.size
        return int(fs.size(rpath)) == ref.size
    except Exception:  # noqa: BLE001 - gone, changed or unreachable: not intact
        return False


def _size_text(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _parquet_preview(path: str) -> str:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    names = [n for n in pq.read_schema(path).names if not n.startswith("__index_level_")]
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"{meta.num_rows} x {len(names)} [{shown}]"


def _npy_preview(path: str) -> str:
    import numpy as np

    array = np.load(path, mmap_mode="r", allow_pickle=False)
    return f"shape {tuple(array.shape)} {array.dtype}"


def preview(value: Any, width: int = 60) -> str:
    """A one-line description of what flowed through a port, for run summaries and hovers.

    A value: its short JSON text. An artifact: DataFrame rows x columns and column names,
    array shape and dtype, file/folder name and size, object type; read from the stored file's
    header only, without loading the data (local stores; remote ones show type and size).
    """
    if not is_ref(value):
        text = _json_text(value) or repr(value)
        return text if len(text) <= width else text[: width - 3] + "..."
    ref = ref_from_json(value)
    size = _size_text(ref.size)
    try:
        local = _is_local(ref.uri) and Path(ref.uri).exists()
        if ref.format == "parquet" and local:
            return f"{ref.type} {_parquet_preview(ref.uri)} ({size})"
        if ref.format == "npy" and local:
            return f"array {_npy_preview(ref.uri)} ({size})"
        if ref.format == "columns" and local:
            return f"{ref.type} {_rlang().columns_preview(ref.uri)} ({size})"
    except Exception:  # noqa: BLE001 - a preview never fails a summary
        pass
    if ref.type == "path":
        return f"{'folder' if ref.format == 'dir' else 'file'} {ref.name} ({size})"
    if ref.format == "pickle":
        return f"{ref.type} {ref.python_type or 'object'} ({size}, pickle)"
    if ref.format == "rds":
        return f"{ref.type} {ref.python_type or 'R object'} ({size}, RDS)"
    return f"{ref.type} {ref.name} ({size})"
