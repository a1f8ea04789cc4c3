"""Saved SPARQL queries: discovery, header parsing and safe execution.

A saved query is a ``.rq`` file: a comment header, then plain SPARQL 1.1::

    # title: Fines by regulator
    # description: Every fine with regulator, company, amount and date, largest first.
    # param: company (optional, entity) IRI or label of a company to filter on
    # example: kg query fines-by-regulator --param company=阿里巴巴
    PREFIX kg: <https://w3id.org/kg/ontology#>
    SELECT ...

``# param: NAME (SPEC) HELP`` where SPEC is ``required`` or ``optional``,
optionally followed by a kind and a default, comma separated:
``(optional, entity, default=ent:wechat)``.  Kinds:

* ``entity`` (the default kind): an IRI (``<…>``, ``https://…``) or a prefixed
  name (``ent:alibaba``) is bound as an IRI; anything else is a label resolved
  to an entity IRI (gazetteer aliases, then ``skos:prefLabel``/``altLabel`` in
  the store); an unresolved label is bound as a plain literal.
* ``iri``: must be an IRI or prefixed name.
* ``string``: always a plain literal (never resolved).
* ``integer``, ``decimal``, ``number``, ``boolean``, ``date``: typed literals.

Parameters are SPARQL variables (``?company``) bound as RDF terms from
outside; they are never pasted into the query text: :mod:`kg.store` adds a
``VALUES`` block of pyoxigraph-serialised terms at the start of the outermost
``WHERE`` group (the same on the embedded store and on a remote endpoint).
Use a parameter variable in a non-optional pattern of the outer group (or of
every ``UNION`` branch) so that it restricts the results.  The ``VALUES``
block is also copied into each sub-``SELECT`` of that group that projects the
variable (see :func:`kg.store.inject_values`), so the sub-select starts from it.

On an embedded store a result that took longer than 50 ms is kept in
``<store>/kg-results/`` and read back while the store is unchanged
(:mod:`kg.result_cache`; ``kg query --no-cache`` evaluates anyway).

Where queries come from (later wins on a name clash): the project's
``queries/`` directory, the directories of ``$KG_QUERIES_DIR`` (``os.pathsep``
separated), then any directories passed to :func:`discover`.
"""

from __future__ import annotations

import inspect
import os
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Variable

from kg.result_cache import cached_run
from kg.rows import Rows
from kg.store import is_repeatable
from kg.vocabulary import PREFIXES, SKOS, XSD

__all__ = [
    "PROJECT_QUERIES_DIR",
    "Param",
    "QueryError",
    "Result",
    "SavedQuery",
    "bind_param",
    "discover",
    "is_update",
    "label_resolver",
    "load",
    "parse_header",
    "run",
    "select",
    "syntax_error",
]

#: ``queries/`` at the root of the project (next to the ``kg`` package).
PROJECT_QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"

PARAM_KINDS = ("entity", "iri", "string", "integer", "decimal", "number", "boolean", "date")
_NUMERIC_KINDS = ("integer", "decimal", "number")


