"""Where the graph lives: an embedded Oxigraph store on disk, or a SPARQL 1.1 endpoint.

``open_store()`` returns a :class:`GraphStore`; both implementations answer the
same methods with the same Python shapes:

* SELECT → ``list[dict[str, value]]``: IRIs as ``str``, ``xsd:integer`` (and
  its subtypes) as ``int``, ``xsd:decimal``/``double``/``float`` as ``float``,
  ``xsd:boolean`` as ``bool``, every other literal (strings, dates, language
  strings) as ``str``, blank nodes as ``"_:id"``, unbound as ``None``.
  ``raw=True`` keeps pyoxigraph terms instead (unbound still ``None``).
* ASK → ``bool``; CONSTRUCT/DESCRIBE → ``list[pyoxigraph.Triple]``.

Writing a document replaces its whole named graph atomically (never half a
document).  Embedded: documents whose graph does not exist yet are added with
``Store.extend`` (one RocksDB transaction for the batch); documents that
replace an existing graph go through one SPARQL UPDATE
(``DROP SILENT GRAPH …; INSERT DATA {…}``), which Oxigraph applies in one
transaction.  Measured on 2,000 documents × 197 quads, batches of 100:
extend 6.7 s for a fresh insert vs 11.8 s for the same data as SPARQL
INSERT DATA; replacing via remove_graph + extend 14.4 s (not atomic: two
transactions) vs 26.2 s via one UPDATE (atomic).  The hybrid keeps every
write atomic and pays the UPDATE price only for changed documents.
Remote: one Graph Store Protocol ``PUT`` per document (atomic per graph),
falling back to one SPARQL UPDATE per batch when the server has no GSP.

A writable embedded store holds an exclusive ``fcntl.flock`` on
``<store>/kg.lock`` for its whole life: a second writer waits up to
``lock_timeout`` seconds (default 10, a message on stderr) and then raises
:class:`StoreBusyError`.  Read-only stores take no lock and never block a
writer (they see the data committed when they were opened).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, Union

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from kg.atomic import atomic_write
from kg.result_cache import ResultCache, store_fingerprint
from kg.vocabulary import KG, PREFIXES, XSD

__all__ = [
    "DEFAULT_PATH",
    "EmbeddedStore",
    "GraphStore",
    "QueryResult",
    "QueryTimeoutError",
    "RemoteStore",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "Term",
    "iri",
    "inject_values",
    "open_store",
    "query_form",
    "rdf_format",
    "to_python",
    "to_term",
]

DEFAULT_PATH = "kg.db"
LOCK_NAME = "kg.lock"

Term = Union[NamedNode, BlankNode, Literal, Triple]
QueryResult = Union[list[dict[str, Any]], bool, list[Triple]]


class StoreError(Exception):
    """Any store problem, with a one-line message naming the store."""


class StoreBusyError(StoreError):
    """Another kg process holds the write lock."""


class StoreCorruptError(StoreError):
    """The store directory cannot be opened as an Oxigraph store."""


class QueryTimeoutError(StoreError):
    """A query ran past its timeout."""


# --------------------------------------------------------------------------- terms

_INT_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_BOOL = XSD + "boolean"


def iri(value: str) -> NamedNode:
    """A NamedNode (for bindings: plain ``str`` values bind as string literals)."""
    return NamedNode(value)


def to_term(value: Any) -> Term:
    """A pyoxigraph term for a binding value: terms pass through; ``str`` → string
    literal (use :func:`iri` for IRIs); ``bool``/``int``/``float`` → typed literals."""
    if isinstance(value, (NamedNode, BlankNode, Literal, Triple)):
        return value
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode(_BOOL))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if isinstance(value, float):
        from kg.mapping import decimal_literal

        lit = decimal_literal(value)
        if lit is None:
            return Literal(repr(value), datatype=NamedNode(XSD + "double"))
        return lit
    if isinstance(value, str):
        return Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as an RDF term")


def to_python(term: Term | None) -> Any:
    """The plain Python value of a term (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, Literal):
        dt = term.datatype.value
        if dt in _INT_TYPES:
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt in _FLOAT_TYPES:
            try:
                return float(term.value)
            except ValueError:
                return term.value
        if dt == _BOOL:
            return term.value in ("true", "1")
        return term.value
    return str(term)  # quoted triple


