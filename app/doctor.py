"""What this machine has for Stitchboard: one ``Check`` per need, each with a way to fix it.

Used by ``stitchboard doctor``. Every check is quick and offline except the profile check,
which opens a TCP connection to each profile's Airflow with a short timeout.
"""

from __future__ import annotations

import ctypes.util
import os
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

MIN_PYTHON = (3, 11)
PROFILE_TIMEOUT_S = 2.0  # a reachable Airflow answers a TCP connect in milliseconds
KERNEL_TIMEOUT_S = 20.0  # importing ipykernel in a cold Python takes ~1 s; 20 s is "broken"

# Debian/Ubuntu package -> the library (as ``ctypes.util.find_library`` names it); the README's
# lists of what Qt needs offscreen and on a real X display.
OFFSCREEN_LIBS = {
    "libegl1": "EGL",
    "libgl1": "GL",
    "libxkbcommon0": "xkbcommon",
    "libfontconfig1": "fontconfig",
    "libdbus-1-3": "dbus-1",
    "libglib2.0-0": "glib-2.0",
}
XCB_LIBS = {
    "libxkbcommon-x11-0": "xkbcommon-x11",
    "libxcb-cursor0": "xcb-cursor",
    "libxcb-icccm4": "xcb-icccm",
    "libxcb-keysyms1": "xcb-keysyms",
    "libxcb-image0": "xcb-image",
    "libxcb-randr0": "xcb-randr",
    "libxcb-render-util0": "xcb-render-util",
    "libxcb-shape0": "xcb-shape",
    "libxcb-xinerama0": "xcb-xinerama",
    "libxcb-xkb1": "xcb-xkb",
}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


@dataclass(frozen=True)
class Check:
    """One finding: ``ok`` or not, what was seen, and (when not ok) how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = False

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def all_checks() -> list[Check]:
    """Every check, in the order a user would fix them."""
    return [
        python_version(),
        environment(),
        *qt_libraries(),
        *kernels(),
        spark(),
        r_language(),
        example_imports(),
        keyring_backend(),
        airflow_venv(),
        worker_kernel(),
        *profiles(),
    ]


def healthy(checks: list[Check]) -> bool:
    """Whether every required check passed."""
    return all(c.ok for c in checks if c.required)


def python_version() -> Check:
    found = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    need = ".".join(map(str, MIN_PYTHON))
    fix = f"install Python {need} or newer and make the venv with it"
    return Check("python", ok, f"{found} ({sys.executable})", "" if ok else fix, required=True)


def environment() -> Check:
    if sys.prefix != sys.base_prefix:
        return Check("venv", True, f"running in the venv {sys.prefix}")
    managed = Path(sysconfig.get_path("stdlib")) / "EXTERNALLY-MANAGED"
    if managed.exists():
        fix = (
            "python3 -m venv ~/.venvs/stitchboard && . ~/.venvs/stitchboard/bin/activate && "
            "python3 -m pip install -e . (Debian/Ubuntu: apt-get install python3-venv)"
        )
        return Check("venv", False, "system Python, which refuses pip installs (PEP 668)", fix)
    return Check("venv", True, f"no venv; pip installs into {sys.prefix}")


def _missing(libs: dict[str, str]) -> list[str]:
    return [package for package, lib in libs.items() if ctypes.util.find_library(lib) is None]


def qt_libraries() -> list[Check]:
    """The system libraries Qt needs offscreen (editor tests, ``render``) and on a display."""
    missing = _missing(OFFSCREEN_LIBS)
    if not any(Path(d).is_dir() for d in FONT_DIRS):
        missing.append("fonts-dejavu-core")
    install = "sudo apt-get install -y "
    offscreen = Check(
        "qt offscreen",
        not missing,
        "missing " + " ".join(missing) if missing else "all libraries found",
        install + " ".join(missing) if missing else "",
    )
    missing_x = _missing(XCB_LIBS)
    display = Check(
        "qt display (xcb)",
        not missing_x,
        "missing " + " ".join(missing_x) if missing_x else "all libraries found",
        install + " ".join(missing_x) if missing_x else "",
    )
    return [offscreen, display]


def _kernel_problem(argv: list[str], language: str) -> str:
    if not argv:
        return "its kernel.json has no argv"
    from graph_editor.notebook_checks import resolved_program

    program = resolved_program(argv[0])  # jupyter_client's rule for python, else PATH
    if not os.access(program, os.X_OK):
        return f"{argv[0]} does not exist or is not executable"
    if language.lower() != "python":
        return ""
    try:
        done = subprocess.run(
            [program, "-c", "import ipykernel"],
            capture_output=True,
            text=True,
            timeout=KERNEL_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{argv[0]} cannot start ({type(exc).__name__})"
    if done.returncode != 0:
        return f"{argv[0]} cannot import ipykernel"
    return ""


def kernels() -> list[Check]:
    """Every installed Jupyter kernel; ``python3`` is required (notebooks default to it)."""
    from jupyter_client.kernelspec import KernelSpecManager

    manager = KernelSpecManager()
    found = manager.find_kernel_specs()
    checks = []
    if "python3" not in found:
        checks.append(
            Check(
                "kernel python3",
                False,
                "not installed",
                f"{sys.executable} -m pip install ipykernel && "
                f"{sys.executable} -m ipykernel install --user",
                required=True,
            )
        )
    for name in sorted(found):
        try:
            spec = manager.get_kernel_spec(name)
            problem = _kernel_problem(list(spec.argv), spec.language or "")
        except Exception as exc:  # noqa: BLE001 - any unreadable spec is a broken kernel
            problem = f"unreadable kernel spec ({type(exc).__name__})"
        fix = (
            f"fix or remove {found[name]} (jupyter kernelspec remove {name}); for a Python "
            "kernel, install ipykernel into its Python"
        )
        checks.append(
            Check(
                f"kernel {name}",
                not problem,
                problem or f"ready ({found[name]})",
                fix if problem else "",
                required=name == "python3",
            )
        )
    return checks


def spark() -> Check:
    """Java and pyspark for Spark nodes' local runs (not required: only Spark nodes need them)."""
    from importlib import metadata

    from graph_editor import spark as spark_rules

    java = spark_rules.java_path()
    try:
        pyspark = "pyspark " + metadata.version("pyspark")
    except metadata.PackageNotFoundError:
        pyspark = ""
    lacking = spark_rules.missing_here()
    if lacking:
        seen = f"{pyspark or 'no pyspark'}, {'Java ' + java if java else 'no Java'}"
        return Check("spark", False, f"Spark nodes cannot run here ({seen})", lacking)
    return Check("spark", True, f"{pyspark}, Java {java}")


