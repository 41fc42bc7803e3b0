"""Edits of a pipeline by name, as the terminal (and later the editor) asks for them.

Pure: parses ``NODE.PORT`` references, applies one edit through the ``Pipeline`` methods
(``check_connect`` for wires) and answers with a one-line summary; ``edit_file`` loads a
``*.stitch`` file, applies an edit, validates and saves atomically only when the edit was
accepted. Every refusal is an ``EditRefused`` naming the node, port or field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from graph_editor import detect_files, fileformat, wiring
from graph_editor.build import COLUMN_WIDTH, node_from_source, refresh_all_ports
from graph_editor.errors import ConnectionRefused, ModelError
from graph_editor.names import is_identifier, is_task_id
from graph_editor.nodes import Edge, Node, NodeKind, PipelineParameter, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType, can_feed, coerce_text, parse_type_name, value_fits
from graph_editor.validation import Issue, validate


class EditRefused(ModelError):
    """An edit the pipeline refuses; the message names the node, port or field."""


@dataclass(frozen=True)
class PortRef:
    """``NODE.PORT`` as typed by a user: a node name (or id) and a port name."""

    node: str
    port: str

    def __str__(self) -> str:
        return f"{self.node}.{self.port}"


@dataclass(frozen=True)
class EditResult:
    """What an applied edit did (one line) and the issues the pipeline has after it."""

    message: str
    issues: tuple[Issue, ...] = ()
    before: tuple[Issue, ...] = ()  # the issues the pipeline had before the edit

    @property
    def new_issues(self) -> tuple[Issue, ...]:
        """Errors, and the warnings this edit brought (one already shown is not news)."""
        seen = set(self.before)
        return tuple(i for i in self.issues if i.is_error or i not in seen)

    @property
    def old_warnings(self) -> int:
        """How many warnings the pipeline still has from before the edit."""
        return len(self.issues) - len(self.new_issues)


Edit = Callable[[Pipeline], str]


# -- references -----------------------------------------------------------------------------
def _known(pipeline: Pipeline) -> str:
    return ", ".join(n.name for n in pipeline.nodes) or "none"


def find_node(pipeline: Pipeline, ref: str) -> Node:
    """The node named ``ref`` (or with that id); refuses naming the known nodes."""
    node = pipeline.node_by_name(ref)
    if node is None and pipeline.has_node(ref):
        node = pipeline.node(ref)
    if node is None:
        raise EditRefused(f"no node {ref!r} (known: {_known(pipeline)})")
    return node


def parse_port_ref(pipeline: Pipeline, text: str) -> PortRef:
    """Split ``NODE.PORT`` at its last dot (node names may hold dots, port names never)."""
    node, dot, port = text.rpartition(".")
    if not dot or not node or not port:
        raise EditRefused(f"{text!r}: expected NODE.PORT")
    find_node(pipeline, node)
    return PortRef(node, port)


def _ports(ports: tuple[Port, ...]) -> str:
    return ", ".join(p.name for p in ports) or "none"


def input_port(pipeline: Pipeline, text: str) -> tuple[Node, Port]:
    """The node and input port a ``NODE.INPUT`` reference names."""
    ref = parse_port_ref(pipeline, text)
    node = find_node(pipeline, ref.node)
    port = node.input(ref.port)
    if port is None:
        raise EditRefused(f"{node.name} has no input {ref.port!r} (inputs: {_ports(node.inputs)})")
    return node, port


def output_port(pipeline: Pipeline, text: str) -> tuple[Node, Port]:
    """The node and output port a ``NODE.OUTPUT`` reference names."""
    ref = parse_port_ref(pipeline, text)
    node = find_node(pipeline, ref.node)
    port = node.output(ref.port)
    if port is None:
        raise EditRefused(
            f"{node.name} has no output {ref.port!r} (outputs: {_ports(node.outputs)})"
        )
    return node, port


def parse_type(text: str) -> PortType:
    """A port type from its name (``str``, ``int``, ``float``, ``bool``, ``list``, ``dict``...)."""
    try:
        return PortType(text.strip().lower())
    except ValueError as exc:
        found = parse_type_name(text)
        if found == PortType.ANY and text.strip().lower() not in ("any", "object"):
            names = ", ".join(t.value for t in PortType)
            raise EditRefused(f"unknown type {text!r} (use one of {names})") from exc
        return found


def _without(mapping: Any, key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


# -- values and bindings --------------------------------------------------------------------
def set_value(pipeline: Pipeline, ref: str, text: str) -> str:
    """Set an unwired input to ``text`` parsed by the port's type (drops a binding)."""
    node, port = input_port(pipeline, ref)
    wire = pipeline.wire_into(node.id, port.name)
    if wire is not None:
        source = pipeline.node(wire.source).name
        raise EditRefused(
            f"{node.name}.{port.name} is wired from {source}.{wire.source_port}; unwire it first"
        )
    try:
        value = coerce_text(text, port.type)
    except ValueError as exc:
        raise EditRefused(f"{node.name}.{port.name} ({port.type.value}): {exc}") from exc
    note = ""
    if port.name in node.bindings:
        note = f" (was bound to parameter {node.bindings[port.name]!r})"
    pipeline.update_node(node.id, **wiring.value_changes(node, port.name, value))
    return f"set {node.name}.{port.name} = {value!r}{note}"


