"""The ``stitchboard`` command: a thin face over the services; one clear line per error.

Each subcommand lives in its own module under ``app.cli.commands`` and offers
``register(subparsers)``; this module discovers them, so adding a command touches no other file.
Exit codes: 0 fine, 1 the work failed (validation errors, a failed run), 2 bad usage or a file
that cannot be read, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from app.cli import commands
from app.cli.common import CliError, die
from graph_editor.errors import NotebookError, PipelineFileError, StitchboardError


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("stitchboard")
    except PackageNotFoundError:
        return "0+unknown"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2 (argparse prints usage too)
        self.print_usage(sys.stderr)
        die(f"{self.prog}: {message}", 2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stitchboard",
        description="Stitch notebooks into Airflow pipelines: validate, dry-run, export, deploy.",
    )
    parser.add_argument("--version", action="version", version=f"stitchboard {version()}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an error, print the full traceback with its causes before the one line "
        "(also anywhere after the command, or STITCHBOARD_DEBUG=1)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = []
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            modules.append(module)
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__)):
        module.register(subparsers)
    return parser


def _default_command(argv: list[str]) -> list[str]:
    """``stitchboard`` and ``stitchboard FILE`` open the editor when it is installed."""
    if not argv or (len(argv) == 1 and argv[0].endswith(".stitch")):
        try:
            importlib.import_module(f"{commands.__name__}.gui")
        except ImportError:
            return argv
        return ["gui", *argv]
    return argv


_asked = {"debug": False}  # ``--debug`` on this command line


def _take_debug(argv: list[str]) -> list[str]:
    """``--debug`` anywhere before ``--`` turns on the cause chain, as ``STITCHBOARD_DEBUG``."""
    end = argv.index("--") if "--" in argv else len(argv)
    _asked["debug"] = "--debug" in argv[:end]
    return [a for a in argv[:end] if a != "--debug"] + argv[end:]


def main(argv: Sequence[str] | None = None) -> int:
    argv = _default_command(_take_debug(list(sys.argv[1:] if argv is None else argv)))
    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CliError as exc:
        fail(exc, str(exc), exc.code)
    except (PipelineFileError, NotebookError) as exc:
        fail(exc, f"error: {exc}", 2)
    except StitchboardError as exc:
        fail(exc, f"error: {exc}", 1)
    except KeyboardInterrupt as exc:
        fail(exc, "interrupted", 130)
    except BrokenPipeError:
        return 1
    except OSError as exc:  # the machine, not the input: a full disk, a read-only folder
        where = f": {exc.filename}" if exc.filename else ""
        fail(exc, f"error: {exc.strerror or exc}{where}", 1)
    except Exception as exc:  # last resort: still one line, details on request
        hint = "" if debugging() else " (run again with --debug for details)"
        fail(exc, f"internal error: {type(exc).__name__}: {exc}{hint}", 1)
    return 0


def debugging() -> bool:
    """``--debug`` was given, or ``STITCHBOARD_DEBUG`` is set (to anything but empty or 0)."""
    return _asked["debug"] or os.environ.get("STITCHBOARD_DEBUG", "") not in ("", "0")


def fail(exc: BaseException, line: str, code: int) -> NoReturn:
    """Exit with ``line``; under ``STITCHBOARD_DEBUG`` the full traceback with its causes first."""
    if debugging():
        traceback.print_exception(exc, file=sys.stderr)
    die(line, code)


if __name__ == "__main__":
    sys.exit(main())
