"""``gui`` (the editor window; also plain ``stitchboard``) and ``render`` (a pipeline to PNG)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.cli.common import CliError

ORDER = 5


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("gui", help="open the desktop editor (the default command)")
    p.add_argument("file", nargs="?", help="a .stitch pipeline to open")
    p.set_defaults(handler=cmd_gui)

    p = subparsers.add_parser(
        "render", help="draw a pipeline to a PNG file (offscreen, for docs and CI)"
    )
    p.add_argument("file", help="a .stitch pipeline")
    p.add_argument("-o", "--output", required=True, help="the PNG file to write")
    p.add_argument("--size", default="1600x900", help="WIDTHxHEIGHT in pixels (default 1600x900)")
    p.add_argument("--canvas-only", action="store_true", help="only the canvas, without panels")
    p.set_defaults(handler=cmd_render)


def cmd_gui(args: argparse.Namespace) -> int:
    from app.gui.launch import (
        NO_DISPLAY,
        has_display,
        invisible_platform_message,
        missing_display_packages,
        missing_libraries_message,
        platform_is_xcb,
    )

    invisible = invisible_platform_message()
    if invisible:
        raise CliError(invisible, 2)
    if not has_display():
        raise CliError(NO_DISPLAY, 2)
    missing = missing_display_packages() if platform_is_xcb() else []
    if missing:  # checked before Qt starts: its own error is many lines and names one package
        raise CliError(missing_libraries_message(missing), 2)
    from app.gui.launch import run_editor

    return run_editor(args.file)


def cmd_render(args: argparse.Namespace) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError as exc:
        raise CliError(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1600x900") from exc
    try:  # like any writer of an output file: make its folder
        Path(args.output).expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"{args.output}: cannot create its folder ({exc.strerror or exc})") from exc
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.gui.launch import render

    out = render(args.file, args.output, width, height, window=not args.canvas_only)
    print(f"wrote {out}")
    return 0