def unset_value(pipeline: Pipeline, ref: str) -> str:
    """Forget the value set for an input (the notebook's default applies again)."""
    node, port = input_port(pipeline, ref)
    if port.name not in node.values:
        raise EditRefused(f"{node.name}.{port.name} has no value set")
    pipeline.update_node(node.id, values=_without(node.values, port.name))
    return f"unset {node.name}.{port.name}"


def bind(pipeline: Pipeline, ref: str, param_name: str) -> str:
    """Feed an unwired input from a pipeline parameter (drops a value set on it)."""
    node, port = input_port(pipeline, ref)
    param = pipeline.settings.parameter(param_name)
    if param is None:
        known = ", ".join(p.name for p in pipeline.settings.parameters) or "none"
        raise EditRefused(f"no pipeline parameter {param_name!r} (known: {known})")
    if pipeline.wire_into(node.id, port.name) is not None:
        raise EditRefused(f"{node.name}.{port.name} is wired; unwire it first")
    if not can_feed(param.type, port.type):
        raise EditRefused(
            f"type mismatch: parameter {param.name!r} is {param.type.value}, "
            f"{node.name}.{port.name} needs {port.type.value}"
        )
    note = (
        f" (its set value {node.values[port.name]!r} dropped)" if port.name in node.values else ""
    )
    pipeline.update_node(node.id, **wiring.bind_changes(node, port.name, param.name))
    return f"bound {node.name}.{port.name} to parameter {param.name!r}{note}"


def unbind(pipeline: Pipeline, ref: str) -> str:
    node, port = input_port(pipeline, ref)
    if port.name not in node.bindings:
        raise EditRefused(f"{node.name}.{port.name} is not bound to a pipeline parameter")
    pipeline.update_node(node.id, **wiring.bind_changes(node, port.name, None))
    return f"unbound {node.name}.{port.name}"


# -- wires ----------------------------------------------------------------------------------
def _edge(pipeline: Pipeline, source: str, target: str) -> Edge:
    """A wire ``A.OUT B.IN``, or an ordering edge ``A B`` when both name whole nodes."""
    if pipeline.node_by_name(source) and pipeline.node_by_name(target):
        return Edge(find_node(pipeline, source).id, find_node(pipeline, target).id)
    src, out = output_port(pipeline, source)
    dst, inp = input_port(pipeline, target)
    return Edge(src.id, dst.id, out.name, inp.name)


