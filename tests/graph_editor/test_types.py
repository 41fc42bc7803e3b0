from pathlib import Path

import pytest

from graph_editor.types import (
    ARTIFACT_MARKER,
    JSON_TYPES,
    PortType,
    can_be_parameter,
    can_feed,
    coerce_text,
    is_artifact_ref,
    parse_type_name,
    type_of_value,
    value_fits,
)


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
        ("pd.DataFrame", PortType.DATAFRAME),
        ("pandas.DataFrame", PortType.DATAFRAME),
        ("pandas.core.frame.DataFrame", PortType.DATAFRAME),
        ("Optional[pd.DataFrame]", PortType.DATAFRAME),
        ("pd.Series", PortType.SERIES),
        ("np.ndarray", PortType.ARRAY),
        ("numpy.ndarray", PortType.ARRAY),
        ("NDArray[np.float64]", PortType.ARRAY),
        ("npt.NDArray[np.int64]", PortType.ARRAY),
        ("Path", PortType.PATH),
        ("pathlib.Path", PortType.PATH),
        ("os.PathLike", PortType.PATH),
        ("str | os.PathLike[str]", PortType.PATH),
        ("RandomForestClassifier", PortType.OBJECT),
        ("sklearn.pipeline.Pipeline", PortType.OBJECT),
        ("torch.nn.Module", PortType.OBJECT),
        ("object", PortType.ANY),
        ("Literal['a', 'b']", PortType.ANY),
        ("Callable[[int], int]", PortType.ANY),
        ("thing", PortType.ANY),
        ("Annotated[Dict[str, int], 'meta']", PortType.DICT),
        ("np.float64", PortType.FLOAT),
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


def test_a_dataframe_output_cannot_feed_an_int_but_anything_feeds_any():
    assert not can_feed(PortType.DATAFRAME, PortType.INT)
    assert not can_feed(PortType.DATAFRAME, PortType.SERIES)
    assert not can_feed(PortType.ARRAY, PortType.LIST)
    assert not can_feed(PortType.OBJECT, PortType.DATAFRAME)
    for kind in PortType:
        assert can_feed(kind, PortType.ANY) and can_feed(PortType.ANY, kind)
        assert can_feed(kind, PortType.OBJECT)  # a class we cannot check by name


def test_a_path_feeds_a_str_parameter_and_text_feeds_a_path():
    assert can_feed(PortType.PATH, PortType.STR) and can_feed(PortType.STR, PortType.PATH)
    assert not can_feed(PortType.PATH, PortType.DATAFRAME)
    assert coerce_text("data/in.csv", PortType.PATH) == "data/in.csv"
    with pytest.raises(ValueError, match="dataframe cannot be given as text"):
        coerce_text("x", PortType.DATAFRAME)


def ref(kind, python_type=""):
    return {ARTIFACT_MARKER: 1, "uri": "/s/x", "type": kind, "format": "parquet", "size": 1,
            "sha256": "0", "python_type": python_type, "libs": {}}  # fmt: skip


def test_artifact_references_fit_the_ports_of_what_they_hold():
    assert value_fits(ref("dataframe"), PortType.DATAFRAME)
    assert not value_fits(ref("dataframe"), PortType.INT)
    assert not value_fits(ref("dataframe"), PortType.DICT)  # a ref is not the user's dict
    assert value_fits(ref("series"), PortType.SERIES) and value_fits(ref("array"), PortType.ARRAY)
    assert value_fits(ref("path"), PortType.STR)
    assert value_fits(ref("json", "builtins.list"), PortType.LIST)  # a big JSON list
    assert not value_fits(ref("json", "builtins.list"), PortType.DICT)
    assert value_fits(ref("object", "sklearn.linear_model._base.LinearRegression"), PortType.OBJECT)
    assert type_of_value(ref("dataframe")) == PortType.DATAFRAME
    assert type_of_value({"a": 1}) == PortType.DICT


def test_real_data_objects_have_their_port_types():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    frame = pd.DataFrame({"a": [1]})
    frame.to_json = None  # type_of_value must not serialise a frame to learn what it is
    assert type_of_value(frame) == PortType.DATAFRAME
    assert type_of_value(pd.Series([1])) == PortType.SERIES
    assert type_of_value(np.zeros(3)) == PortType.ARRAY
    assert type_of_value(Path("x.csv")) == PortType.PATH
    assert value_fits(Path("x.csv"), PortType.STR)


def test_the_model_and_the_runtime_agree_on_the_reference_marker():
    from resources.runtime import stitchboard_artifacts

    assert ARTIFACT_MARKER == stitchboard_artifacts.MARKER
    made = stitchboard_artifacts.ArtifactRef("/s/x.npy", "array", "npy", 8, "00")
    assert is_artifact_ref(made) and is_artifact_ref(made.to_json())
    assert type_of_value(made) == PortType.ARRAY


def test_only_json_types_and_paths_can_be_pipeline_parameters():
    assert {t for t in PortType if can_be_parameter(t)} == {
        *JSON_TYPES,
        PortType.ANY,
        PortType.PATH,
    }