def _rows(solutions: Iterable[Any], variables: Sequence[str], raw: bool,
          deadline: float | None = None) -> list[dict[str, Any]]:
    # A solution iterates over its values in the order of the result's variables:
    # zipping is about twice as fast as looking each variable up by name.
    out: list[dict[str, Any]] = []
    append = out.append
    for n, sol in enumerate(solutions):
        if deadline is not None and n % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeoutError("query timed out")
        append(dict(zip(variables, sol)) if raw else dict(zip(variables, map(to_python, sol))))
    return out


# ------------------------------------------------------------- query text helpers

_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs
    r"|#[^\n]*"  # comments
    r"|\{|\}"
    r"|[A-Za-z_][A-Za-z_0-9]*",
    re.S,
)
_UPDATE_WORDS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}


def _keywords(sparql: str) -> Iterable[tuple[str, int]]:
    """Bare words and braces of a query with their offsets (strings, IRIs, comments skipped)."""
    for m in _TOKEN.finditer(sparql):
        tok = m.group(0)
        if tok[0] in "\"'<#":
            continue
        yield tok, m.start()


_UNREPEATABLE = {"now", "rand", "uuid", "struuid", "bnode", "service"}


def is_repeatable(sparql: str) -> bool:
    """False when the answer may change without the data changing: NOW(), RAND(),
    UUID(), STRUUID(), BNODE() or a SERVICE call (outside strings and comments)."""
    return not any(tok.lower() in _UNREPEATABLE for tok, _ in _keywords(sparql))


def query_form(sparql: str) -> str:
    """``select``, ``ask``, ``construct``, ``describe`` or ``update``."""
    for tok, _ in _keywords(sparql):
        low = tok.lower()
        if low in ("select", "ask", "construct", "describe"):
            return low
        if low in _UPDATE_WORDS:
            return "update"
    return "select"


def _values_block(names: Sequence[str], bindings: Mapping[str, Any]) -> str:
    terms = " ".join(str(to_term(bindings[n])) for n in names)
    return " VALUES (" + " ".join("?" + n for n in names) + ") { (" + terms + ") } "


def _subselect_groups(sparql: str) -> list[tuple[int, set[str]]]:
    """(offset of the ``{`` that opens its WHERE group, plain variables it projects) of
    each sub-select that is not inside another sub-select and has no LIMIT or OFFSET."""
    toks = list(_keywords(sparql))
    found: list[tuple[int, set[str]]] = []
    depth = 0
    selects = 0
    i = 0
    while i < len(toks):
        tok, pos = toks[i]
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif tok.lower() == "select":
            selects += 1
            if selects > 1:  # a sub-select of the outermost query
                scope = depth  # it ends when this brace level closes
                projected: set[str] = set()
                parens = 0
                j = i + 1
                while j < len(toks) and toks[j][0] != "{" and toks[j][0].lower() != "where":
                    word, at = toks[j]
                    parens += sparql.count("(", toks[j - 1][1], at) - sparql.count(")", toks[j - 1][1], at)
                    if parens == 0 and sparql[at - 1] in "?$":
                        projected.add(word)
                    j += 1
                while j < len(toks) and toks[j][0] != "{":
                    j += 1
                if j == len(toks):
                    break
                where_at = toks[j][1]
                # Skip to the end of the sub-select, noting LIMIT / OFFSET.
                level = depth
                limited = False
                k = j
                while k < len(toks):
                    word = toks[k][0]
                    if word == "{":
                        level += 1
                    elif word == "}":
                        level -= 1
                        if level < scope:
                            break
                    elif level == scope and word.lower() in ("limit", "offset"):
                        limited = True
                    k += 1
                if not limited:
                    found.append((where_at, projected))
                depth = level + 1 if k < len(toks) else level
                i = k
                continue
        i += 1
    return found