def wire(pipeline: Pipeline, source: str, target: str) -> str:
    """Wire ``A.OUT`` into ``B.IN`` (or order ``A`` before ``B``), checked by the model; the
    input's set value and parameter binding are dropped (``graph_editor.wiring``)."""
    edge = _edge(pipeline, source, target)
    try:
        rewire = wiring.plan_rewire(pipeline, (), (edge,))
    except ConnectionRefused as exc:
        raise EditRefused(exc.reason) from exc
    wiring.apply_rewire(pipeline, rewire)
    note = f" ({rewire.dropped[0].words})" if rewire.dropped else ""
    return f"wired {edge.describe(pipeline.names())}{note}"


def unwire(pipeline: Pipeline, first: str, second: str | None = None) -> str:
    """Remove the wire ``A.OUT B.IN``, the wire into ``B.IN``, or the ordering edge ``A B``."""
    if second is None:
        node, port = input_port(pipeline, first)
        edge = pipeline.wire_into(node.id, port.name)
        if edge is None:
            raise EditRefused(f"{node.name}.{port.name} is not wired")
    else:
        edge = _edge(pipeline, first, second)
        if not pipeline.has_edge(edge):
            raise EditRefused(f"no wire {edge.describe(pipeline.names())}")
    pipeline.remove_edge(edge)
    return f"unwired {edge.describe(pipeline.names())}"


# -- pipeline parameters --------------------------------------------------------------------
def add_parameter(
    pipeline: Pipeline,
    name: str,
    type_name: str = "str",
    default: str | None = None,
    description: str = "",
) -> str:
    """Add a typed pipeline parameter; ``default`` is text parsed by the type."""
    if not is_identifier(name):
        raise EditRefused(f"parameter name {name!r} is not a valid Python name")
    if pipeline.settings.parameter(name) is not None:
        raise EditRefused(f"pipeline parameter {name!r} already exists")
    port_type = parse_type(type_name)
    value: Any = None
    if default is not None:
        try:
            value = coerce_text(default, port_type)
        except ValueError as exc:
            raise EditRefused(f"parameter {name!r} default ({port_type.value}): {exc}") from exc
    if not value_fits(value, port_type):
        raise EditRefused(f"parameter {name!r}: default does not fit {port_type.value}")
    param = PipelineParameter(name, port_type, value, description)
    pipeline.update_settings(parameters=(*pipeline.settings.parameters, param))
    return f"added parameter {name}: {port_type.value} = {value!r}"


def remove_parameter(pipeline: Pipeline, name: str) -> str:
    """Remove a pipeline parameter no input is bound to."""
    if pipeline.settings.parameter(name) is None:
        known = ", ".join(p.name for p in pipeline.settings.parameters) or "none"
        raise EditRefused(f"no pipeline parameter {name!r} (known: {known})")
    users = [
        f"{n.name}.{port}" for n in pipeline.nodes for port, p in n.bindings.items() if p == name
    ]
    if users:
        raise EditRefused(f"parameter {name!r} feeds {', '.join(users)}; unbind them first")
    kept = tuple(p for p in pipeline.settings.parameters if p.name != name)
    pipeline.update_settings(parameters=kept)
    return f"removed parameter {name}"


# -- nodes ----------------------------------------------------------------------------------
def add_node(
    pipeline: Pipeline, source: str | Path, name: str = "", kind: str | None = None
) -> str:
    """Add a node for a notebook or script (ports inspected), right of the other nodes."""
    if name and not is_task_id(name):
        raise EditRefused(f"node name {name!r} is not a valid task id (letters, digits, _ . -)")
    if name and pipeline.node_by_name(name) is not None:
        raise EditRefused(f"a node named {name!r} already exists")
    kinds: dict[str, Any] = {}
    if kind is not None:
        try:
            kinds["kind"] = NodeKind(kind)
        except ValueError as exc:
            known = ", ".join(k.value for k in NodeKind)
            raise EditRefused(f"unknown node kind {kind!r} (use one of {known})") from exc
    right = max((n.position[0] for n in pipeline.nodes), default=-COLUMN_WIDTH)
    node = node_from_source(
        pipeline, source, name=name, position=(right + COLUMN_WIDTH, 0.0), **kinds
    )
    pipeline.add_node(node)
    said = [f"added node {node.name} ({node.kind.value}, {node.source})"]
    return "\n".join(said + detect_files.declare_detected(pipeline, [node.id]))