class QueryError(Exception):
    """A user error about a query: one line, safe to print as is."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query (a SPARQL variable)."""

    name: str
    required: bool = False
    help: str = ""
    kind: str = "entity"
    default: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: header fields plus the full SPARQL text (header comments included,
    so that line numbers in error messages are those of the file)."""

    name: str
    path: Path | None
    title: str
    description: str
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    sparql: str = ""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class Result:
    """Rows of a SELECT (``columns`` in projection order), or of an ASK (one row
    ``{"result": bool}``), CONSTRUCT/DESCRIBE (``subject``, ``predicate``,
    ``object``) or UPDATE (no rows)."""

    columns: list[str]
    #: A sequence of dicts held as columns (see kg.rows).
    rows: Sequence[dict[str, Any]] = field(default_factory=lambda: Rows([], []))
    #: True when the rows were read back from the store's result cache (kg.result_cache).
    cached: bool = False

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


# --------------------------------------------------------------------------- header

_HEADER_LINE = re.compile(r"^\s*#\s?(.*)$")
_KEY = re.compile(r"^(title|description|param|example)\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(r"^\??([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?\s*(.*)$")


def _parse_param(text: str, where: str) -> Param:
    m = _PARAM.match(text.strip())
    if not m:
        raise QueryError(f"{where}: bad param line {text!r}: expected 'NAME (optional|required) help'")
    name, spec, help_text = m.group(1), m.group(2) or "", m.group(3).strip()
    required, kind, default = False, "entity", None
    for raw in (s.strip() for s in spec.split(",")):
        if not raw:
            continue
        low = raw.lower()
        if low == "required":
            required = True
        elif low == "optional":
            required = False
        elif low in PARAM_KINDS:
            kind = low
        elif low.startswith("default"):
            default = raw.split("=", 1)[1].strip() if "=" in raw else raw.split(":", 1)[-1].strip()
        else:
            raise QueryError(f"{where}: param {name!r}: unknown option {raw!r}")
    return Param(name=name, required=required, help=help_text, kind=kind, default=default)


def parse_header(text: str, name: str = "", path: Path | None = None) -> SavedQuery:
    """Parse the comment header of a query text into a :class:`SavedQuery`.

    The header is the leading run of comment (and blank) lines.  A comment line
    without a ``key:`` continues the previous title or description.
    """
    where = str(path) if path else (name or "query")
    title = description = ""
    params: list[Param] = []
    examples: list[str] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.strip():
            last = None
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            break
        body = m.group(1).strip()
        km = _KEY.match(body)
        if km:
            key, value = km.group(1).lower(), km.group(2).strip()
            if key == "title":
                title = value
            elif key == "description":
                description = value
            elif key == "param":
                params.append(_parse_param(value, where))
            else:
                examples.append(value)
            last = key
        elif body and last in ("title", "description"):
            if last == "title":
                title = f"{title} {body}".strip()
            else:
                description = f"{description} {body}".strip()
    return SavedQuery(
        name=name, path=path, title=title or name, description=description,
        params=tuple(params), examples=tuple(examples), sparql=text,
    )


# --------------------------------------------------------------------------- discovery

def _query_dirs(dirs: Iterable[str | os.PathLike[str]] | None) -> list[Path]:
    out = [PROJECT_QUERIES_DIR]
    env = os.environ.get("KG_QUERIES_DIR", "")
    out += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    if dirs:
        out += [Path(d) for d in ([dirs] if isinstance(dirs, (str, os.PathLike)) else dirs)]
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file {path}: {exc}") from None


def discover(dirs: Iterable[str | os.PathLike[str]] | str | None = None) -> dict[str, SavedQuery]:
    """All saved queries by name (file stem), sorted by name.

    Looks in the project's ``queries/``, then ``$KG_QUERIES_DIR``, then ``dirs``;
    a later directory overrides a query of the same name.
    """
    found: dict[str, SavedQuery] = {}
    for d in _query_dirs(dirs):
        if not d.is_dir():
            continue
        for path in sorted(d.glob("*.rq")):
            found[path.stem] = parse_header(_read(path), name=path.stem, path=path)
    return dict(sorted(found.items()))


def load(name_or_file: str | os.PathLike[str], dirs: Iterable[str | os.PathLike[str]] | None = None) -> SavedQuery:
    """A saved query by name (``fines-by-regulator``) or by path to a ``.rq`` file."""
    text = str(name_or_file)
    path = Path(text)
    if path.suffix in (".rq", ".sparql") or os.sep in text or "/" in text:
        if not path.is_file():
            raise QueryError(f"query file not found: {text}")
        return parse_header(_read(path), name=path.stem, path=path)
    queries = discover(dirs)
    if text in queries:
        return queries[text]
    if path.is_file():
        return parse_header(_read(path), name=path.stem, path=path)
    known = ", ".join(queries) or "none"
    raise QueryError(f"unknown query {text!r} (known: {known})")


# --------------------------------------------------------------------------- parameters

_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_ABSOLUTE_IRI = re.compile(r"^(?:https?|urn|file|tag|mailto|ftp):\S+$", re.IGNORECASE)
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:([^\s<>\"{}|^`\\]*)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _prefixes(sparql: str) -> dict[str, str]:
    out = dict(PREFIXES)
    for m in _PREFIX_DECL.finditer(sparql):
        out[m.group(1) or ""] = m.group(2)
    return out


def _as_iri(value: str, prefixes: Mapping[str, str]) -> NamedNode | None:
    """``value`` as an IRI when it looks like one (``<…>``, an absolute IRI, a known prefix)."""
    v = value.strip()
    iri: str | None = None
    if v.startswith("<") and v.endswith(">"):
        iri = v[1:-1]
    elif _ABSOLUTE_IRI.match(v):
        iri = v
    else:
        m = _PREFIXED.match(v)
        if m and (m.group(1) or "") in prefixes:
            iri = prefixes[m.group(1) or ""] + m.group(2)
    if iri is None:
        return None
    try:
        return NamedNode(iri)
    except ValueError:
        raise QueryError(f"not a valid IRI: {value!r}") from None


def bind_param(
    param: Param,
    value: str,
    resolve: Callable[[str], str | None] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> NamedNode | Literal:
    """The RDF term a parameter value is bound to (see the module docstring)."""
    prefixes = PREFIXES if prefixes is None else prefixes
    kind = param.kind
    v = str(value).strip()
    if kind == "string":
        return Literal(str(value))
    if kind in _NUMERIC_KINDS:
        if kind == "integer" or (kind == "number" and _INTEGER.match(v)):
            if not _INTEGER.match(v):
                raise QueryError(f"param {param.name!r} must be an integer, got {value!r}")
            return Literal(str(int(v)), datatype=NamedNode(XSD + "integer"))
        try:
            d = Decimal(v)
        except InvalidOperation:
            d = None
        if d is None or not d.is_finite():
            raise QueryError(f"param {param.name!r} must be a number, got {value!r}")
        return Literal(format(d, "f"), datatype=NamedNode(XSD + "decimal"))
    if kind == "boolean":
        low = v.lower()
        if low in ("true", "1", "yes"):
            return Literal("true", datatype=NamedNode(XSD + "boolean"))
        if low in ("false", "0", "no"):
            return Literal("false", datatype=NamedNode(XSD + "boolean"))
        raise QueryError(f"param {param.name!r} must be true or false, got {value!r}")
    if kind == "date":
        if not _DATE.match(v):
            raise QueryError(f"param {param.name!r} must be a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        dtype = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(v)]
        return Literal(v, datatype=NamedNode(XSD + dtype))
    iri = _as_iri(v, prefixes)
    if iri is not None:
        return iri
    if kind == "iri":
        raise QueryError(f"param {param.name!r} must be an IRI or a prefixed name like ent:alibaba, got {value!r}")
    if resolve is not None and v:
        found = resolve(v)
        if found:
            return NamedNode(found)
    return Literal(str(value))


def label_resolver(store: Any, gazetteer: Any = None) -> Callable[[str], str | None]:
    """A ``label → entity IRI`` function: the gazetteer's ``alias_index`` first
    (exact, then case-folded), then ``skos:prefLabel``/``skos:altLabel`` in the store."""
    index: Mapping[str, str] = getattr(gazetteer, "alias_index", None) or {}
    folded = {k.casefold(): v for k, v in index.items()}
    cache: dict[str, str | None] = {}
    sparql = (
        f"SELECT ?label ?e WHERE {{ ?e <{SKOS}prefLabel>|<{SKOS}altLabel> ?l . "
        "FILTER(STR(?l) = STR(?label)) } ORDER BY ?e LIMIT 1"
    )

    def resolve(label: str) -> str | None:
        label = label.strip()
        if label in cache:
            return cache[label]
        iri = index.get(label) or folded.get(label.casefold())
        if iri is None and store is not None:
            try:
                rows = select(store, sparql, {"label": Literal(label)})
            except Exception:  # a resolver never fails a query: unresolved → literal
                rows = []
            for row in rows:
                e = row.get("e")
                if isinstance(e, str) and e:
                    iri = e
                    break
        cache[label] = iri
        return iri

    return resolve


# --------------------------------------------------------------------------- query form

def is_update(sparql: str) -> bool:
    """True when ``sparql`` parses as a SPARQL UPDATE (a real parse, not a keyword search)."""
    try:
        from rdflib.plugins.sparql.parser import parseUpdate
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return False
    try:
        parseUpdate(sparql)
    except Exception:
        return False
    return True


_POSITION = re.compile(r"(?:error )?at (\d+):(\d+)[:,]?\s*")


_FOUND = re.compile(r"found (end of text|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S+)")


def _pyparsing_position(sparql: str) -> tuple[int, int, str] | None:
    """(line, column, found token) of rdflib's parse error, or None if rdflib parses it."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:  # pragma: no cover
        return None
    try:
        parseQuery(sparql)
    except Exception as exc:  # pyparsing.ParseException and friends
        line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
        if not isinstance(line, int) or not isinstance(col, int):
            return None
        m = _FOUND.search(str(exc))
        found = m.group(1) if m else "text"
        return line, col, found
    return None