def inject_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """Bind variables with a ``VALUES`` block at the start of the outermost WHERE group,
    and of every sub-select that projects them.

    A sub-select is evaluated on its own, before the join with the outer
    VALUES: without its own block it would compute its result for every value
    (every entity, say) and throw most of it away.  The copy changes no result
    (the outer join keeps only the bound value anyway); sub-selects with LIMIT
    or OFFSET, and those nested in another sub-select, are left alone.

    The terms are serialised by pyoxigraph (N-Triples syntax, escaped), never
    pasted from user text, so a value can only ever be one RDF term.
    """
    if not bindings:
        return sparql
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise ValueError(f"invalid variable name: {name!r}")
    inserts: list[tuple[int, str]] = []
    for where_at, projected in _subselect_groups(sparql):
        inner = [n for n in names if n in projected]
        if inner:
            inserts.append((where_at, _values_block(inner, bindings)))
    block = _values_block(names, bindings)
    form_seen = False
    after_where = False
    outer_at = None
    for tok, pos in _keywords(sparql):
        low = tok.lower()
        if low in ("select", "ask", "construct", "describe"):
            form_seen = True
        elif low == "where" and form_seen:
            after_where = True
        elif tok == "{" and form_seen:
            if after_where or query_form(sparql) != "construct":
                outer_at = pos
                break
    if outer_at is None:
        raise ValueError("cannot bind parameters: the query has no WHERE group")
    inserts.append((outer_at, block))
    for at, text in sorted(inserts, reverse=True):
        sparql = sparql[: at + 1] + text + sparql[at + 1:]
    return sparql


