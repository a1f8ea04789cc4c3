"""Query results kept beside an embedded store and reused until the store changes.

Oxigraph evaluates a join by probing its index once per row and pattern (about
8 µs each), so a saved listing of 17k rows takes 1.5-3 s at 5M triples however
the query is written.  The same rows read back from a file (:mod:`kg.row_codec`)
take ~25 ms.

A result is stored under a key made of the query text, its bound parameters,
the kg version and source, and the store's *fingerprint*: the names, sizes and
modification times of RocksDB's data files (SST tables, write-ahead logs,
MANIFEST, CURRENT).  A write, from ``kg`` or from any other program, adds a
file or changes one, and so its modification time; but RocksDB reuses old
write-ahead logs in place (same size), and a filesystem's clock may not tick
between two writes.  So, as git does for "racily clean" files, a fingerprint
counts only when every data file is older than :data:`SETTLE_SECONDS`:
while the store is being written, nothing is kept or read back.  (Opening a
store read-write also changes its files, so a result may be recomputed
without need; never the other way round.)

A read-only store sees the data committed when it was opened, so its
fingerprint is taken just before and just after opening, and the store gets
no cache when the two differ (a write during the opening).  A writable store
takes it before each query.  A result is kept only if the store is still in
the state it was computed from, and only if it took :data:`MIN_SECONDS` or
more; the directory is trimmed to :data:`MAX_BYTES`, least recently used
first.  Queries whose answer depends on more than the data (``NOW()``,
``RAND()``, ``UUID()``, ``SERVICE`` …) are never kept (see
:func:`kg.store.is_repeatable`).  Every cache failure (unwritable directory, a
damaged file) only means the query runs again: the cache never makes a query
fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg import row_codec
from kg.atomic import atomic_write

#: The cache directory inside the store directory (RocksDB ignores it).
CACHE_DIR = "kg-results"
#: Results computed faster than this are not worth a file.
MIN_SECONDS = 0.05
#: Upper bound of the cache directory; the least recently used files go first.
MAX_BYTES = 512 * 1024 * 1024
#: A data file changed more recently than this may change again unseen (see above).
SETTLE_SECONDS = 3.0
#: Temporary files older than this were left by a killed process.
_STALE_TEMP_SECONDS = 60
_DATA_PREFIXES = ("MANIFEST-", "CURRENT", "IDENTITY")
_DATA_SUFFIXES = (".sst", ".log", ".blob")
_FORMAT = 4
#: The suffix of a stored result.
SUFFIX = ".rows"

Cached = tuple[str, list[str], Sequence[dict[str, Any]]]


def store_fingerprint(path: str | Path) -> str | None:
    """A digest of RocksDB's data files in ``path``, which changes with every write;
    None while a file is younger than SETTLE_SECONDS (or the folder cannot be read)."""
    entries = []
    newest = 0
    try:
        with os.scandir(path) as it:
            for e in it:
                name = e.name
                if name.endswith(_DATA_SUFFIXES) or name.startswith(_DATA_PREFIXES):
                    try:
                        st = e.stat()
                    except FileNotFoundError:  # an obsolete table deleted by a compaction
                        continue
                    newest = max(newest, st.st_mtime_ns)
                    entries.append(f"{name}\t{st.st_size}\t{st.st_mtime_ns}")
    except OSError:
        return None
    if time.time_ns() - newest < SETTLE_SECONDS * 1e9:
        return None
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def wait_until_settled(path: str | Path, limit: float = 10.0) -> bool:
    """Wait (at most ``limit`` seconds) until the store at ``path`` has a fingerprint."""
    deadline = time.monotonic() + limit
    while store_fingerprint(path) is None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def _version() -> str:
    """kg's version and a hash of its source: results computed by other code
    (an upgrade, or an edited checkout) are never read back."""
    try:
        from importlib.metadata import version

        installed = version("kg")
    except Exception:  # noqa: BLE001 - not installed: the source hash still applies
        installed = "?"
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return f"{installed}+{digest.hexdigest()[:16]}"


_KEY_PREFIX: list[Any] = []


def _key_prefix() -> list[Any]:
    if not _KEY_PREFIX:
        _KEY_PREFIX.extend([_FORMAT, _version()])
    return _KEY_PREFIX


class ResultCache:
    """Results of queries on one embedded store, valid while its fingerprint holds."""

    def __init__(self, store_path: str | Path, snapshot: str | None = None) -> None:
        """``snapshot``: the fingerprint of a read-only store's view; None for a
        writable store (fingerprinted before each query)."""
        self.store_path = Path(store_path)
        self.directory = self.store_path / CACHE_DIR
        self._snapshot = snapshot

    def fingerprint(self) -> str | None:
        """The state this store shows now, or None when it cannot be known."""
        return self._snapshot if self._snapshot is not None else store_fingerprint(self.store_path)

    def _file(self, sparql: str, bindings: Mapping[str, str], fingerprint: str) -> Path:
        text = json.dumps([*_key_prefix(), fingerprint, sparql, sorted(bindings.items())], ensure_ascii=False)
        return self.directory / (hashlib.sha256(text.encode()).hexdigest()[:40] + SUFFIX)

    def get(self, sparql: str, bindings: Mapping[str, str], fingerprint: str) -> Cached | None:
        """The stored (kind, columns, rows) of ``sparql`` with ``bindings`` (terms in
        N-Triples syntax) for the store state ``fingerprint``, or None."""
        path = self._file(sparql, bindings, fingerprint)
        try:
            kind, columns, rows = row_codec.decode(path.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged file (even a RecursionError) is a miss
            return None
        try:
            os.utime(path)  # recently used: trimmed last
        except OSError:
            pass
        return kind, columns, rows

    def put(self, sparql: str, bindings: Mapping[str, str], value: Cached, seconds: float,
            fingerprint: str) -> bool:
        """Keep ``value``, computed from the store state ``fingerprint`` in ``seconds``;
        True when written.  Not kept when it was fast, or when the store is no
        longer in that state (written meanwhile, or a reader's old snapshot)."""
        if seconds < MIN_SECONDS:
            return False
        kind, columns, rows = value
        try:
            if store_fingerprint(self.store_path) != fingerprint:
                return False
            self.directory.mkdir(exist_ok=True)
            self._forget_other_fingerprints(fingerprint)
            atomic_write(self._file(sparql, bindings, fingerprint), row_codec.encode(kind, columns, rows))
            self._trim()
            return True
        except Exception:  # noqa: BLE001 - not keeping a result never fails the query
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
        """Stored results, and temporary files a killed process left behind."""
        old = time.time() - _STALE_TEMP_SECONDS
        out = []
        try:
            for p in self.directory.iterdir():
                if p.suffix in (SUFFIX, ".json"):  # .json: an older format, never read
                    out.append(p)
                elif p.name.startswith(".") and _mtime(p) < old:
                    out.append(p)
        except OSError:
            pass
        return out

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


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def cached_run(cache: ResultCache | None, sparql: str, bindings: Mapping[str, str],
               compute: Callable[[], Cached], clock: Callable[[], float]) -> tuple[Cached, bool]:
    """``compute()``'s value, read from ``cache`` when it holds it; (value, was_cached)."""
    fingerprint = cache.fingerprint() if cache is not None else None
    if cache is None or fingerprint is None:
        return compute(), False
    hit = cache.get(sparql, bindings, fingerprint)
    if hit is not None:
        return hit, True
    t0 = clock()
    value = compute()
    cache.put(sparql, bindings, value, clock() - t0, fingerprint)
    return value, False
