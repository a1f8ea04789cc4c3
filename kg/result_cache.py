"""Query results kept beside an embedded store and reused until the store changes.

Oxigraph evaluates a join by probing its index once per row and pattern (about
8 µs each), so a saved listing of 17k rows takes 1.5-3 s at 5M triples however
the query is written.  The same rows read back from a JSON file take ~30 ms.

A result is stored under a key made of the query text, its bound parameters and
the store's *fingerprint*: the names, sizes and modification times of
RocksDB's data files (SST tables, write-ahead logs, MANIFEST, CURRENT).  Every
write, from ``kg`` or from any other program, appends to a write-ahead log or
adds a table, so it changes the fingerprint and no stale result can be found.
(Opening a store read-write also changes it, so a result can be recomputed
without need; never the other way round.)

A read-only store sees the data committed when it was opened, so its
fingerprint is taken once, before opening; a writable store takes it before
each query.  Results that took less than :data:`MIN_SECONDS` to compute are
not kept; the directory is trimmed to :data:`MAX_BYTES`, oldest first.  Every
cache failure (unwritable directory, a damaged file) only means the query runs
again: the cache never makes a query fail.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kg.atomic import atomic_write

#: The cache directory inside the store directory (RocksDB ignores it).
CACHE_DIR = "kg-results"
#: Results computed faster than this are not worth a file.
MIN_SECONDS = 0.05
#: Upper bound of the cache directory; the least recently used files go first.
MAX_BYTES = 512 * 1024 * 1024
_DATA_PREFIXES = ("MANIFEST-", "CURRENT", "IDENTITY")
_DATA_SUFFIXES = (".sst", ".log", ".blob")
_FORMAT = 1

Cached = tuple[str, list[str], list[dict[str, Any]]]


def store_fingerprint(path: str | Path) -> str:
    """A digest of RocksDB's data files in ``path``: changes with every write."""
    entries = []
    with os.scandir(path) as it:
        for e in it:
            name = e.name
            if name.endswith(_DATA_SUFFIXES) or name.startswith(_DATA_PREFIXES):
                try:
                    st = e.stat()
                except FileNotFoundError:  # an obsolete table deleted by a compaction
                    continue
                entries.append(f"{name}\t{st.st_size}\t{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


class ResultCache:
    """Results of queries on one embedded store, valid while its fingerprint holds."""

    def __init__(self, store_path: str | Path, fingerprint: str | None = None) -> None:
        self.store_path = Path(store_path)
        self.directory = self.store_path / CACHE_DIR
        self._fixed = fingerprint

    def fingerprint(self) -> str:
        """The fingerprint given at opening (read-only stores), else the current one."""
        return self._fixed if self._fixed is not None else store_fingerprint(self.store_path)

    def _file(self, sparql: str, bindings: Mapping[str, str], fingerprint: str) -> Path:
        text = json.dumps([_FORMAT, fingerprint, sparql, sorted(bindings.items())], ensure_ascii=False)
        return self.directory / (hashlib.sha256(text.encode()).hexdigest()[:40] + ".json")

    def get(self, sparql: str, bindings: Mapping[str, str], fingerprint: str | None = None) -> Cached | None:
        """The stored (kind, columns, rows) of ``sparql`` with ``bindings`` (terms in
        N-Triples syntax) for the store state ``fingerprint`` (default: now), or None."""
        try:
            path = self._file(sparql, bindings, fingerprint or self.fingerprint())
            data = json.loads(path.read_bytes())
            columns = data["columns"]
            rows = [dict(zip(columns, values)) for values in data["rows"]]
            kind = data["kind"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            os.utime(path)  # recently used: trimmed last
        except OSError:
            pass
        return kind, columns, rows

    def put(self, sparql: str, bindings: Mapping[str, str], value: Cached, seconds: float,
            fingerprint: str | None = None) -> bool:
        """Keep ``value`` if it took at least MIN_SECONDS; True when written.

        ``fingerprint`` is the one taken before the query ran (a writable store
        could change while it ran: then the result is not kept)."""
        if seconds < MIN_SECONDS:
            return False
        kind, columns, rows = value
        try:
            now = self.fingerprint()
            if fingerprint is not None and fingerprint != now:
                return False
            self.directory.mkdir(exist_ok=True)
            self._forget_other_fingerprints(now)
            body = json.dumps({"kind": kind, "columns": columns,
                               "rows": [[row.get(c) for c in columns] for row in rows]},
                              ensure_ascii=False, separators=(",", ":")).encode()
            atomic_write(self._file(sparql, bindings, now), body)
            self._trim()
            return True
        except (OSError, TypeError, ValueError):
            return False

    def clear(self) -> int:
        """Delete every stored result; returns how many."""
        n = 0
        for path in self._entries():
            try:
                path.unlink()
                n += 1
            except OSError:
                pass
        return n

    def _entries(self) -> list[Path]:
        try:
            return [p for p in self.directory.iterdir() if p.suffix == ".json"]
        except OSError:
            return []

    def _forget_other_fingerprints(self, fingerprint: str) -> None:
        """Results of an older store state can never be found again: drop them."""
        marker = self.directory / "FINGERPRINT"
        try:
            if marker.read_text() == fingerprint:
                return
        except OSError:
            pass
        self.clear()
        atomic_write(marker, fingerprint.encode())

    def _trim(self) -> None:
        files = []
        for p in self._entries():
            try:
                st = p.stat()
            except OSError:
                continue
            files.append((st.st_mtime_ns, st.st_size, p))
        total = sum(size for _, size, _ in files)
        for _, size, p in sorted(files):
            if total <= MAX_BYTES:
                break
            try:
                p.unlink()
                total -= size
            except OSError:
                pass


def cached_run(cache: ResultCache | None, sparql: str, bindings: Mapping[str, str],
               compute: Callable[[], Cached], clock: Callable[[], float]) -> tuple[Cached, bool]:
    """``compute()``'s value, read from ``cache`` when it holds it; (value, was_cached)."""
    try:
        before = cache.fingerprint() if cache is not None else None
    except OSError:  # the store directory cannot be read: no cache
        before = None
    if cache is None or before is None:
        return compute(), False
    hit = cache.get(sparql, bindings, before)
    if hit is not None:
        return hit, True
    t0 = clock()
    value = compute()
    cache.put(sparql, bindings, value, clock() - t0, fingerprint=before)
    return value, False
