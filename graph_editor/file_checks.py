"""Checks of the files a node reads and writes beside its notebook (declared or not).

Each node runs in its own working folder, on the cluster and in the dry-run, so a relative file
that a node reads must be shipped with it (``files``) or produced by an upstream node
(``produces``). These checks warn about relative paths in a notebook's code that nothing
declares, and refuse declarations that cannot work (a shipped file that does not exist, a path
outside the notebook's folder, a link pointing out of it, a name the runtime uses).
"""

from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from graph_editor.issues import Issue, error, warning
from graph_editor.nodes import Node
from graph_editor.pipeline import Pipeline
from graph_editor.rpaths import r_relative_paths
from graph_editor.shipped_files import link_outside, takes_runtime_place
from graph_editor.sources import read_source_text

_EXTENSIONS = re.compile(
    r"\.(csv|tsv|parquet|pq|json|jsonl|txt|pkl|pickle|npy|npz|xlsx?|ya?ml|h5|hdf5|joblib|"
    r"pt|pth|onnx|feather|arrow|avro|orc|db|sqlite|png|jpe?g|zip|gz|tar|md|html|xml|rds|rda|rdata)$",
    re.IGNORECASE,
)
_READERS = re.compile(r"^(open|read_\w+|to_\w+|load|loadtxt|genfromtxt|save|savez|savetxt|Path)$")
_WRITERS = re.compile(r"^(to_\w+|save\w*|savefig|write_\w+|dump|imwrite)$")
_WRITE_MODES = re.compile(r"[wax+]")


def looks_like_path(text: str) -> bool:
    """Whether a string literal looks like a relative file path (``data/x.csv``, ``m.pkl``)."""
    if not text or len(text) > 200 or "\n" in text or "://" in text or " " in text:
        return False
    if text.startswith(("/", "~", "{", "%", "$")) or "*" in text:
        return False
    return bool(_EXTENSIONS.search(text)) or ("/" in text and not text.startswith("."))


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@lru_cache(maxsize=256)  # the same notebook behind many nodes is read once per change
def relative_paths(code: str) -> tuple[str, ...]:
    """String literals in Python ``code`` that look like relative file paths, in order.

    ``"data/clean.csv"`` anywhere, and any relative string given to ``open``, ``read_*`` or
    ``to_*`` (``open("x.txt")``, ``pd.read_csv("input")``). Code that does not parse: none.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return ()
    found: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _READERS.match(_call_name(node)):
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    text = arg.value
                    if text and "://" not in text and not text.startswith(("/", "~")):
                        found[text] = None
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if looks_like_path(node.value):
                found[node.value] = None
    return tuple(PurePosixPath(p).as_posix() for p in found)


def _literal(node: ast.AST | None) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


@lru_cache(maxsize=256)
def written_paths(code: str) -> frozenset[str]:
    """Relative paths Python ``code`` writes: ``df.to_csv("x.csv")``, ``open("x", "w")``,
    ``np.save("a.npy", a)``, ``joblib.dump(m, "m.joblib")``, ``Path("x").write_text(...)``."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name == "open":
            mode = _literal(node.args[1]) if len(node.args) > 1 else ""
            mode = mode or next((_literal(k.value) for k in node.keywords if k.arg == "mode"), "")
            if _WRITE_MODES.search(mode) and node.args:
                found.add(_literal(node.args[0]))
        elif _WRITERS.match(name):
            found.update(_literal(a) for a in node.args[:2])
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if isinstance(owner, ast.Call) and owner.args:  # Path("x").write_text(...)
                found.add(_literal(owner.args[0]))
    return frozenset(
        PurePosixPath(p).as_posix().removeprefix("./")
        for p in found
        if p and "://" not in p and not p.startswith(("/", "~"))
    )