def _sparql_quads(items: Iterable[tuple[str, Sequence[Quad]]]) -> str:
    """``GRAPH <g> { s p o . … }`` blocks for INSERT DATA (terms serialised by pyoxigraph)."""
    parts: list[str] = []
    for graph, quads in items:
        parts.append(f"GRAPH <{graph}> {{")
        parts.extend(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        parts.append("}")
    return "\n".join(parts)


_FORMATS: dict[str, RdfFormat] = {
    "trig": RdfFormat.TRIG, "nq": RdfFormat.N_QUADS, "nquads": RdfFormat.N_QUADS,
    "n-quads": RdfFormat.N_QUADS, "ttl": RdfFormat.TURTLE, "turtle": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES, "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD, "json-ld": RdfFormat.JSON_LD,
}


def rdf_format(name_or_path: str | Path) -> RdfFormat:
    """An RdfFormat from a format name (trig, nq, ttl, nt, jsonld) or a file extension."""
    key = str(name_or_path).lower()
    if key in _FORMATS:
        return _FORMATS[key]
    ext = Path(key).suffix.lstrip(".")
    if ext in _FORMATS:
        return _FORMATS[ext]
    raise StoreError(f"unknown RDF format: {name_or_path}")


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------- interface

_STATIC_HASH = KG + "contentHash"


class GraphStore(ABC):
    """The interface both stores implement."""

    location: str
    read_only: bool

    # -- abstract primitives
    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None,
              timeout: float | None = None, *, raw: bool = False) -> QueryResult:
        """Run a SPARQL query over the union of all graphs; bind ``bindings`` as RDF terms."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL UPDATE (one transaction)."""

    @abstractmethod
    def _replace_graphs(self, items: Sequence[tuple[str, Sequence[Quad]]]) -> None:
        """Replace each named graph by the given quads, each graph atomically."""

    @abstractmethod
    def _all_quads(self) -> Iterable[Quad]:
        """Every quad of the dataset (for dumps)."""

    @abstractmethod
    def bulk_load(self, path: str | Path) -> None:
        """Load an N-Quads or TriG file fast (graphs as in the file)."""

    @abstractmethod
    def triple_count(self) -> int:
        """The number of quads in the dataset."""

    def flush(self) -> None:
        """Make written data durable."""

    def compact(self) -> None:
        """Reorganise the storage for fast reads after a bulk load (no-op on a server)."""

    def close(self) -> None:
        """Release the store (and its lock)."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def result_cache(self) -> ResultCache | None:
        """Where query results may be kept between runs (None: always evaluate)."""
        return None

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store is open read-only: {self.location}")

    # -- shared behaviour, on top of the primitives
    def document_hashes(self) -> dict[str, str]:
        """Source id → content hash of every stored document (one query)."""
        rows = self.query(
            f"SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?g a <{KG}Document> ; <{KG}sourceId> ?id . "
            f"OPTIONAL {{ ?g <{KG}contentHash> ?h }} }} }}"
        )
        assert isinstance(rows, list)
        return {r["id"]: r["h"] or "" for r in rows}

    def replace_documents(self, batch: Sequence[tuple[str, str, Sequence[Quad]]]) -> None:
        """Write documents given as (doc id, doc IRI, quads): each graph replaced whole."""
        self._check_writable()
        if batch:
            self._replace_graphs([(g, quads) for _, g, quads in batch])

    def replace_documents_nquads(self, batch: Sequence[tuple[str, str, bytes]]) -> None:
        """Write documents given as (doc id, doc IRI, N-Quads bytes of that graph only).

        The same semantics as :meth:`replace_documents` (each graph replaced
        whole, atomically); the fast path of ``kg build``, whose workers map and
        serialise documents so that the writer only parses bytes.
        """
        self._check_writable()
        if batch:
            self._replace_graphs([(g, list(parse(data, format=RdfFormat.N_QUADS)))
                                  for _, g, data in batch])

    def remove_documents(self, doc_ids: Iterable[str]) -> None:
        """Drop the graphs of these documents (by document id) in one update."""
        from kg.vocabulary import doc_iri

        self._check_writable()
        graphs = [doc_iri(d) for d in doc_ids]
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))

    def static_is_current(self, graph_iri: str, path: str | Path) -> bool:
        """True when ``graph_iri`` holds the file at ``path`` as it is now (by sha256)."""
        return bool(self.query(f"ASK {{ GRAPH <{graph_iri}> {{ <{graph_iri}> <{_STATIC_HASH}> ?h }} }}",
                               {"h": Literal(_file_hash(Path(path)))}))

    def load_static(self, graph_iri: str, path: str | Path) -> bool:
        """Load a Turtle file into its own graph, replacing it, unless the file is unchanged.

        The file's sha256 is kept as ``<graph> kg:contentHash "…"`` inside that graph.
        Returns True when the graph was (re)loaded.
        """
        self._check_writable()
        path = Path(path)
        if self.static_is_current(graph_iri, path):
            return False
        digest = _file_hash(path)
        g = NamedNode(graph_iri)
        try:
            quads = [Quad(t.subject, t.predicate, t.object, g)
                     for t in parse(path=str(path), format=rdf_format(path))]
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot parse {path}: {exc}") from exc
        quads.append(Quad(g, NamedNode(_STATIC_HASH), Literal(digest), g))
        self._replace_graphs([(graph_iri, quads)])
        return True

    def dump(self, path: str | Path, format: str | None = None) -> None:
        """Write the dataset to ``path`` (TriG, N-Quads, Turtle, N-Triples, JSON-LD).

        Triple formats (Turtle, N-Triples) get the union of all graphs.  The file
        is written to a temporary name and renamed, so it is never half-written.
        """
        path = Path(path)
        fmt = rdf_format(format or path)
        quads = self._all_quads()
        if fmt.supports_datasets:
            data = serialize(quads, format=fmt, prefixes=PREFIXES) if fmt != RdfFormat.N_QUADS \
                else serialize(quads, format=fmt)
        else:
            triples = list(dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in quads))
            data = serialize(triples, format=fmt, prefixes=PREFIXES) \
                if fmt == RdfFormat.TURTLE else serialize(triples, format=fmt)
        atomic_write(path, data or b"")

    def stats(self) -> dict[str, Any]:
        """Counts: documents, facts (total and by predicate), entities, mentions, triples."""
        docs = self.query(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{KG}Document> }}")
        by_pred = self.query(
            f"SELECT ?p (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{KG}predicate> ?p }} "
            f"GROUP BY ?p ORDER BY ?p")
        ents = self.query(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {{ ?e <{KG}subject> ?x }} "
            f"UNION {{ ?e <{KG}object> ?x }} }}")
        ments = self.query(f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a <{KG}Mention> }}")
        facts_by = {r["p"]: r["n"] for r in by_pred}  # type: ignore[union-attr]
        return {
            "documents": docs[0]["n"],  # type: ignore[index]
            "facts": sum(facts_by.values()),
            "facts_by_predicate": facts_by,
            "entities": ents[0]["n"],  # type: ignore[index]
            "mentions": ments[0]["n"],  # type: ignore[index]
            "triples": self.triple_count(),
        }


# ---------------------------------------------------------------------- embedded


class EmbeddedStore(GraphStore):
    """An Oxigraph store in a directory on disk."""

    def __init__(self, path: str | Path = DEFAULT_PATH, *, read_only: bool = False,
                 lock_timeout: float = 10.0, timeout: float | None = 60) -> None:
        self.location = str(path)
        self.read_only = read_only
        self.timeout = timeout
        self._lock_fd: int | None = None
        p = Path(path)
        self._cache: ResultCache | None = None
        if read_only:
            if not p.is_dir():
                raise StoreError(f"no store at {p}")
            before = store_fingerprint(p)
            self._store = _open_read_only(p)
            # The store shows the data committed when it was opened: its results may
            # be kept under that state, unless a write came in while it opened.
            if before is not None and store_fingerprint(p) == before:
                self._cache = ResultCache(p, snapshot=before)
            return
        if p.exists() and not p.is_dir():
            raise StoreCorruptError(f"not a store directory: {p}")
        p.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _acquire_lock(p / LOCK_NAME, lock_timeout, p)
        try:
            self._store = _open_writable(p)
        except StoreError:
            self._release()
            raise
        self._cache = ResultCache(p)  # fingerprinted before each query: this process writes

    @classmethod
    def locked_reader(cls, path: str | Path, *, lock_timeout: float = 10.0,
                      timeout: float | None = 60) -> "EmbeddedStore":
        """The existing store at ``path``, read-only but holding the writers' lock, so
        that :meth:`upgrade` can reopen it for writing with no other writer between.
        A build that finds nothing to change never opens RocksDB for writing, which
        would change its files and void the results kept beside it."""
        p = Path(path)
        if not p.is_dir():
            raise StoreError(f"no store at {p}")
        lock = _acquire_lock(p / LOCK_NAME, lock_timeout, p)
        try:
            store = cls(p, read_only=True, timeout=timeout)
        except BaseException:
            fcntl.flock(lock, fcntl.LOCK_UN)
            os.close(lock)
            raise
        store._lock_fd = lock
        return store

    def upgrade(self) -> None:
        """Reopen a :meth:`locked_reader` for writing (nothing when already writable)."""
        if not self.read_only:
            return
        if self._lock_fd is None:
            raise StoreError(f"store opened read-only, without the writers' lock: {self.location}")
        p = Path(self.location)
        self._store = None  # type: ignore[assignment]  # drop the read-only instance first
        self._cache = None
        try:
            self._store = _open_writable(p)
        except StoreError:
            self._release()
            raise
        self.read_only = False
        self._cache = ResultCache(p)

    @property
    def result_cache(self) -> ResultCache | None:
        return self._cache

    @property
    def raw(self) -> Store:
        """The underlying pyoxigraph Store (for hot paths)."""
        return self._store

    def _release(self) -> None:
        if self._lock_fd is not None:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            finally:
                os.close(self._lock_fd)
                self._lock_fd = None

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            if not self.read_only:
                try:
                    self._store.flush()
                except OSError:
                    pass
            self._store = None  # type: ignore[assignment]
        self._release()

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()

    def compact(self) -> None:
        """Merge RocksDB's level-0 files: a bulk load leaves dozens of overlapping ones,
        and every index lookup then probes each of them (joins 4-6x slower at 5M quads).
        A store written by transactions is kept compact by RocksDB itself."""
        if self.read_only:
            return
        try:
            self._store.optimize()
        except OSError as exc:
            raise StoreError(f"cannot compact {self.location}: {_one_line(exc)}") from exc

    def _run(self, sparql: str, bindings: Mapping[str, Any] | None) -> Any:
        # pyoxigraph's ``substitutions=`` only accepts projected variables, so
        # parameters are bound exactly as for a remote endpoint: a VALUES block
        # of pyoxigraph-serialised terms (same semantics on both stores).
        try:
            text = inject_values(sparql, bindings or {})
            return self._store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
        except SyntaxError as exc:
            raise StoreError(f"invalid SPARQL: {_one_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"query failed on {self.location}: {_one_line(exc)}") from exc

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None,
              timeout: float | None = None, *, raw: bool = False) -> QueryResult:
        timeout = self.timeout if timeout is None else timeout
        if query_form(sparql) == "update":
            raise StoreError("query() runs queries only; use update() for SPARQL UPDATE")
        if not timeout:
            return self._collect(self._run(sparql, bindings), raw, None)
        # Evaluate in a worker thread (pyoxigraph releases the GIL) so that a
        # runaway query is abandoned at the deadline.
        deadline = time.monotonic() + timeout
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["result"] = self._collect(self._run(sparql, bindings), raw, deadline)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                box["error"] = exc.with_traceback(None)  # frees the solutions in this thread (pyo3 unsendable)

        worker = threading.Thread(target=work, daemon=True, name="kg-query")
        worker.start()
        worker.join(timeout)
        if worker.is_alive() or isinstance(box.get("error"), QueryTimeoutError):
            raise QueryTimeoutError(f"query ran past the timeout of {timeout:g} s")
        if "error" in box:
            raise box["error"]
        return box["result"]

    @staticmethod
    def _collect(result: Any, raw: bool, deadline: float | None) -> QueryResult:
        if isinstance(result, QueryBoolean):
            return bool(result)
        if isinstance(result, QuerySolutions):
            names = [v.value for v in result.variables]
            return _rows(result, names, raw, deadline)
        return list(result)  # QueryTriples

    def update(self, sparql: str) -> None:
        self._check_writable()
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"invalid SPARQL UPDATE: {_one_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"update failed on {self.location}: {_one_line(exc)}") from exc

    def _replace_graphs(self, items: Sequence[tuple[str, Sequence[Quad]]]) -> None:
        fresh: list[tuple[str, Sequence[Quad]]] = []
        changed: list[tuple[str, Sequence[Quad]]] = []
        for graph, quads in items:
            (changed if self._store.contains_named_graph(NamedNode(graph)) else fresh).append(
                (graph, quads))
        try:
            if fresh:  # one transaction, fastest path
                self._store.extend(q for _, quads in fresh for q in quads)
            if changed:  # one atomic UPDATE: drop the old graphs and insert the new ones
                drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g, _ in changed)
                self._store.update(drops + "INSERT DATA {\n" + _sparql_quads(changed) + "\n}")
        except OSError as exc:
            raise StoreError(f"write failed on {self.location}: {_one_line(exc)}") from exc

    def replace_documents_nquads(self, batch: Sequence[tuple[str, str, bytes]]) -> None:
        self._check_writable()
        fresh: list[bytes] = []
        changed: list[tuple[str, bytes]] = []
        for _, graph, data in batch:
            if self._store.contains_named_graph(NamedNode(graph)):
                changed.append((graph, data))
            else:
                fresh.append(data)
        try:
            if fresh:  # one transaction, parsed in Rust
                self._store.load(b"".join(fresh), format=RdfFormat.N_QUADS)
            if changed:  # one atomic UPDATE: drop the old graphs and insert the new ones
                drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g, _ in changed)
                body = "\n".join(f"GRAPH <{g}> {{\n{_nq_to_nt(g, data).decode()}}}" for g, data in changed)
                self._store.update(drops + "INSERT DATA {\n" + body + "\n}")
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"write failed on {self.location}: {_one_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"write failed on {self.location}: {_one_line(exc)}") from exc

    def _all_quads(self) -> list[Quad]:
        return list(self._store)

    def bulk_load(self, path: str | Path) -> None:
        """Fast, non-transactional load (the lock still keeps other writers out)."""
        self._check_writable()
        try:
            self._store.bulk_load(path=str(path), format=rdf_format(path))
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot load {path}: {_one_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"cannot load {path}: {_one_line(exc)}") from exc

    def triple_count(self) -> int:
        return len(self._store)


def _open_read_only(path: Path, attempts: int = 3) -> Store:
    """Open read-only; a compaction in another process can delete a table while it
    opens ("Corruption: … No such file"), so that error is retried."""
    for attempt in range(attempts):
        try:
            return Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if attempt + 1 < attempts and "No such file" in str(exc):
                time.sleep(0.1)
                continue
            raise StoreCorruptError(f"cannot open store {path}: {_one_line(exc)}") from exc
    raise AssertionError("unreachable")


def _nq_to_nt(graph: str, data: bytes) -> bytes:
    """The N-Triples of one graph's N-Quads (every line ends with `` <graph> .``)."""
    return data.replace(f" <{graph}> .\n".encode(), b" .\n")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _open_writable(p: Path) -> Store:
    try:
        return Store(str(p))
    except OSError as exc:
        msg = _one_line(exc)
        if "lock" in msg.lower():
            raise StoreBusyError(f"store is in use by another process: {p}") from exc
        raise StoreCorruptError(f"cannot open store {p}: {msg}") from exc


