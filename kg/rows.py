"""A table of query rows held as columns, read as a sequence of dicts.

A kept result (:mod:`kg.row_codec`) is decoded column by column; turning 200k
rows of 9 columns into 200k dicts takes longer than decoding them (~70-100 ms
against ~30 ms at 5M triples).  :class:`Rows` keeps the decoded columns and
builds a row's dict when the row is read, so a caller that writes CSV, counts
rows, reads one column or looks at the first page pays only for what it uses,
and 200k rows take a fifth of the memory of 200k dicts.

``Rows`` is a read-only :class:`collections.abc.Sequence` of dicts: ``len``,
indexing (a new dict each time), slicing (another ``Rows``), iteration, ``in``
and ``==`` against any sequence of mappings (a ``list`` of dicts compares
equal when it holds the same rows).  ``list(rows)`` gives a plain list to sort
or change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any, overload

from kg.gcpause import collector_paused

#: Rows built at a time while iterating (one compiled call per chunk).
CHUNK = 4096


class Rows(Sequence[dict[str, Any]]):
    """Rows whose values are kept as one list per column (all of the same length)."""

    __slots__ = ("columns", "_values", "_n")

    def __init__(self, columns: Sequence[str], values: Sequence[list[Any]], length: int = 0) -> None:
        """``values[i]`` holds column ``columns[i]`` in row order; ``length`` counts
        the rows only when there are no columns (empty rows)."""
        if len(columns) != len(values):
            raise ValueError("one list of values per column")
        lengths = {len(v) for v in values}
        if len(lengths) > 1:
            raise ValueError("columns of different lengths")
        self.columns: tuple[str, ...] = tuple(columns)
        self._values: tuple[list[Any], ...] = tuple(values)
        self._n = lengths.pop() if lengths else length

    @classmethod
    def from_dicts(cls, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> "Rows":
        """The rows of ``rows`` (missing keys are None) in ``columns``."""
        return cls(columns, [[row.get(c) for row in rows] for c in columns])

    @classmethod
    def of(cls, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> "Rows":
        """``rows`` as they are when they are a ``Rows`` already, else :meth:`from_dicts`."""
        return rows if isinstance(rows, Rows) else cls.from_dicts(columns, rows)

    def column(self, name: str) -> list[Any]:
        """The values of one column in row order (a new list)."""
        try:
            return list(self._values[self.columns.index(name)])
        except ValueError:
            raise KeyError(name) from None

    def tuples(self) -> Iterator[tuple[Any, ...]]:
        """Each row as a tuple in the order of :attr:`columns` (no dicts built)."""
        return zip(*self._values) if self._values else iter([()] * self._n)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> "Rows": ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | "Rows":
        if isinstance(index, slice):
            return Rows(self.columns, [v[index] for v in self._values], len(range(self._n)[index]))
        if index < 0:
            index += self._n
        if not 0 <= index < self._n:
            raise IndexError("row index out of range")
        return {c: v[index] for c, v in zip(self.columns, self._values)}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if not self._values:
            return (dict() for _ in range(self._n))
        return chain.from_iterable(self._chunks())  # in C from row to row: ~5% faster than yield from

    def _chunks(self) -> Iterator[list[dict[str, Any]]]:
        build = _row_builder(self.columns)
        for start in range(0, self._n, CHUNK):
            with collector_paused():  # new dicts of plain values set off needless collections
                chunk = build([v[start:start + CHUNK] for v in self._values])
            yield chunk

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes, bytearray)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which are unhashable

    def __repr__(self) -> str:
        shown = list(self[:3])
        more = f", … {self._n - 3} more" if self._n > 3 else ""
        return f"Rows({shown!r}{more})" if shown or not more else f"Rows([]{more})"


@lru_cache(maxsize=64)
def _row_builder(columns: tuple[str, ...]) -> Callable[[list[list[Any]]], list[dict[str, Any]]]:
    """A function that zips column lists into row dicts, compiled for these keys: a
    dict display with constant keys builds a row ~1.5× faster than ``dict(zip())``.
    The keys enter the source only as ``repr`` literals; the names are v0, v1, …"""
    names = [f"v{i}" for i in range(len(columns))]
    body = ", ".join(f"{key!r}: {name}" for key, name in zip(columns, names))
    source = f"lambda values: [{{{body}}} for {', '.join(names)}, in zip(*values)]"
    return eval(source, {"__builtins__": {"zip": zip}})  # noqa: S307 - generated from repr() literals only