@lru_cache(maxsize=256)
def _code_of(path: Path, stamp: tuple[int, int]) -> str:
    text = read_source_text(path)  # regular files only, size-capped (a FIFO would hang)
    if path.suffix != ".ipynb":
        return text
    cells = json.loads(text).get("cells", [])
    sources = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            lines = "".join(source) if isinstance(source, list) else str(source)
            # IPython magics and shell lines are not Python: leave them out.
            sources.append("\n".join(x for x in lines.split("\n") if x.lstrip()[:1] not in "%!"))
    return "\n".join(sources)


def source_code(path: Path) -> str:
    """The code of a notebook (its code cells) or script; '' when unreadable."""
    try:
        st = path.stat()
        return _code_of(path, (st.st_mtime_ns, st.st_size))
    except (OSError, ValueError, UnicodeDecodeError):
        return ""


def _covered(rel: str, declared: set[str]) -> bool:
    return any(rel == d or rel.startswith(d.rstrip("/") + "/") for d in declared)


def _bad_declaration(rel: str) -> bool:
    path = PurePosixPath(rel)
    return not rel or path.is_absolute() or ".." in path.parts or rel.startswith("~")


def file_sources(pipeline: Pipeline, node_id: str) -> tuple[str, ...]:
    """Names of every upstream node (any number of hops, wired or ordering-only) that declares
    produced files, in run order: the nodes whose files this node gets in its working folder."""
    producers = {n for n in pipeline.ancestors(node_id) if pipeline.node(n).produces}
    if not producers:  # the common case: no topological sort per node (1,000-node pipelines)
        return ()
    return tuple(pipeline.node(n).name for n in pipeline.topological_order() if n in producers)


def file_issues(pipeline: Pipeline, node: Node) -> list[Issue]:
    """Errors for declarations that cannot work; warnings for relative paths nothing declares."""
    issues: list[Issue] = []
    folder = pipeline.source_path(node).parent
    for field, listing in (("files", node.files), ("produces", node.produces)):
        for rel in listing:
            if _bad_declaration(rel):
                issues.append(
                    error(
                        "bad-declared-file",
                        f"declared file {rel!r} must be relative to the notebook, inside its folder",
                        node,
                        field,
                    )
                )
            elif takes_runtime_place(rel):
                issues.append(
                    error(
                        "runtime-file-name",
                        f"declared file {rel!r} has the name of a file of Stitchboard's runtime, "
                        "which every task gets beside the notebook: it would replace it and fail "
                        "every Airflow run; rename it or put it in a folder",
                        node,
                        field,
                    )
                )
            elif field == "files" and (found := link_outside(folder, rel))[0]:
                issues.append(
                    error(
                        "shipped-link-outside",
                        f"declared shipped file {found[0]!r} is a link to {found[1]}, outside the "
                        "notebook's folder: its content would be packed into the DAG; copy the "
                        "file in (or remove the link)",
                        node,
                        field,
                    )
                )
            elif field == "files" and not (folder / rel).exists():
                issues.append(
                    error(
                        "missing-shipped-file",
                        f"declared shipped file {rel!r} does not exist beside {node.source}",
                        node,
                        field,
                    )
                )
    upstream = {rel for up in pipeline.ancestors(node.id) for rel in pipeline.node(up).produces}
    declared = {*node.files, *node.produces, *upstream}
    code = source_code(pipeline.source_path(node))
    # A file the node writes itself is there when it reads it (Python's writers; R's not read).
    own = frozenset() if node.runs_r else written_paths(code)
    for rel in r_relative_paths(code) if node.runs_r else relative_paths(code):
        if _covered(rel.removeprefix("./"), declared) or rel.removeprefix("./") in own:
            continue
        if (folder / rel).exists():
            hint = f"ship it with `--ship {rel}`"
        else:
            hint = f"if an upstream node writes it, declare it there with `--produces {rel}`"
        issues.append(
            warning(
                "undeclared-file",
                f"{node.source} uses the relative path {rel!r}, which is not declared: each node "
                f"runs in its own folder, so {hint} (stitchboard node files)",
                node,
                "files",
            )
        )
    return issues
