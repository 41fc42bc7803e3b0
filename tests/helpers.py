"""Small builders for tests: notebooks written with nbformat, pipelines in tmp folders."""

from __future__ import annotations

from pathlib import Path

import keyring.backend
import keyring.errors
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(
    path: Path,
    parameters: str = "",
    outputs: str = "",
    body: str = "",
    kernel: str = "python3",
    language: str = "python",
    title: bool = False,
) -> Path:
    """Write a small notebook with optional ``parameters`` and ``outputs`` cells (and, with
    ``title``, a markdown title cell first, as real notebooks have)."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": language}
    nb.metadata["language_info"] = {"name": language}
    cells = [new_markdown_cell(f"# {path.stem}")] if title else []
    if parameters:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        cells.append(cell)
    if body:
        cells.append(new_code_cell(body))
    if outputs:
        cell = new_code_cell(outputs)
        cell.metadata["tags"] = ["outputs"]
        cells.append(cell)
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict (tests only; the real one is the OS's)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def outputs_by_content(outputs: dict, tmp: Path) -> dict:
    """A node's outputs as a user sees them: values as they are, artifacts loaded (tables as
    their data, other objects by type), so two runs compare by what they produced, not by
    where each stored it."""
    import sys

    runtime_dir = Path(__file__).resolve().parents[1] / "resources" / "runtime"
    if str(runtime_dir) not in sys.path:
        sys.path.insert(0, str(runtime_dir))
    import stitchboard_artifacts as artifacts

    seen: dict = {}
    for name, value in outputs.items():
        if not artifacts.is_ref(value):
            seen[name] = value
            continue
        ref = artifacts.ref_from_json(value)
        if ref.format == "rds":  # an R object: only R reads it; its type is what shows
            seen[name] = {"artifact": ref.type, "data": ref.python_type}
            continue
        loaded = artifacts.load_input(ref, local_dir=tmp / "loaded" / name)
        data = loaded.to_dict("split") if hasattr(loaded, "to_dict") else ref.python_type
        seen[name] = {"artifact": ref.type, "data": data}
    return seen
