"""The statement nodes write modules black keeps as they are, with values only as literals."""

from __future__ import annotations

import ast

import black

from exporters.codegen import (
    Assign,
    Call,
    Comment,
    Concat,
    Docstring,
    Expr,
    Import,
    Map,
    Module,
    Raw,
    Seq,
    Verbatim,
    With,
    atom,
    triple_quoted,
)

FUNCTION = 'def helper(key: str) -> str:\n    """Look a key up."""\n    return TABLE[key]\n'


def _module(text: str) -> Module:
    table = Map([("k" * 16, Concat(["a" * 76, "b" * 40])), ("short", Concat(["x"]))], explode=True)
    task = Call("Op", [], [("task_id", Raw(atom("t"))), ("text", Raw(atom(text)))], explode=True)
    return Module(
        [
            [Docstring("A generated module.\n\nWith a body.\n")],
            [Import("__future__", ["annotations"])],
            [Import("json")],
            [Assign("PROGRAM", triple_quoted("print(1)\n"))],
            [Verbatim(FUNCTION)],
            [Verbatim(FUNCTION.replace("helper", "other"))],
            [
                With(
                    Call("DAG", [], [("dag_id", Raw('"d"'))]),
                    "dag",
                    [[Comment(text), Assign("a", task)], [Expr(Seq([Raw("b"), Raw("c")]), "a")]],
                )
            ],
            [Comment("Shipped:"), Assign("TABLE", table)],
        ]
    )


def test_a_module_tree_is_black_stable_and_parses() -> None:
    source = _module("hello").render()
    assert black.format_str(source, mode=black.Mode(line_length=88)) == source
    tree = ast.parse(source)
    assert [type(n).__name__ for n in tree.body] == [
        "Expr",
        "ImportFrom",
        "Import",
        "Assign",
        "FunctionDef",
        "FunctionDef",
        "With",
        "Assign",
    ]
    assert ast.literal_eval(tree.body[3].value) == "print(1)\n"


def test_user_text_in_comments_cannot_break_out() -> None:
    hostile = "line one\nimport os  # fmt: off\r\x00"
    source = _module(hostile).render()
    tree = ast.parse(source)
    with_block = next(n for n in tree.body if isinstance(n, ast.With))
    assert len(with_block.body) == 2  # the comment stayed a comment
    comments = [line.strip() for line in source.splitlines() if line.strip().startswith("#")]
    assert comments[0] == "# line one import os # fmt : off"