def syntax_error(sparql: str, name: str = "query") -> str | None:
    """The one-line syntax error of ``sparql`` as a query (``None`` when it parses).

    Parsed by Oxigraph in an empty in-memory store: the returned iterator of a
    SELECT/CONSTRUCT/DESCRIBE is never consumed, so nothing is evaluated.  The
    message gives the line and column in ``sparql`` (the whole file, header
    included, so they are the user's line and column).
    """
    try:
        Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        msg = " ".join(str(exc).split())
        # Oxigraph's PEG parser often reports the end of the input as the error
        # position; pyparsing (rdflib) points at the token where parsing failed.
        # Prefer that position when rdflib agrees the text is invalid.
        where = _pyparsing_position(sparql)
        if where is not None:
            line, col, found = where
            return f"{name}: syntax error at line {line}, column {col}: unexpected {found}"
        m = _POSITION.search(msg)
        if m:
            rest = _POSITION.sub("", msg, count=1).strip(" :")
            if "Prefix not found" in rest:
                rest = "undeclared prefix (add a PREFIX line)"
            elif len(rest) > 160:
                rest = rest[:157] + "..."
            return f"{name}: syntax error at line {m.group(1)}, column {m.group(2)}: {rest}"
        return f"{name}: syntax error: {msg}"
    except Exception:
        # Not a syntax problem (e.g. an ASK with SERVICE is evaluated eagerly):
        # the real run reports it.
        return None
    return None