def _acquire_lock(lock_path: Path, timeout: float, store_path: Path) -> int:
    """Take an exclusive flock, waiting up to ``timeout`` seconds."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StoreBusyError(f"store is in use by another kg process: {store_path}")
            if not told:
                print(f"kg: waiting up to {timeout:g} s for the store lock: {store_path}",
                      file=sys.stderr)
                told = True
            time.sleep(0.1)


# ------------------------------------------------------------------------ remote


class RemoteStore(GraphStore):
    """A SPARQL 1.1 Query/Update endpoint (plus the Graph Store Protocol when present).

    Queries assume the server answers over the union of its named graphs by
    default (Oxigraph: ``--union-default-graph``; Fuseki: ``unionDefaultGraph``).
    Credentials come from ``KG_ENDPOINT_USER`` / ``KG_ENDPOINT_PASSWORD``.
    """

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 gsp: str | None = None, read_only: bool = False,
                 timeout: float | None = 60) -> None:
        self.location = endpoint
        self.endpoint = endpoint
        base = endpoint[: -len("/query")] if endpoint.rstrip("/").endswith("/query") else None
        if base is not None:
            base = base.rstrip("/") if endpoint.endswith("/") else base
        self.update_endpoint = update_endpoint or (base + "/update" if base else endpoint)
        self.gsp: str | None = gsp or (base + "/store" if base else None)
        self.read_only = read_only
        self.timeout = timeout
        user = os.environ.get("KG_ENDPOINT_USER")
        password = os.environ.get("KG_ENDPOINT_PASSWORD", "")
        self._auth = ("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
                      if user else None)

    # -- HTTP
    def _request(self, url: str, data: bytes | None, headers: dict[str, str],
                 method: str = "POST", timeout: float | None = None) -> bytes:
        if self._auth:
            headers = {**headers, "Authorization": self._auth}
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        t = self.timeout if timeout is None else timeout
        try:
            with urllib.request.urlopen(req, timeout=t or None) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()[:300].decode("utf-8", "replace")
            raise _HTTPStoreError(exc.code, f"{url}: HTTP {exc.code}: {' '.join(body.split())}") \
                from exc
        except (TimeoutError, OSError) as exc:
            if isinstance(exc, TimeoutError) or "timed out" in str(exc):
                raise QueryTimeoutError(f"request to {url} ran past the timeout of {t:g} s") \
                    from exc
            raise StoreError(f"cannot reach {url}: {_one_line(exc)}") from exc

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None,
              timeout: float | None = None, *, raw: bool = False) -> QueryResult:
        form = query_form(sparql)
        if form == "update":
            raise StoreError("query() runs queries only; use update() for SPARQL UPDATE")
        prologue = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items()
                           if re.search(rf"(?<![\w:]){re.escape(p)}:", sparql))
        text = prologue + inject_values(sparql, bindings or {})
        if form in ("construct", "describe"):
            body = self._request(self.endpoint, _form("query", text), {
                "Content-Type": _FORM,
                "Accept": "application/n-triples"}, timeout=timeout)
            return list(parse(body, format=RdfFormat.N_TRIPLES))
        body = self._request(self.endpoint, _form("query", text), {
            "Content-Type": _FORM,
            "Accept": "application/sparql-results+json"}, timeout=timeout)
        result = parse_query_results(body, format=QueryResultsFormat.JSON)
        if isinstance(result, QueryBoolean):
            return bool(result)
        names = [v.value for v in result.variables]
        return _rows(result, names, raw)

    def update(self, sparql: str) -> None:
        self._check_writable()
        prologue = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
        self._request(self.update_endpoint, _form("update", prologue + sparql), {"Content-Type": _FORM})

    def _replace_graphs(self, items: Sequence[tuple[str, Sequence[Quad]]]) -> None:
        if self.gsp:
            try:
                for graph, quads in items:
                    data = serialize(
                        [Triple(q.subject, q.predicate, q.object) for q in quads],
                        format=RdfFormat.N_TRIPLES) or b""
                    url = self.gsp + ("&" if "?" in self.gsp else "?") + urllib.parse.urlencode(
                        {"graph": graph})
                    self._request(url, data, {"Content-Type": "application/n-triples"}, "PUT")
                return
            except _HTTPStoreError as exc:
                if exc.code not in (400, 404, 405, 415, 501):
                    raise
                self.gsp = None  # no usable Graph Store Protocol: fall back to UPDATE
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g, _ in items)
        self.update(drops + _insert(_sparql_quads(items)))

    def replace_documents_nquads(self, batch: Sequence[tuple[str, str, bytes]]) -> None:
        self._check_writable()
        if not batch:
            return
        if self.gsp:
            try:
                for _, graph, data in batch:
                    url = self.gsp + ("&" if "?" in self.gsp else "?") + urllib.parse.urlencode(
                        {"graph": graph})
                    self._request(url, _nq_to_nt(graph, data),
                                  {"Content-Type": "application/n-triples"}, "PUT")
                return
            except _HTTPStoreError as exc:
                if exc.code not in (400, 404, 405, 415, 501):
                    raise
                self.gsp = None
        super().replace_documents_nquads(batch)

    def _all_quads(self) -> list[Quad]:
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", raw=True)
        return [Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[union-attr]

    def bulk_load(self, path: str | Path) -> None:
        self._check_writable()
        fmt = rdf_format(path)
        if self.gsp:
            try:
                self._request(self.gsp, Path(path).read_bytes(),
                              {"Content-Type": fmt.media_type}, "POST")
                return
            except _HTTPStoreError as exc:
                if exc.code not in (400, 404, 405, 415, 501):
                    raise
        chunk: list[Quad] = []
        for q in parse(path=str(path), format=fmt):
            chunk.append(q)
            if len(chunk) >= 20000:
                self._insert(chunk)
                chunk = []
        if chunk:
            self._insert(chunk)

    def _insert(self, quads: Sequence[Quad]) -> None:
        by_graph: dict[str, list[Quad]] = {}
        default: list[Quad] = []
        for q in quads:
            if isinstance(q.graph_name, DefaultGraph):
                default.append(q)
            else:
                by_graph.setdefault(q.graph_name.value, []).append(q)
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in default)
        self.update(_insert(body + "\n" + _sparql_quads(by_graph.items())))

    def triple_count(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return rows[0]["n"]  # type: ignore[index]


# Queries and updates are POSTed URL-encoded (SPARQL 1.1 Protocol §2.1.2/§2.2.1):
# every server takes that form, while Virtuoso 7.2 never answers a direct
# ``application/sparql-query`` POST.
_FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _insert(body: str) -> str:
    """``INSERT DATA {body}``; with blank nodes the equivalent ``INSERT {body} WHERE {}``
    (fresh blank nodes either way), which Virtuoso 7.2 accepts and INSERT DATA not."""
    if "_:" in body:
        return "INSERT {\n" + body + "\n} WHERE {}"
    return "INSERT DATA {\n" + body + "\n}"


def _form(name: str, text: str) -> bytes:
    return urllib.parse.urlencode({name: text}).encode("ascii")


class _HTTPStoreError(StoreError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


# -------------------------------------------------------------------------- open


def open_store(path: str | Path | None = None, *, endpoint: str | None = None,
               update_endpoint: str | None = None, gsp: str | None = None,
               read_only: bool = False, timeout: float | None = 60,
               lock_timeout: float = 10.0) -> GraphStore:
    """Open the embedded store at ``path`` (default ``kg.db``), or a remote endpoint."""
    if endpoint:
        return RemoteStore(endpoint, update_endpoint=update_endpoint, gsp=gsp,
                           read_only=read_only, timeout=timeout)
    return EmbeddedStore(path or DEFAULT_PATH, read_only=read_only,
                         lock_timeout=lock_timeout, timeout=timeout)
