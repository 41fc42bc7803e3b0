"""A node's last run on the canvas: run-state strip and hover texts on the node, ports and wires.

The canvas calls ``show_run`` whenever the ``RunSession`` says a node's run changed; the texts
come from the session only (values, or artifact previews: DataFrame shape and columns, array
shape and dtype, file name and size).
"""

from __future__ import annotations

import html

from graph_editor.nodes import Node
from graph_editor.qt.node_items import _StitchNode
from graph_editor.qt.ports import node_tooltip
from graph_editor.run_session import NodeRun

BASE_TIP = "stitchboard_base_tip"  # the port's own hover text, kept on the item


def run_lines(run: NodeRun) -> list[str]:
    """Plain-text lines about a node's last run (state, detail, one line per output)."""
    if run.state is None:
        return []
    head = f"last run: {run.state.value}" + (f" — {run.detail}" if run.detail else "")
    lines = [head]
    for output in run.outputs:
        lines.append(f"{output.name} = {output.preview}")
        lines.extend(f"    {row}" for row in output.rows)
    return lines


def node_hover(node: Node, run: NodeRun) -> str:
    """The node's hover text: what it is, then what its last run gave."""
    lines = run_lines(run)
    if not lines:
        return node_tooltip(node)
    text = "<br>".join(html.escape(line).replace("    ", "&nbsp;" * 4) for line in lines)
    return node_tooltip(node) + "<hr>" + text


def show_run(view: _StitchNode, node: Node, run: NodeRun) -> None:
    """Put a node's last run on its view: strip and badge, node, port and wire hover texts."""
    view.view.set_run_state(run.state)
    view.view.setToolTip(node_hover(node, run))
    for name, port in view.outputs().items():
        item = port.view
        base = getattr(item, BASE_TIP, None)
        if base is None:
            base = item.toolTip()
            setattr(item, BASE_TIP, base)
        result = run.output(name)
        last = ""
        if result is not None:
            rows = "".join(f"<br>&nbsp;&nbsp;{html.escape(r)}" for r in result.rows)
            last = f"<br>last run: {html.escape(result.preview)}{rows}"
        item.setToolTip(base + last)
        for pipe in item.connected_pipes:
            if result is not None:
                pipe.setToolTip(f"{name} = {result.preview}")
            elif not pipe.toolTip().startswith("broken"):
                pipe.setToolTip("")