# --------------------------------------------------------------------------- execution

def _to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value, exactly as :func:`kg.store.to_python`."""
    from kg.store import to_python

    return to_python(term)


def _store_accepts(store: Any, name: str) -> bool:
    try:
        return name in inspect.signature(store.query).parameters
    except (TypeError, ValueError):
        return False


def _select_raw(store: Any, sparql: str, bindings: Mapping[str, Any], timeout: float | None):
    """Run ``sparql`` on a GraphStore (``.query(sparql, bindings=…, timeout=…)``) or a raw
    pyoxigraph ``Store``; returns (kind, columns, rows)."""
    if isinstance(store, Store):
        # Same binding semantics as kg.store: a VALUES block of serialised terms
        # at the start of the outermost WHERE group.
        from kg.store import inject_values

        text = inject_values(sparql, bindings) if bindings else sparql
        res = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        if isinstance(res, bool) or type(res).__name__ == "QueryBoolean":
            return "ask", ["result"], [{"result": bool(res)}]
        if hasattr(res, "variables"):
            cols = [v.value for v in res.variables]
            rows = [{c: _to_python(sol[c]) for c in cols} for sol in res]
            return "select", cols, rows
        rows = [{"subject": _to_python(t.subject), "predicate": _to_python(t.predicate),
                 "object": _to_python(t.object)} for t in res]
        return "graph", ["subject", "predicate", "object"], rows
    kwargs: dict[str, Any] = {}
    if bindings:
        kwargs["bindings"] = dict(bindings)
    if timeout is not None and _store_accepts(store, "timeout"):
        kwargs["timeout"] = timeout
    res = store.query(sparql, **kwargs)
    if isinstance(res, bool):
        return "ask", ["result"], [{"result": res}]
    res = list(res)
    if res and not isinstance(res[0], Mapping):  # CONSTRUCT / DESCRIBE: triples
        rows = [{"subject": _to_python(t.subject), "predicate": _to_python(t.predicate),
                 "object": _to_python(t.object)} for t in res]
        return "graph", ["subject", "predicate", "object"], rows
    rows = [dict(r) for r in res]
    cols = list(rows[0]) if rows else _columns_from_sparql(sparql)
    return "select", cols, rows


_SELECT_VARS = re.compile(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:FROM\b|WHERE\b|\{)", re.IGNORECASE | re.DOTALL)
_VAR = re.compile(r"\(\s*.*?\s+AS\s+[?$](\w+)\s*\)|[?$](\w+)", re.IGNORECASE | re.DOTALL)


def _columns_from_sparql(sparql: str) -> list[str]:
    """Projection order of a SELECT, for stores that return rows as plain dicts."""
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    m = _SELECT_VARS.search(body)
    if not m or m.group(1).strip() == "*":
        return []
    return [a or b for a, b in _VAR.findall(m.group(1))]


def select(store: Any, sparql: str, bindings: Mapping[str, Any] | None = None,
           timeout: float | None = None) -> list[dict[str, Any]]:
    """Rows of a SELECT on a GraphStore or a pyoxigraph ``Store`` as plain dicts
    (IRIs as ``str``, typed literals as Python numbers/bools, others as ``str``)."""
    return _select_raw(store, sparql, bindings or {}, timeout)[2]


def _with_timeout(fn: Callable[[], Any], timeout: float | None) -> Any:
    """Run ``fn`` in a daemon worker thread; give up after ``timeout`` seconds.

    Oxigraph releases the GIL while it evaluates, so the caller gets control back
    on time; the abandoned evaluation finishes (or dies with the process) in the
    background.
    """
    if not timeout or timeout <= 0:
        return fn()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    t = threading.Thread(target=work, name="kg-query", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise QueryError(f"query timed out after {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _query_error(exc: BaseException, name: str, timeout: float | None) -> QueryError:
    """A store error as a one-line QueryError (timeouts → "query timed out after N s")."""
    kind = type(exc).__name__
    msg = " ".join(str(exc).split()) or kind
    if isinstance(exc, TimeoutError) or kind == "QueryTimeoutError" or "timed out" in msg or "timeout" in msg:
        return QueryError(f"query timed out after {timeout or 0:g} s")
    if isinstance(exc, SyntaxError):
        return QueryError(f"{name}: syntax error: {msg}")
    if isinstance(exc, (RuntimeError, ValueError, OSError)) or kind.endswith("StoreError"):
        return QueryError(f"{name}: {msg}")
    raise exc


def run(
    store: Any,
    query: SavedQuery | str,
    params: Mapping[str, str] | None = None,
    resolve: Callable[[str], str | None] | None = None,
    allow_update: bool = False,
    timeout: float | None = 60,
    cache: bool = True,
) -> Result:
    """Run a saved query (or SPARQL text) with parameters bound as RDF terms.

    ``store`` is a :class:`kg.store.GraphStore` or a pyoxigraph ``Store`` (queried
    with the default graph as the union of the named graphs).  Raises
    :class:`QueryError` for an unknown or missing required parameter, a syntax
    error (with line and column of the file), an UPDATE without
    ``allow_update``, and a timeout.  On an embedded store, a result that took
    a while to compute is kept until the store changes (:mod:`kg.result_cache`);
    ``cache=False`` always evaluates.
    """
    if isinstance(query, str):
        query = parse_header(query, name="query")
    name = query.name or "query"
    params = dict(params or {})
    sparql = query.sparql

    declared = {p.name: p for p in query.params}
    unknown = [k for k in params if k not in declared]
    if unknown:
        if query.params:
            known = ", ".join(declared)
            raise QueryError(f"{name}: unknown param {unknown[0]!r} (declared: {known})")
        # An ad-hoc query without a header: every param is an untyped entity param.
        declared.update({k: Param(name=k) for k in unknown})

    error = syntax_error(sparql, name)
    update = False
    if error is not None:
        if not is_update(sparql):
            raise QueryError(error)
        update = True
    if update:
        if not allow_update:
            raise QueryError(
                f"{name}: SPARQL UPDATE refused (INSERT/DELETE/DROP/CLEAR/LOAD/…); "
                "pass allow_update=True (kg query --allow-update) to run it"
            )
        if params:
            raise QueryError(f"{name}: parameters cannot be bound in an UPDATE")
        runner = getattr(store, "update", None)
        if runner is None:
            raise QueryError(f"{name}: this store does not accept updates")
        try:
            if isinstance(store, Store):
                _with_timeout(lambda: store.update(sparql, prefixes=PREFIXES), timeout)
            else:
                runner(sparql)
        except QueryError:
            raise
        except Exception as exc:
            raise _query_error(exc, name, timeout) from None
        return Result(columns=[], rows=Rows([], []))

    prefixes = _prefixes(sparql)
    bindings: dict[str, Any] = {}
    for p in declared.values():
        value = params.get(p.name)
        if value is None or (isinstance(value, str) and value.strip() == "" and p.kind != "string"):
            value = p.default
        if value is None:
            if p.required:
                raise QueryError(f"{name}: missing required param {p.name!r} (--param {p.name}=…)")
            continue
        bindings[p.name] = bind_param(p, value, resolve, prefixes)

    cached = False
    try:
        if isinstance(store, Store):  # a bare pyoxigraph Store: our own deadline
            _kind, columns, rows = _with_timeout(lambda: _select_raw(store, sparql, bindings, None), timeout)
        else:  # a GraphStore enforces the timeout itself
            kept = getattr(store, "result_cache", None) if cache and is_repeatable(sparql) else None
            (_kind, columns, rows), cached = cached_run(
                kept, sparql, {k: str(v) for k, v in bindings.items()},
                lambda: _select_raw(store, sparql, bindings, timeout), time.perf_counter)
    except QueryError:
        raise
    except Exception as exc:
        raise _query_error(exc, name, timeout) from None
    return Result(columns=columns, rows=Rows.of(columns, rows), cached=cached)


def warm(store: Any, resolve: Callable[[str], str | None] | None = None,
         timeout: float | None = 600) -> list[dict[str, Any]]:
    """Run once each saved query that needs no parameter, so that an embedded store
    keeps the slow results (``kg warm``); one row per query: rows, seconds, whether
    it was read back, and a note (a parameter it needs, or ``error: …``)."""
    out: list[dict[str, Any]] = []
    for name, saved in sorted(discover().items()):
        row: dict[str, Any] = {"query": name, "rows": None, "seconds": None, "read_back": None, "note": None}
        missing = [p.name for p in saved.params if p.required and p.default is None]
        if missing:
            row["note"] = f"needs --param {missing[0]}"
        else:
            t0 = time.perf_counter()
            try:
                result = run(store, saved, {}, resolve=resolve, timeout=timeout)
                row.update(rows=len(result.rows), read_back=result.cached)
            except QueryError as exc:
                row["note"] = f"error: {exc}"
            row["seconds"] = round(time.perf_counter() - t0, 3)
        out.append(row)
    return out
