"""Rows → table / csv / tsv / json / jsonl.

* ``table``: a rich table when ``out`` is a terminal, otherwise plain text
  aligned by display width (a CJK character takes two columns), numbers
  right-aligned, one line per row (newlines and tabs in cells become spaces).
* ``csv``: RFC 4180 (``csv`` module, ``\\r\\n`` line ends), header first.
* ``tsv``: header first; tab, newline, carriage return and backslash inside a
  cell are escaped as ``\\t``, ``\\n``, ``\\r`` and ``\\\\``.
* ``json``: one JSON list of objects (UTF-8, not ASCII-escaped), indented.
* ``jsonl``: one JSON object per line (UTF-8, not ASCII-escaped).

``None`` is an empty cell in table/csv/tsv and ``null`` in JSON.  Lists and
dicts are JSON-encoded in table/csv/tsv cells and kept nested in JSON.  Other
values: ``bool`` → ``true``/``false`` in cells, ``Decimal`` → number,
dates → ISO strings, floats with an integral value → ``123`` (not ``123.0``).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
from decimal import Decimal
from typing import Any, Mapping, Sequence, TextIO

__all__ = ["FORMATS", "cell", "json_value", "write_rows"]

FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "jsonl")


_PLAIN_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False)
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False, separators=(",", ":"))


def json_value(value: Any) -> Any:
    """``value`` made JSON-serialisable (recursively), keeping numbers numbers."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [json_value(v) for v in items]
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):  # an RDF term
        return value.value
    return str(value)


def cell(value: Any) -> str:
    """The text of one value in a table/csv/tsv cell."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    if type(value) in (list, dict):
        try:  # plain JSON inside (a span, the wikidata pair): the C encoder at once
            return _COMPACT_JSON.encode(value)
        except (TypeError, ValueError):
            pass
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return json.dumps(json_value(value), ensure_ascii=False, separators=(",", ":"))
    v = json_value(value)
    return v if isinstance(v, str) else str(v)


def _json_line(row: Mapping[str, Any], columns: list[str]) -> str:
    """One JSONL line: the C encoder straight away when every value is plain JSON
    (what the fact table holds), :func:`json_value` when one is not (a Decimal, a
    date, NaN, a set) — the same text either way, ~3× faster for plain rows."""
    shaped = row if type(row) is dict and list(row) == columns else {c: row.get(c) for c in columns}
    try:
        return _PLAIN_JSON.encode(shaped)
    except (TypeError, ValueError):
        return json.dumps({c: json_value(row.get(c)) for c in columns}, ensure_ascii=False)


def _cells(row: Mapping[str, Any], columns: list[str]) -> list[str]:
    """The cells of one row: strings as they are, :func:`cell` for the rest."""
    values = [row.get(c) for c in columns]
    return [v if type(v) is str else "" if v is None else cell(v) for v in values]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines()) if ("\n" in text or "\r" in text or "\t" in text) else text


def _write_plain_table(rows: Sequence[Mapping], columns: Sequence[str], out: TextIO) -> None:
    grid = [[_one_line(cell(r.get(c))) for c in columns] for r in rows]
    numeric = [bool(rows) and all(_is_number(r.get(c)) or r.get(c) is None for r in rows)
               and any(r.get(c) is not None for r in rows) for c in columns]
    widths = [max([_width(c)] + [_width(g[i]) for g in grid]) for i, c in enumerate(columns)]
    sep = "  "
    out.write(sep.join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(columns)).rstrip() + "\n")
    out.write(sep.join("-" * w for w in widths) + "\n")
    for g in grid:
        out.write(sep.join(_pad(v, widths[i], numeric[i]) for i, v in enumerate(g)).rstrip() + "\n")


def _write_rich_table(rows: Sequence[Mapping], columns: Sequence[str], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, soft_wrap=False)
    table = Table(show_header=True, header_style="bold", show_lines=False)
    for c in columns:
        numeric = bool(rows) and all(_is_number(r.get(c)) or r.get(c) is None for r in rows)
        table.add_column(c, justify="right" if numeric else "left", overflow="fold")
    for r in rows:
        table.add_row(*(Text(cell(r.get(c))) for c in columns))  # Text: no markup injection
    console.print(table)


def _tsv_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def write_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None, fmt: str, out: TextIO) -> None:
    """Write ``rows`` (mappings; missing keys are empty) in ``fmt`` to ``out``.

    ``columns`` gives the column order (``None``: the keys of the first row,
    then any new keys in order of appearance).
    """
    fmt = (fmt or "table").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if columns is None:
        seen: dict[str, None] = {}
        for r in rows:
            seen.update(dict.fromkeys(r))
        columns = list(seen)
    columns = list(columns)

    if fmt == "json":
        data = [{c: json_value(r.get(c)) for c in columns} for r in rows]
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(_json_line(r, columns) + "\n")
    elif fmt == "csv":
        w = csv.writer(out)
        w.writerow(columns)
        for r in rows:
            w.writerow(_cells(r, columns))
    elif fmt == "tsv":
        out.write("\t".join(_tsv_escape(c) for c in columns) + "\n")
        for r in rows:
            out.write("\t".join(_tsv_escape(v) for v in _cells(r, columns)) + "\n")
    else:
        isatty = getattr(out, "isatty", None)
        if callable(isatty) and isatty():
            _write_rich_table(rows, columns, out)
        else:
            _write_plain_table(rows, columns, out)
