"""Values made safe for Airflow templated fields: Jinja-inert strings and inert JSON."""

from __future__ import annotations

from typing import Any

from exporters.codegen import Call, Import, Map, Raw, Seq, atom

JINJA_OPENERS = ("{{", "{%", "{#")
# Jinja normalises every line end of a template to "\n" and drops one trailing "\n"
# (measured on Airflow 3.3: "line1\r\nline2\n" rendered as "line1\nline2"), so text with a
# line end must not be rendered at all.
LINE_ENDS = ("\n", "\r")
STDLIB = ("__future__", "collections", "datetime", "json", "typing")
IMPORTS = {  # name bound in the generated module -> (module, imported name or "" for a module)
    "datetime": ("datetime", ""),
    "json": ("json", ""),
    "Any": ("typing", "Any"),
    "Iterator": ("collections.abc", "Iterator"),
    "DAG": ("airflow.sdk", "DAG"),
    "Param": ("airflow.sdk", "Param"),
    "Asset": ("airflow.sdk", "Asset"),
    "literal": ("airflow.sdk", "literal"),
    "KubernetesPodOperator": (
        "airflow.providers.cncf.kubernetes.operators.pod",
        "KubernetesPodOperator",
    ),
    "Secret": ("airflow.providers.cncf.kubernetes.secret", "Secret"),
    "k8s": ("kubernetes.client", "models as k8s"),
    "PythonOperator": ("airflow.providers.standard.operators.python", "PythonOperator"),
}


def needs_literal(text: str) -> bool:
    """Whether Airflow would treat ``text`` as a Jinja template."""
    return any(opener in text for opener in JINJA_OPENERS)


def changed_by_rendering(text: str) -> bool:
    """Whether rendering ``text`` in a templated field would give anything but ``text``."""
    return needs_literal(text) or any(end in text for end in LINE_ENDS)


class Imports:
    """Names the generated module must import, collected while writing it."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def use(self, name: str) -> str:
        self.names.add(name)
        return name

    def statements(self) -> list[list[Import]]:
        """The import block as isort/ruff sort it: future, standard library, third party."""
        future = [[Import("__future__", ["annotations"])]]
        sections: list[list[Import]] = [[], []]
        froms: dict[str, list[str]] = {}
        for name in self.names:
            module, what = IMPORTS[name]
            if what:
                froms.setdefault(module, []).append(what)
            else:
                sections[module.split(".")[0] not in STDLIB].append(Import(module))
        for section in sections:
            section.sort(key=lambda i: i.module)
        for module in sorted(froms):
            names = sorted(froms[module], key=_isort_key)
            sections[module.split(".")[0] not in STDLIB].append(Import(module, names))
        return future + [s for s in sections if s]


def _isort_key(name: str) -> tuple[int, str]:
    # isort's default order inside ``from x import a, B, C``: CONSTANTS, Classes, functions.
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def protect(value: Any, imports: Imports) -> Any:
    """An expression for a JSON-like value in a templated field; text Jinja would change
    (delimiters, line ends) is ``literal()``, so it arrives byte for byte."""
    if isinstance(value, Raw | Call | Seq | Map):
        return value
    if isinstance(value, str):
        code = atom(value)
        return (
            Call(imports.use("literal"), [Raw(code)]) if changed_by_rendering(value) else Raw(code)
        )
    if isinstance(value, dict):
        return Map([(k, protect(v, imports)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return Seq([protect(v, imports) for v in value])
    return Raw(atom(value))
