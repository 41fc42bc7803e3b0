"""``port add|remove``: declare a script job's inputs and outputs from the terminal.

A ``.py`` or ``.R`` script job has no cells to read its ports from: they are declared on its
node (``graph_editor/port_edits.py``, the rule the Properties panel's Ports table uses too).
"""

from __future__ import annotations

import argparse

from app.cli.commands.edit import _apply, _missing_action
from graph_editor import port_edits

ORDER = 13


def _side(p: argparse.ArgumentParser) -> None:
    side = p.add_mutually_exclusive_group(required=True)
    side.add_argument("--in", dest="side", action="store_const", const="in", help="an input")
    side.add_argument("--out", dest="side", action="store_const", const="out", help="an output")


def register(subparsers: argparse._SubParsersAction) -> None:
    port = subparsers.add_parser("port", help="add, retype or remove a script job's ports")
    actions = port.add_subparsers(dest="action", metavar="ACTION", parser_class=type(port))
    port.set_defaults(handler=_missing_action(port))
    p = actions.add_parser("add", help="add an input or output (or retype one with --type)")
    p.add_argument("file", help="the .stitch pipeline to edit")
    p.add_argument("node", metavar="NODE")
    p.add_argument("name", metavar="NAME")
    _side(p)
    p.add_argument("--type", default="", help="str, int, float, bool, list, dict, dataframe, ...")
    p.set_defaults(handler=cmd_port_add)
    p = actions.add_parser("remove", help="remove an input or output (not while wired)")
    p.add_argument("file", help="the .stitch pipeline to edit")
    p.add_argument("node", metavar="NODE")
    p.add_argument("name", metavar="NAME")
    _side(p)
    p.set_defaults(handler=cmd_port_remove)


def cmd_port_add(args: argparse.Namespace) -> int:
    return _apply(
        args.file, lambda p: port_edits.add_port(p, args.node, args.name, args.side, args.type)
    )


def cmd_port_remove(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: port_edits.remove_port(p, args.node, args.name, args.side))
