import pytest

from graph_editor.types import PortType, can_feed, coerce_text, parse_type_name, value_fits


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("int", PortType.INT),
        ("float", PortType.FLOAT),
        ("str", PortType.STR),
        ("bool", PortType.BOOL),
        ("List[str]", PortType.LIST),
        ("list[int]", PortType.LIST),
        ("Dict[str, int]", PortType.DICT),
        ("Optional[int]", PortType.INT),
        ("int | None", PortType.INT),
        ("typing.Any", PortType.ANY),
        ("None", PortType.ANY),
        ("", PortType.ANY),
        ("pd.DataFrame", PortType.ANY),
        ("int | str", PortType.ANY),
    ],
)
def test_annotations_map_to_port_types(name, expected):
    assert parse_type_name(name) == expected


def test_int_feeds_float_but_not_the_reverse():
    assert can_feed(PortType.INT, PortType.FLOAT)
    assert not can_feed(PortType.FLOAT, PortType.INT)
    assert not can_feed(PortType.STR, PortType.INT)
    assert can_feed(PortType.DICT, PortType.ANY) and can_feed(PortType.ANY, PortType.BOOL)


def test_values_fit_their_types():
    assert value_fits(3, PortType.FLOAT)
    assert not value_fits(True, PortType.INT)  # a bool is not an int for a user
    assert not value_fits("3", PortType.INT)
    assert value_fits(None, PortType.INT)
    assert value_fits({"a": 1}, PortType.DICT) and not value_fits([1], PortType.DICT)


def test_command_line_text_is_coerced_or_refused():
    assert coerce_text("12", PortType.INT) == 12
    assert coerce_text("0.5", PortType.FLOAT) == 0.5
    assert coerce_text("yes", PortType.BOOL) is True
    assert coerce_text('{"a": [1]}', PortType.DICT) == {"a": [1]}
    assert coerce_text("plain", PortType.ANY) == "plain"
    with pytest.raises(ValueError, match="expected an int"):
        coerce_text("ten", PortType.INT)
    with pytest.raises(ValueError, match="expected a dict"):
        coerce_text("[1, 2]", PortType.DICT)
