"""What goes into the frozen bundle: plain data the spec imports, testable without PyInstaller."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every folder under resources/ that the app finds with importlib.resources. The spec collects
# the whole tree anyway; these are the ones the build insists on (see missing_resources).
RESOURCE_DIRS = ("schema", "examples", "runtime", "icons", "style", "airflow")

# Files without which the bundle is useless: the build stops if one is missing.
REQUIRED_FILES = (
    "schema/stitch-v1.schema.json",
    "examples/churn/churn.stitch",
    "runtime/stitchboard_runtime.py",
    "airflow/constraints-3.3.2.txt",  # airflow-local's pins
)

# Qt: the editor needs these four (NodeGraphQt via Qt.py); every other PySide6 module is left out.
QT_KEEP = ("QtCore", "QtGui", "QtWidgets", "QtSvg")

# Pulled in by dependencies' optional imports, never used by the app: keeps size and build time
# down. numpy (~40 MB) comes only through networkx's optional algorithms; notebooks get their
# numpy from the Python that runs their kernel, not from the bundle.
EXCLUDES = (
    "tkinter",
    "_tkinter",
    "turtle",
    "idlelib",
    "lib2to3",
    "pydoc_data",
    "unittest.test",
    "test",
    "tests",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "moto",
    "black",
    "ruff",
    "matplotlib",
    "pandas",
    "scipy",
    "PIL",
    "numpy",
    "mpmath",
    "sympy",
    "IPython",
    "ipykernel",
    "jedi",
    "parso",
    "ipywidgets",
    "notebook",
    "jupyterlab",
    "nbconvert",
    "sphinx",
    "docutils",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "shiboken2",
    # papermill's optional remote-notebook back ends (it falls back cleanly when absent)
    "azure",
    "gcsfs",
    "pyarrow",
    "adlfs",
    # pydantic's mypy plugin (collected with pydantic, drags in all of mypy)
    "mypy",
    "pydantic.mypy",
    "pydantic.v1.mypy",
    "ast_serialize",
)

# boto3/botocore (~25 MB of JSON models) arrive through papermill's optional S3 reader. They are
# left out unless the app's own code imports them (an S3 deploy target would).
AWS_PACKAGES = ("boto3", "botocore", "s3transfer")

# botocore ships models for ~400 AWS services (26 MB, 1,900 files); the S3 deploy target needs S3
# and the credential services boto3 may call on its own (assume-role, SSO).
AWS_SERVICES = ("s3", "sts", "sso", "sso-oidc")

# Metadata the app or its dependencies read at run time (versions, entry points).
METADATA = (
    "stitchboard",
    "papermill",
    "nbclient",
    "nbformat",
    "jupyter_client",
    "jupyter_core",
    "jsonschema",
    "jsonschema_specifications",
    "fastjsonschema",
    "keyring",
    "traitlets",
)

# Packages whose data files (schemas, templates, icons) must travel with them.
DATA_PACKAGES = (
    "papermill",
    "nbformat",
    "jsonschema",
    "jsonschema_specifications",
    "fastjsonschema",
    "NodeGraphQt",
    "jupyter_client",
)

# The executable's own icon where the platform embeds one (Linux uses the .desktop entry).
PLATFORM_ICONS = {"win32": "stitchboard.ico", "darwin": "stitchboard.icns"}

# Modules imported by name at run time, which PyInstaller's analysis cannot see.
HIDDEN_IMPORTS = (
    "resources",
    "resources.runtime",
    "resources.runtime.stitchboard_runtime",
    "Qt",
    "shiboken6",
    *(f"PySide6.{name}" for name in QT_KEEP),
    "jupyter_client.provisioning.local_provisioner",
    "nbclient",
    "papermill.engines",
    "papermill.translators",
)


# Local leftovers never shipped: bytecode, notebook checkpoints, dry-run folders next to the example.
SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints")
SKIPPED_SUFFIXES = (".runs", ".stitch-runs")


def resource_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, bundle folder) pairs for every file under resources/, .py files included."""
    base = root / "resources"
    pairs = []
    for path in sorted(base.rglob("*")):
        if (
            not path.is_file()
            or path.suffix in (".pyc", ".pyo")
            or any(part in SKIPPED_DIRS or part.endswith(SKIPPED_SUFFIXES) for part in path.parts)
        ):
            continue
        rel = path.relative_to(root)
        pairs.append((str(path), str(rel.parent)))
    return pairs


def keep_data(dest: str) -> bool:
    """False for the botocore/boto3 service models of AWS services the app never calls."""
    parts = dest.replace("\\", "/").split("/")
    if len(parts) > 3 and parts[0] in ("botocore", "boto3") and parts[1] == "data":
        return parts[2] in AWS_SERVICES
    return True


def desktop_datas(packaging: Path = ROOT / "packaging") -> list[tuple[str, str]]:
    """The Linux desktop files and icons, placed where install-desktop.sh finds them in a bundle."""
    pairs = [
        (str(packaging / "linux" / name), "share/stitchboard/desktop")
        for name in ("install-desktop.sh", "stitchboard.desktop", "stitchboard-mime.xml")
    ]
    pairs += [
        (str(path), "share/stitchboard/icons")
        for path in sorted((packaging / "icons").glob("stitchboard*"))
        if path.suffix in (".svg", ".png")
    ]
    return pairs


def missing_resources(datas: list[tuple[str, str]], root: Path = ROOT) -> list[str]:
    """The REQUIRED_FILES that the given datas do not carry."""
    base = (root / "resources").resolve()
    carried = {
        Path(src).resolve().relative_to(base).as_posix()
        for src, _ in datas
        if Path(src).resolve().is_relative_to(base)
    }
    return [name for name in REQUIRED_FILES if name not in carried]


def app_uses_aws(root: Path = ROOT) -> bool:
    """True when the app's own code imports boto3 (then the AWS packages stay in the bundle)."""
    for folder in ("app", "exporters", "graph_editor"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if "import boto3" in text or "from boto3" in text or "import botocore" in text:
                return True
    return False


def qt_excludes(pyside_dir: Path) -> list[str]:
    """Every PySide6 extension module installed in ``pyside_dir`` except the ones in QT_KEEP."""
    names = {
        p.name.split(".")[0]
        for p in pyside_dir.glob("Qt*")
        if p.suffix in (".so", ".pyd") or p.name.endswith(".abi3.so")
    }
    return sorted(f"PySide6.{name}" for name in names - set(QT_KEEP))


def app_version(root: Path = ROOT) -> str:
    """The version in pyproject.toml (the macOS bundle's CFBundleShortVersionString)."""
    import tomllib

    with open(root / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])