R_FIX = "apt-get install r-base-core r-cran-irkernel r-cran-jsonlite (R nodes only)"


def r_language() -> Check:
    """R for R notebooks and scripts (optional): Rscript, jsonlite and the IR kernel."""
    from shutil import which

    from jupyter_client.kernelspec import KernelSpecManager

    rscript = which("Rscript")
    if not rscript:
        return Check("r (R nodes)", False, "Rscript not found", R_FIX)
    try:
        done = subprocess.run(
            [rscript, "-e", "cat(as.character(getRversion()), requireNamespace('jsonlite'))"],
            capture_output=True,
            text=True,
            timeout=KERNEL_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("r (R nodes)", False, f"Rscript cannot start ({type(exc).__name__})", R_FIX)
    version, _, jsonlite = done.stdout.strip().partition(" ")
    if done.returncode != 0 or jsonlite != "TRUE":
        return Check("r (R nodes)", False, f"R {version or '?'} without jsonlite", R_FIX)
    if "ir" not in KernelSpecManager().find_kernel_specs():
        return Check("r (R nodes)", False, f"R {version}, no IR kernel", R_FIX)
    return Check("r (R nodes)", True, f"R {version}, jsonlite, IR kernel")


def keyring_backend() -> Check:
    from app import credentials

    name = credentials.backend_name()
    if credentials.keyring_available():
        return Check("keyring", True, name)
    fix = (
        "start a Secret Service (gnome-keyring, KeePassXC) or "
        f"`{sys.executable} -m pip install keyrings.alt`; "
        "or give deploy secrets in the environment variables `stitchboard profile show` names"
    )
    return Check("keyring", False, f"no usable backend ({name})", fix)


def imported_modules(folder: Path) -> set[str]:
    """The top-level modules the notebooks and scripts in ``folder`` import (read, not run),
    less the standard library and the folder's own modules."""
    import ast

    import nbformat

    sources: list[str] = [p.read_text(encoding="utf-8") for p in folder.glob("*.py")]
    for path in folder.glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        sources += [c.source for c in nb.cells if c.cell_type == "code"]
    names: set[str] = set()
    for source in sources:
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        guarded = {  # ``try: import cudf / except ImportError:`` is an optional library
            id(n)
            for t in ast.walk(tree)
            if isinstance(t, ast.Try)
            for b in t.body
            for n in ast.walk(b)
        }
        for node in ast.walk(tree):
            if id(node) in guarded:
                continue
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    own = {p.stem for p in folder.glob("*.py")}
    return names - set(sys.stdlib_module_names) - own


def example_imports() -> Check:
    """Whether the bundled example's notebooks can import what they use in this Python (the
    one that starts the default kernel)."""
    import importlib.util
    from importlib import resources

    from app.runner.local import PACKAGE_OF

    folder = Path(str(resources.files("resources") / "examples" / "churn"))
    missing = sorted(m for m in imported_modules(folder) if importlib.util.find_spec(m) is None)
    if not missing:
        return Check("example", True, "the bundled example's imports are installed")
    packages = " ".join(PACKAGE_OF.get(m, m) for m in missing)
    return Check(
        "example",
        False,
        f"the bundled example imports {', '.join(missing)}, not installed in {sys.prefix}",
        f"{sys.executable} -m pip install {packages}",
    )


def airflow_venv() -> Check:
    from app.deploy.local import LocalAirflow
    from app.deploy.venv_check import install_fix, missing_task_packages

    venv = LocalAirflow().venv
    has_airflow = (venv / "bin" / "airflow").exists() and any(
        venv.glob("lib/python3*/site-packages/airflow/__init__.py")
    )
    if has_airflow:
        missing = missing_task_packages(venv)
        if missing:
            return Check(
                "airflow venv",
                False,
                f"{venv} has Airflow but no {', '.join(missing)} (every task would fail)",
                install_fix(venv, missing),
            )
        return Check("airflow venv", True, str(venv))
    fix = (
        "`stitchboard airflow-local start` creates it, or set STITCHBOARD_AIRFLOW_VENV to a "
        "venv with apache-airflow (only needed for a local Airflow)"
    )
    return Check("airflow venv", False, f"no Airflow in {venv}", fix)


def worker_kernel() -> Check:
    """The worker backend runs notebooks with the Airflow worker's own Python: ipykernel and
    papermill must be installed there (checked in the local Airflow's venv)."""
    from app.deploy.local import LocalAirflow

    python = LocalAirflow().venv / "bin" / "python"
    rule = "worker backend: notebooks run in the Airflow worker's own Python"
    fix = "pip install papermill ipykernel into every Airflow worker's environment"
    if not python.exists():
        return Check("worker kernel", False, f"{rule}; no local Airflow venv to look in", fix)
    try:
        done = subprocess.run(
            [str(python), "-c", "import ipykernel, papermill"],
            capture_output=True,
            timeout=KERNEL_TIMEOUT_S,
        )
        failed = done.returncode != 0
    except (OSError, subprocess.TimeoutExpired):
        failed = True
    if failed:
        return Check("worker kernel", False, f"{rule}; {python} lacks them", fix)
    return Check("worker kernel", True, f"{rule}; ipykernel and papermill in {python}")


def _reachable(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=PROFILE_TIMEOUT_S):
            return ""
    except OSError as exc:
        return f"unreachable ({type(exc).__name__}: {exc.strerror or exc})"


def profiles() -> Iterator[Check]:
    from app import settings

    try:
        found = settings.load().profiles
    except settings.SettingsError as exc:
        yield Check("profiles", False, str(exc), "fix or remove that settings file")
        return
    if not found:
        yield Check("profiles", True, "none yet (stitchboard profile add NAME --url URL)")
        return
    for name, profile in sorted(found.items()):
        problem = _reachable(profile.base_url)
        fix = "start that Airflow (a local one: stitchboard airflow-local start) or fix its URL"
        host = urlsplit(profile.base_url)
        where = f"{host.hostname}:{host.port or ''}".rstrip(":")
        yield Check(
            f"profile {name}",
            not problem,
            problem or f"reachable at {where}",
            fix if problem else "",
        )
