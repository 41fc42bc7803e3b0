"""Open a node's notebook in JupyterLab (or Jupyter Notebook) when one is installed.

Found by its executable (``jupyter-lab``, then ``jupyter-notebook``) on PATH or next to the
running Python (a venv's ``bin``); nothing is run to find it. It starts detached, listening on
loopback only, in the notebook's folder, so the editor never waits for it.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore

CANDIDATES = (("jupyter-lab", "JupyterLab"), ("jupyter-notebook", "Jupyter Notebook"))
NOT_FOUND = (
    "JupyterLab is not installed: `pip install jupyterlab` (in this Python or on PATH) "
    "to open notebooks from here"
)


@dataclass(frozen=True)
class Jupyter:
    """An installed Jupyter front end: its executable and the name the menu shows."""

    program: str
    label: str

    def arguments(self, notebook: Path) -> list[str]:
        """Loopback only, rooted at the notebook's folder, opening the notebook."""
        return ["--ip=127.0.0.1", f"--notebook-dir={notebook.parent}", notebook.name]


def find_jupyter() -> Jupyter | None:
    """JupyterLab, else Jupyter Notebook, from PATH or the running Python's folder; or None."""
    here = Path(sys.executable).parent
    for name, label in CANDIDATES:
        found = shutil.which(name) or shutil.which(name, path=str(here))
        if found and os.access(found, os.X_OK):
            return Jupyter(found, label)
    return None


def open_notebook(jupyter: Jupyter, notebook: Path) -> int:
    """Start ``jupyter`` on ``notebook`` in the background; returns its process id (0: failed)."""
    ok, pid = QtCore.QProcess.startDetached(
        jupyter.program, jupyter.arguments(notebook), str(notebook.parent)
    )
    return int(pid) if ok else 0
