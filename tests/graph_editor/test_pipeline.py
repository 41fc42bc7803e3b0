import pytest

from graph_editor.changes import EdgeRemoved, NodeChanged, SettingsChanged
from graph_editor.errors import ConnectionRefused, ModelError
from graph_editor.nodes import Edge, Node, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType


def make(pipeline: Pipeline, name: str, inputs=(), outputs=()) -> Node:
    return pipeline.add_node(
        Node(
            id=f"id_{name}",
            name=name,
            source=f"{name}.ipynb",
            inputs=tuple(Port(n, t) for n, t in inputs),
            outputs=tuple(Port(n, t) for n, t in outputs),
        )
    )


@pytest.fixture
def chain3():
    p = Pipeline()
    a = make(p, "a", outputs=[("x", PortType.INT), ("s", PortType.STR)])
    b = make(p, "b", inputs=[("x", PortType.FLOAT)], outputs=[("y", PortType.DICT)])
    c = make(p, "c", inputs=[("y", PortType.DICT), ("n", PortType.INT)])
    p.add_edge(Edge(a.id, b.id, "x", "x"))
    p.add_edge(Edge(b.id, c.id, "y", "y"))
    return p


def test_wires_of_the_wrong_type_are_refused_with_a_reason(chain3):
    with pytest.raises(ConnectionRefused, match="type mismatch: a.s is str, c.n needs int"):
        chain3.check_connect(Edge("id_a", "id_c", "s", "n"))
    assert not chain3.can_connect(Edge("id_a", "id_c", "s", "n"))


def test_cycles_are_refused(chain3):
    make(chain3, "d", inputs=[("y", PortType.ANY)])
    with pytest.raises(ConnectionRefused, match="would make a cycle"):
        chain3.add_edge(Edge("id_c", "id_a"))
    with pytest.raises(ConnectionRefused, match="cannot feed itself"):
        chain3.add_edge(Edge("id_a", "id_a"))


def test_an_input_takes_one_wire_and_ports_must_exist(chain3):
    with pytest.raises(ConnectionRefused, match="already wired"):
        chain3.add_edge(Edge("id_a", "id_b", "s", "x"))
    with pytest.raises(ConnectionRefused, match="has no output 'zz'"):
        chain3.add_edge(Edge("id_a", "id_c", "zz", "n"))
    with pytest.raises(ConnectionRefused, match="has no input 'zz'"):
        chain3.add_edge(Edge("id_a", "id_c", "x", "zz"))


def test_order_layers_and_neighbours(chain3):
    make(chain3, "e")
    chain3.add_edge(Edge("id_a", "id_e"))
    assert chain3.topological_order() == ["id_a", "id_b", "id_c", "id_e"]
    assert chain3.layers() == [["id_a"], ["id_b", "id_e"], ["id_c"]]
    assert chain3.upstream("id_c") == ["id_b"]
    assert chain3.descendants("id_a") == {"id_b", "id_c", "id_e"}


def test_removing_a_node_removes_and_returns_its_edges(chain3):
    node, edges = chain3.remove_node("id_b")
    assert node.name == "b" and len(edges) == 2
    assert chain3.edges == ()
    chain3.add_node(node)
    for edge in edges:
        chain3.add_edge(edge)
    assert len(chain3.edges) == 2


def test_edits_emit_events_for_views(chain3):
    seen = []
    chain3.changed.connect(seen.append)
    chain3.update_node("id_a", name="load")
    chain3.remove_edge(Edge("id_a", "id_b", "x", "x"))
    chain3.update_settings(dag_id="x")
    assert seen == [
        NodeChanged("id_a", frozenset({"name"})),
        EdgeRemoved(Edge("id_a", "id_b", "x", "x")),
        SettingsChanged(frozenset({"dag_id"})),
    ]
    with pytest.raises(ModelError):
        chain3.update_node("id_a", id="other")


def test_unchecked_edges_keep_broken_wires_for_validation():
    p = Pipeline()
    a = make(p, "a", outputs=[("x", PortType.STR)])
    b = make(p, "b", inputs=[("x", PortType.INT)])
    p.add_edge(Edge(a.id, b.id, "x", "x"), check=False)
    p.add_edge(Edge(b.id, a.id), check=False)
    assert p.cycles() == [["id_a", "id_b"]]
    assert p.unique_name("a") == "a_2"


def test_a_node_can_be_put_back_in_its_place(chain3):
    index = chain3.index_of("id_b")
    node, edges = chain3.remove_node("id_b")
    chain3.add_node(node, index=index)
    for edge in edges:
        chain3.add_edge(edge)
    assert [n.name for n in chain3.nodes] == ["a", "b", "c"]
