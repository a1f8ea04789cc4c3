"""The stored-result file format: exact round trips, and damage always detected."""

from __future__ import annotations

import json

import pytest

from kg import row_codec

MIXED = [
    {"s": "淘宝", "n": 1, "x": 1.0, "b": True, "none": None, "span": [3, 9], "q": {"subject": "Q1"}},
    {"s": "淘宝", "n": 1.0, "x": 1, "b": 1, "none": None, "span": [3, 9], "q": {"subject": None}},
    {"s": "a\x1fb", "n": True, "x": None, "b": False, "none": None, "span": [], "q": {}},
    {"s": "", "n": 2**40, "x": -0.5, "b": None, "none": None, "span": [1, 2], "q": {"subject": "Q1"}},
]


def roundtrip(rows, columns=None, kind="select"):
    columns = list(rows[0]) if columns is None else columns
    return row_codec.decode(row_codec.encode(kind, columns, rows))


def test_values_and_their_types_come_back_exactly():
    kind, columns, rows = roundtrip(MIXED)
    assert kind == "select" and columns == list(MIXED[0]) and rows == MIXED
    # 1, 1.0 and True compare equal: their types must survive too
    assert [tuple(type(r[c]) for c in ("n", "x", "b")) for r in rows] == \
        [tuple(type(r[c]) for c in ("n", "x", "b")) for r in MIXED]


@pytest.mark.parametrize("distinct", [1, 255, 256, 257, 65_536, 65_537])
def test_every_code_width(distinct):
    rows = [{"v": f"值{i % distinct}", "k": i % distinct} for i in range(distinct + 3)]
    assert roundtrip(rows)[2] == rows


def test_missing_keys_are_none_and_empty_tables_survive():
    assert roundtrip([{"a": 1}, {}], ["a", "b"])[2] == [{"a": 1, "b": None}, {"a": None, "b": None}]
    assert roundtrip([], ["a", "b"]) == ("select", ["a", "b"], [])
    assert roundtrip([{}, {}], []) == ("select", [], [{}, {}])
    assert roundtrip([{"a": ""}])[2] == [{"a": ""}]


def test_column_names_are_data_not_code():
    names = ["a'b", 'c"d', "x}]; import os #", "名字", "\\", "v0"]
    rows = [{n: i for i, n in enumerate(names)}]
    assert roundtrip(rows, names)[2] == rows


def test_a_repeated_value_is_stored_once():
    sentence = "阿里巴巴宣布淘宝屏蔽百度搜索引擎的爬虫。" * 5
    one = row_codec.encode("select", ["s"], [{"s": sentence}])
    many = row_codec.encode("select", ["s"], [{"s": sentence}] * 1000)
    assert len(many) < len(one) + 1100  # one byte of code per row, the text once


def damaged_versions(data: bytes):
    header, _, body = data.partition(b"\n")
    meta = json.loads(header)
    yield b""
    yield b"no newline"
    for cut in range(1, len(data)):
        yield data[:cut]
    yield data + b"\0"
    for key, value in (("rows", meta["rows"] + 1), ("rows", -1), ("format", 99), ("columns", ["a"]),
                       ("parts", meta["parts"][:-1]), ("kind", 3)):
        yield json.dumps({**meta, key: value}).encode() + b"\n" + body
    bad = json.loads(header)
    bad["parts"][0][0] = "pickle"
    yield json.dumps(bad).encode() + b"\n" + body


def test_damage_is_always_an_error_never_wrong_rows():
    rows = [{"s": f"句子{i % 3}", "n": i % 2, "span": [i]} for i in range(7)]
    data = row_codec.encode("select", ["s", "n", "span"], rows)
    for junk in damaged_versions(data):
        with pytest.raises((ValueError, KeyError, TypeError)):
            row_codec.decode(junk)


def test_a_code_out_of_range_is_an_error():
    data = row_codec.encode("select", ["s"], [{"s": "甲"}, {"s": "乙"}, {"s": "甲"}])
    assert data.endswith(b"\x00\x01\x00")
    with pytest.raises(ValueError):
        row_codec.decode(data[:-1] + b"\x02")


@pytest.mark.parametrize("enabled", [True, False])
def test_decoding_restores_the_garbage_collectors_state(enabled):
    """decode pauses gc while it builds the column lists and restores its state,
    also when the file is damaged."""
    import gc

    data = row_codec.encode("select", ["a"], [{"a": 1}, {"a": 2}])
    (gc.enable if enabled else gc.disable)()
    try:
        assert row_codec.decode(data)[2] == [{"a": 1}, {"a": 2}]
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError):
            row_codec.decode(data + b"x")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_rows_read_back_are_columns_until_a_row_is_read():
    """The decoded rows keep one list per column; encoding them again reads the
    columns, not dicts, and gives the same bytes."""
    from kg.rows import Rows

    rows = [{"s": "甲", "n": i, "span": [i, i + 1]} for i in range(50)]
    data = row_codec.encode("select", ["s", "n", "span"], rows)
    kind, columns, back = row_codec.decode(data)
    assert isinstance(back, Rows) and back.columns == ("s", "n", "span")
    assert back.column("n") == list(range(50))
    assert row_codec.encode(kind, columns, back) == data


def test_rows_lacking_a_column_encode_it_as_none():
    from kg.rows import Rows

    rows = Rows(["a"], [[1, 2]])
    assert row_codec.decode(row_codec.encode("select", ["a", "b"], rows))[2] == [{"a": 1, "b": None},
                                                                                {"a": 2, "b": None}]
