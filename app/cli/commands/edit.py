"""``set``, ``wire``, ``unwire``, ``bind``, ``unbind``, ``param`` and ``node``: edit a pipeline
from the terminal through the same model and atomic save as the editor.

A refused edit is one line naming the node, port or field, exit 1, and the file is untouched.
An accepted edit is saved even if the pipeline is not valid yet; its issues follow as warnings.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from app.cli.common import CliError, print_issues
from graph_editor import edits
from graph_editor.pipeline import Pipeline

ORDER = 12


def _file(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the .stitch pipeline to edit")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("set", help="set inputs to values: NODE.INPUT=VALUE ...")
    _file(p)
    p.add_argument("items", nargs="+", metavar="NODE.INPUT=VALUE", help="typed by the port")
    p.add_argument("--unset", action="store_true", help="forget the values of the NODE.INPUT given")
    p.set_defaults(handler=cmd_set)

    p = subparsers.add_parser("wire", help="wire NODE.OUTPUT into NODE.INPUT (or order A B)")
    _file(p)
    p.add_argument("source", metavar="A.OUTPUT")
    p.add_argument("target", metavar="B.INPUT")
    p.set_defaults(handler=cmd_wire)

    p = subparsers.add_parser("unwire", help="remove a wire: A.OUTPUT B.INPUT, or B.INPUT")
    _file(p)
    p.add_argument("first", metavar="A.OUTPUT|B.INPUT")
    p.add_argument("second", nargs="?", metavar="B.INPUT")
    p.set_defaults(handler=cmd_unwire)

    p = subparsers.add_parser("bind", help="feed NODE.INPUT from a pipeline parameter")
    _file(p)
    p.add_argument("input", metavar="NODE.INPUT")
    p.add_argument("param", metavar="PARAM")
    p.set_defaults(handler=cmd_bind)

    p = subparsers.add_parser("unbind", help="stop feeding NODE.INPUT from a parameter")
    _file(p)
    p.add_argument("input", metavar="NODE.INPUT")
    p.set_defaults(handler=cmd_unbind)

    _register_param(subparsers)
    _register_node(subparsers)


def _register_param(subparsers: argparse._SubParsersAction) -> None:
    param = subparsers.add_parser("param", help="add or remove pipeline parameters")
    actions = param.add_subparsers(dest="action", metavar="ACTION", parser_class=type(param))
    param.set_defaults(handler=_missing_action(param))
    p = actions.add_parser("add", help="add a typed pipeline parameter")
    _file(p)
    p.add_argument("name")
    p.add_argument("--type", default="str", help="str, int, float, bool, list, dict or any")
    p.add_argument("--default", default=None, help="default value, parsed by the type")
    p.add_argument("--description", default="", help="a short help text")
    p.set_defaults(handler=cmd_param_add)
    p = actions.add_parser("remove", help="remove a pipeline parameter no input is bound to")
    _file(p)
    p.add_argument("name")
    p.set_defaults(handler=cmd_param_remove)


def _register_node(subparsers: argparse._SubParsersAction) -> None:
    node = subparsers.add_parser("node", help="add, remove or rename nodes")
    actions = node.add_subparsers(dest="action", metavar="ACTION", parser_class=type(node))
    node.set_defaults(handler=_missing_action(node))
    p = actions.add_parser("add", help="add a node for a notebook or script")
    _file(p)
    p.add_argument("source", metavar="SOURCE", help="a .ipynb notebook or .py script")
    p.add_argument("--name", default="", help="node name (default: from the file name)")
    p.add_argument("--kind", default=None, help="node kind (default: from the file)")
    p.set_defaults(handler=cmd_node_add)
    p = actions.add_parser("remove", help="remove a node and its wires")
    _file(p)
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=cmd_node_remove)
    p = actions.add_parser("rename", help="rename a node (its id and wires stay)")
    _file(p)
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.set_defaults(handler=cmd_node_rename)
    p = actions.add_parser(
        "files", help="declare files a node ships with it (--ship) or writes for later nodes"
    )
    _file(p)
    p.add_argument("name", metavar="NODE")
    p.add_argument("--ship", action="append", default=[], metavar="PATH", help="relative path")
    p.add_argument("--produces", action="append", default=[], metavar="PATH", help="relative path")
    p.add_argument("--remove", action="store_true", help="forget the paths given")
    p.add_argument(
        "--detect",
        action="store_true",
        help="read the code: declare the files it reads beside it (shipped) and those an "
        "upstream node writes (produced there), and say each",
    )
    p.set_defaults(handler=cmd_node_files)


def _missing_action(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        raise CliError(f"{parser.prog}: choose an action ({parser.prog} --help)")

    return handler


def _apply(path: str, edit: edits.Edit) -> int:
    result = edits.edit_file(path, edit)
    print(result.message)
    if result.new_issues:  # errors every time; a warning only when this edit brought it
        errors = sum(1 for i in result.issues if i.is_error)
        state = "not valid yet" if errors else "valid, with warnings"
        print(f"stitchboard: {path}: saved; the pipeline is {state}:", file=sys.stderr)
        print_issues(result.new_issues, sys.stderr)
    if result.old_warnings:
        print(
            f"stitchboard: {path}: {result.old_warnings} earlier warning(s) unchanged "
            f"(stitchboard validate {path} lists them)",
            file=sys.stderr,
        )
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    if args.unset:
        refs = list(args.items)

        def unset_all(pipeline: Pipeline) -> str:
            return "\n".join(edits.unset_value(pipeline, ref) for ref in refs)

        return _apply(args.file, unset_all)
    pairs = []
    for item in args.items:
        ref, sep, text = item.partition("=")
        if not sep or not ref:
            raise CliError(f"set {item!r}: expected NODE.INPUT=VALUE (or --unset NODE.INPUT)")
        pairs.append((ref, text))

    def set_all(pipeline: Pipeline) -> str:
        return "\n".join(edits.set_value(pipeline, ref, text) for ref, text in pairs)

    return _apply(args.file, set_all)


def cmd_wire(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.wire(p, args.source, args.target))


def cmd_unwire(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.unwire(p, args.first, args.second))


def cmd_bind(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.bind(p, args.input, args.param))


def cmd_unbind(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.unbind(p, args.input))


def cmd_param_add(args: argparse.Namespace) -> int:
    return _apply(
        args.file,
        lambda p: edits.add_parameter(p, args.name, args.type, args.default, args.description),
    )


def cmd_param_remove(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.remove_parameter(p, args.name))


def cmd_node_add(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.add_node(p, args.source, args.name, args.kind))


def cmd_node_remove(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.remove_node(p, args.name))


def cmd_node_rename(args: argparse.Namespace) -> int:
    return _apply(args.file, lambda p: edits.rename_node(p, args.old, args.new))


def cmd_node_files(args: argparse.Namespace) -> int:
    if args.detect:
        if args.ship or args.produces or args.remove:
            raise CliError("node files --detect: give no --ship, --produces or --remove with it")
        return _apply(args.file, lambda p: edits.detect_node_files(p, args.name))
    return _apply(
        args.file,
        lambda p: edits.declare_files(p, args.name, args.ship, args.produces, args.remove),
    )
