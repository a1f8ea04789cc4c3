"""Rows held as columns behave as a read-only sequence of dicts."""

from __future__ import annotations

import gc
import io
import json

import pytest

from kg import rows as rows_module
from kg.output import write_rows
from kg.rows import Rows

DICTS = [{"s": f"公司{i}", "n": i, "span": [i, i + 2], "none": None} for i in range(10)]


def table(dicts=DICTS) -> Rows:
    return Rows.from_dicts(["s", "n", "span", "none"], dicts)


def test_a_row_is_a_dict_of_every_column_in_order():
    rows = table()
    assert len(rows) == 10
    assert rows[3] == {"s": "公司3", "n": 3, "span": [3, 5], "none": None}
    assert list(rows[3]) == ["s", "n", "span", "none"]
    assert rows[-1] == DICTS[-1] and rows[-10] == DICTS[0]
    for bad in (10, -11):
        with pytest.raises(IndexError):
            rows[bad]


def test_each_read_gives_a_new_dict_and_the_table_stays_as_it_was():
    rows = table()
    first = rows[0]
    first["s"] = "changed"
    assert rows[0]["s"] == "公司0"
    mutable = list(rows)
    mutable.sort(key=lambda r: -r["n"])
    assert mutable[0]["n"] == 9 and rows[0]["n"] == 0


@pytest.mark.parametrize("chunk", [1, 3, 4, 10, 4096])
def test_iteration_gives_every_row_once_across_chunks(monkeypatch, chunk):
    monkeypatch.setattr(rows_module, "CHUNK", chunk)
    assert list(table()) == DICTS
    assert [r["n"] for r in table()] == list(range(10))


def test_slices_are_rows_of_the_same_columns():
    rows = table()
    part = rows[2:8:2]
    assert isinstance(part, Rows) and part.columns == rows.columns
    assert part == DICTS[2:8:2]
    assert rows[::-1] == DICTS[::-1]
    assert len(rows[20:]) == 0 and rows[20:] == []


def test_equality_with_lists_both_ways_and_with_other_rows():
    rows = table()
    assert rows == DICTS and DICTS == rows
    assert rows == table() and rows == tuple(DICTS)
    assert rows != DICTS[:-1]
    changed = [dict(d) for d in DICTS]
    changed[5]["n"] = 50
    assert rows != changed and changed != rows
    assert rows != "not rows" and rows != 10
    with pytest.raises(TypeError):
        hash(rows)


def test_membership_count_and_index_work_as_on_a_list():
    rows = table()
    assert DICTS[4] in rows and {"s": "x"} not in rows
    assert rows.index(DICTS[4]) == 4 and rows.count(DICTS[4]) == 1


def test_columns_and_tuples_need_no_dicts():
    rows = table()
    assert rows.column("n") == list(range(10))
    assert next(rows.tuples()) == ("公司0", 0, [0, 2], None)
    with pytest.raises(KeyError):
        rows.column("nope")
    column = rows.column("n")
    column.append(99)
    assert len(rows) == 10 and rows.column("n")[-1] == 9


def test_from_dicts_fills_missing_keys_with_none():
    rows = Rows.from_dicts(["a", "b"], [{"a": 1}, {"b": 2, "c": 3}])
    assert rows == [{"a": 1, "b": None}, {"a": None, "b": 2}]


def test_rows_without_columns_keep_their_count():
    rows = Rows([], [], 3)
    assert len(rows) == 3 and list(rows) == [{}, {}, {}] and rows[1] == {}
    assert len(rows[1:]) == 2
    assert list(rows.tuples()) == [(), (), ()]


def test_columns_must_line_up():
    with pytest.raises(ValueError):
        Rows(["a", "b"], [[1]])
    with pytest.raises(ValueError):
        Rows(["a", "b"], [[1], [1, 2]])


def test_repr_shows_the_first_rows_and_how_many_more():
    text = repr(table())
    assert "公司0" in text and "公司2" in text and "公司3" not in text and "7 more" in text
    assert repr(Rows(["a"], [[]])) == "Rows([])"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_only_while_a_chunk_is_built(monkeypatch, enabled):
    seen = []
    real = rows_module._row_builder

    def spying(columns):
        build = real(columns)
        return lambda values: (seen.append(gc.isenabled()), build(values))[1]

    monkeypatch.setattr(rows_module, "_row_builder", spying)
    monkeypatch.setattr(rows_module, "CHUNK", 4)
    (gc.enable if enabled else gc.disable)()
    try:
        iterator = iter(table())
        next(iterator)
        assert seen == [False] and gc.isenabled() is enabled
        assert len(list(iterator)) == 9
        assert seen == [False] * 3 and gc.isenabled() is enabled
    finally:
        gc.enable()


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "table"])
def test_written_rows_are_the_same_as_from_a_list(fmt):
    columns = ["s", "n", "span", "none"]
    as_rows, as_list = io.StringIO(), io.StringIO()
    write_rows(table(), columns, fmt, as_rows)
    write_rows(DICTS, columns, fmt, as_list)
    assert as_rows.getvalue() == as_list.getvalue()
    if fmt == "json":
        assert json.loads(as_rows.getvalue())[1]["s"] == "公司1"
