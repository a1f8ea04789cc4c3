"""kg.output: rows → table / csv / tsv / json / jsonl."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from kg.output import FORMATS, write_rows

COLUMNS = ["subject", "predicate", "amount", "span", "wikidata", "ok", "note"]
ROWS = [
    {"subject": "阿里巴巴", "predicate": "fines", "amount": 18228000000.0, "span": [120, 171],
     "wikidata": {"subject": "Q1359568", "object": None}, "ok": True, "note": 'a "quoted", comma\nnewline\ttab'},
    {"subject": "闲鱼", "predicate": "applies_to", "amount": None, "span": [0, 5],
     "wikidata": {"subject": None, "object": None}, "ok": False, "note": None},
    {"subject": "Tencent", "predicate": "blocks", "amount": Decimal("0.165"), "span": [], "wikidata": {},
     "ok": None},  # a missing key is an empty cell
]


def _out(fmt: str, rows=ROWS, columns=COLUMNS) -> str:
    buf = io.StringIO()
    write_rows(rows, columns, fmt, buf)
    return buf.getvalue()


def test_formats():
    assert FORMATS == ("table", "csv", "tsv", "json", "jsonl")
    with pytest.raises(ValueError, match="unknown format"):
        _out("xml")


def test_csv_round_trip():
    back = list(csv.reader(io.StringIO(_out("csv"))))
    assert back[0] == COLUMNS
    assert back[1] == ["阿里巴巴", "fines", "18228000000", "[120,171]",
                       '{"subject":"Q1359568","object":null}', "true", 'a "quoted", comma\nnewline\ttab']
    assert back[2][2] == "" and back[2][5] == "false" and back[2][6] == ""
    assert back[3][2] == "0.165" and back[3][6] == ""
    assert json.loads(back[1][3]) == [120, 171]


def test_tsv_escapes():
    lines = _out("tsv").splitlines()
    assert len(lines) == 4
    assert lines[0].split("\t") == COLUMNS
    cells = lines[1].split("\t")
    assert len(cells) == len(COLUMNS)
    assert cells[6] == 'a "quoted", comma\\nnewline\\ttab'


def test_json_round_trip():
    text = _out("json")
    assert "阿里巴巴" in text  # not ASCII-escaped
    data = json.loads(text)
    assert isinstance(data, list) and len(data) == 3
    assert data[0]["amount"] == 18228000000.0 and data[0]["span"] == [120, 171]
    assert data[0]["wikidata"] == {"subject": "Q1359568", "object": None}
    assert data[1]["amount"] is None and data[2]["note"] is None and data[2]["amount"] == 0.165
    assert list(data[0]) == COLUMNS


def test_jsonl_round_trip():
    text = _out("jsonl")
    assert "闲鱼" in text
    lines = text.splitlines()
    assert len(lines) == 3
    assert [json.loads(x)["subject"] for x in lines] == ["阿里巴巴", "闲鱼", "Tencent"]
    assert json.loads(lines[0])["ok"] is True


def test_plain_table_aligns_cjk():
    rows = [{"name": "阿里巴巴", "n": 1}, {"name": "abc", "n": 22}, {"name": "微信", "n": 333}]
    text = _out("table", rows, ["name", "n"])
    lines = text.splitlines()
    from rich.cells import cell_len

    assert lines[0].startswith("name")
    widths = {cell_len(line) for line in lines}
    assert len(widths) == 1, lines  # every line has the same display width
    assert lines[2].endswith("  1") and lines[4].endswith("333")  # numbers right-aligned


def test_table_one_line_per_row_and_empty():
    text = _out("table")
    assert len(text.splitlines()) == 2 + len(ROWS)
    assert _out("table", [], ["a", "b"]).splitlines()[0].split() == ["a", "b"]
    assert _out("csv", [], ["a", "b"]).strip() == "a,b"
    assert json.loads(_out("json", [], ["a"])) == []


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rich_table_on_a_tty():
    buf = _TTY()
    write_rows([{"name": "阿里巴巴", "note": "[bold]not markup[/bold]"}], ["name", "note"], "table", buf)
    text = buf.getvalue()
    assert "阿里巴巴" in text and "[bold]not markup[/bold]" in text
    assert "┃" in text or "│" in text or "|" in text


def test_columns_default_to_row_keys():
    text = _out("csv", [{"a": 1}, {"b": 2}], None)
    assert text.splitlines()[0] == "a,b"


def test_fast_paths_write_the_same_text_as_the_general_conversion():
    """jsonl and csv/tsv take a shortcut for plain values; the text must be what
    json_value/cell give, value by value, for every kind of value."""
    import datetime as dt
    import math

    from kg.output import _cells, _json_line, cell, json_value

    values = ["文本", "", 0, -7, 2**70, 1.5, 3.0, math.nan, math.inf, True, False, None, Decimal("2.50"),
              Decimal("4"), dt.date(2021, 4, 10), [1, "二", None], (3, 4), {"subject": "Q1", "object": None},
              {"x": [Decimal("1.5"), {"y": dt.date(2020, 1, 1)}]}, {"b", "a"}]
    for value in values:
        for row, columns in (({"v": value, "w": "x"}, ["v", "w"]), ({"w": "x", "v": value}, ["v", "w"]),
                             ({"v": value}, ["v", "missing"])):
            general = json.dumps({c: json_value(row.get(c)) for c in columns}, ensure_ascii=False)
            assert _json_line(row, columns) == general, value
            assert _cells(row, columns) == [cell(row.get(c)) for c in columns], value
        if isinstance(value, (list, tuple, dict, set)):
            assert cell(value) == json.dumps(json_value(value), ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, int) and not isinstance(value, bool):
            assert cell(value) == str(value)