def remove_node(pipeline: Pipeline, ref: str) -> str:
    node = find_node(pipeline, ref)
    _, edges = pipeline.remove_node(node.id)
    return f"removed node {node.name} and {len(edges)} edge(s)"


def rename_node(pipeline: Pipeline, ref: str, new_name: str) -> str:
    node = find_node(pipeline, ref)
    if not is_task_id(new_name):
        raise EditRefused(f"node name {new_name!r} is not a valid task id (letters, digits, _ . -)")
    other = pipeline.node_by_name(new_name)
    if other is not None and other.id != node.id:
        raise EditRefused(f"a node named {new_name!r} already exists")
    pipeline.update_node(node.id, name=new_name)
    return f"renamed node {node.name} to {new_name}"


def declared_path(text: str) -> str:
    """A declared file path in its saved form (posix, relative); ``EditRefused`` otherwise."""
    path = PurePosixPath(text.replace("\\", "/"))
    if not text.strip() or path.is_absolute() or ".." in path.parts:
        raise EditRefused(
            f"declared file {text!r} must be a path relative to the notebook, inside its folder"
        )
    return path.as_posix()


def declare_files(
    pipeline: Pipeline,
    ref: str,
    ship: Sequence[str] = (),
    produces: Sequence[str] = (),
    remove: bool = False,
) -> str:
    """Declare (or with ``remove`` forget) files a node ships with it or produces."""
    node = find_node(pipeline, ref)
    if not ship and not produces:
        raise EditRefused("name at least one --ship or --produces path (or --detect)")
    files, made = list(node.files), list(node.produces)
    for listing, given in ((files, ship), (made, produces)):
        for text in given:
            rel = declared_path(text)
            if remove and rel not in listing:
                raise EditRefused(f"{node.name} does not declare {rel!r}")
            if remove:
                listing.remove(rel)
            elif rel not in listing:
                listing.append(rel)
    pipeline.update_node(node.id, files=tuple(files), produces=tuple(made))
    shown = ", ".join(files) or "none"
    return f"{node.name}: ships {shown}; produces {', '.join(made) or 'none'}"


def detect_node_files(pipeline: Pipeline, ref: str) -> str:
    """Declare what reading the node's code finds (``--detect``): files beside it shipped,
    files an upstream node writes produced there; says each, or that nothing was found."""
    node = find_node(pipeline, ref)
    found = detect_files.detect(pipeline, node)
    if not found:
        shown = ", ".join(node.files) or "none"
        return f"{node.name}: nothing new found (ships {shown}; produces {', '.join(node.produces) or 'none'})"
    detect_files.apply(pipeline, found)
    file = pipeline.path.name if pipeline.path is not None else "PIPELINE"
    return "\n".join(detect_files.notes(pipeline, found, file))


# -- files ----------------------------------------------------------------------------------
def load_for_edit(path: str | Path) -> Pipeline:
    """Load a pipeline with its notebooks re-inspected (the notebooks on disk are the truth)."""
    pipeline = fileformat.load(path)
    refresh_all_ports(pipeline)
    return pipeline


def edit_file(path: str | Path, edit: Edit) -> EditResult:
    """Apply ``edit`` to the pipeline in ``path`` and save it atomically.

    A refused edit raises before anything is written, so the file stays byte-identical.
    An accepted edit is saved even when the pipeline is now invalid (people build a pipeline
    step by step); the result carries the issues found.
    """
    pipeline = load_for_edit(path)
    before = tuple(validate(pipeline))
    message = edit(pipeline)
    fileformat.save(pipeline, path)
    return EditResult(message, tuple(validate(pipeline)), before)
