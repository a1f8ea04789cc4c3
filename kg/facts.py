"""The public fact table (``/work/shared/contract/facts.md``): one row per fact mention.

Column names and their order are a contract: :data:`COLUMNS` lists them, the
contract's columns first, then the extra ``role``, ``metric`` and ``means``
(always present, ``None`` when unset).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Iterator, Sequence

from pyoxigraph import Literal

from kg.models import SYMMETRIC_PREDICATES
from kg.scan import document_slices
from kg.store import GraphStore, to_python
from kg.entity_info import entity_info
from kg.gcpause import collector_paused
from kg.vocabulary import FACT_DETAILS, KG, column, optional_details

__all__ = ["COLUMNS", "CONTRACT_COLUMNS", "EXTRA_COLUMNS", "FACTS_QUERY", "fact_rows", "merge_rows",
           "rows_columns"]

CONTRACT_COLUMNS: tuple[str, ...] = (
    "fact_id", "subject", "subject_id", "subject_type", "predicate", "object", "object_id",
    "object_type", "wikidata", "date", "amount", "unit", "status", "modality", "confidence",
    "source", "doc_date", "sentence", "span", "rule",
)
EXTRA_COLUMNS: tuple[str, ...] = ("role", "metric", "means")
COLUMNS: tuple[str, ...] = CONTRACT_COLUMNS + EXTRA_COLUMNS

# Two queries instead of one (3-4× faster at scale): the facts with their own
# attributes, then the labels, types and Wikidata ids of the entities they
# mention, joined in Python (kg.entity_info).  Entity lookups as nested
# OPTIONALs of the fact query were evaluated once per fact.
_PROJECTION = """SELECT ?e ?pred ?src ?sent ?start ?end ?rule ?s ?o ?docDate ?date ?amount ?unit ?status
       ?modality ?confidence ?role ?metric ?means"""
_MENTION = (("?m", "kg:sentence", "?sent"), ("?m", "kg:start", "?start"), ("?m", "kg:end", "?end"),
            ("?m", "kg:rule", "?rule"))

# For a filtered table (one predicate, one source): the index is probed per fact,
# the mandatory part first and every OPTIONAL inside the fact's own graph.
FACTS_QUERY = _PROJECTION + """
WHERE {
  GRAPH ?g {
    ?e kg:predicate ?pred ;
       prov:wasDerivedFrom ?m .
    ?m kg:sentence ?sent ; kg:start ?start ; kg:end ?end ; kg:rule ?rule .
    ?g kg:sourceId ?src .
    OPTIONAL { ?g kg:docDate ?docDate }
""" + optional_details("?e") + """
    OPTIONAL { ?e kg:subject ?s }
    OPTIONAL { ?e kg:object ?o }
  }
}
"""


def _scan_query(graph: str | None = None, where: str = "") -> str:
    """The whole table, each property read in one scan and hash-joined.  With
    ``graph="?g"`` and ``where`` a ``VALUES ?g {…}`` block, only those documents."""
    def col(node: str, prop: str, var: str, in_graph: str | None = graph, optional: bool = False) -> str:
        return "  " + column(node, prop, var, in_graph, optional=optional, where=where)

    return _PROJECTION + "\nWHERE {\n" + "\n".join((
        col("?e", "kg:predicate", "?pred", "?g"), col("?g", "kg:sourceId", "?src", "?g"),
        col("?e", "prov:wasDerivedFrom", "?m"), *(col(*m) for m in _MENTION),
        col("?g", "kg:docDate", "?docDate", "?g", optional=True),
        col("?e", "kg:subject", "?s", optional=True), col("?e", "kg:object", "?o", optional=True),
        *(col("?e", f"kg:{n}", f"?{n}", optional=True) for n in FACT_DETAILS),
    )) + "\n}\n"


# For the whole table: each property is read in one scan and hash-joined.
FACTS_SCAN_QUERY = _scan_query()

_ENTITY_COLUMNS = (("label", "Label"), ("type", "Type"), ("q", "Q"))


def _entity_columns(store: GraphStore, iris: set[str]) -> dict[str, dict[str, Any]]:
    """IRI → {"label", "type", "q"}: the smallest (as N-Triples text) of the Chinese
    labels, the kg: classes and the Wikidata ids, as terms (so every store agrees)."""
    out: dict[str, dict[str, Any]] = {}
    for iri, info in entity_info(store, iris).items():
        types = [t for t in info.types if t.value.startswith(KG)]
        out[iri] = {"label": _smallest(info.labels_in("zh")), "type": _smallest(types),
                    "q": _smallest(info.wikidata)}
    return out


def _smallest(terms: Iterable[Any]) -> Any:
    return min(terms, key=str, default=None)


def _number(term: Any) -> int | float | None:
    """An amount: int when integral, else float (exact decimal parsing, no float noise)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        try:
            d = Decimal(term.value)
        except InvalidOperation:
            return None
        if not d.is_finite():
            return float(d)
        return int(d) if d == d.to_integral_value() else float(d)
    return term


def _local(iri: str | None) -> str | None:
    if iri is None:
        return None
    return iri[len(KG):] if iri.startswith(KG) else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@collector_paused()
def fact_rows(store: GraphStore, predicate: str | None = None,
              source: str | None = None) -> list[dict[str, Any]]:
    """Every fact mention as a row with exactly :data:`COLUMNS`, in that order.

    Sorted by source, span start, predicate (then fact id).
    """
    bindings: dict[str, Any] = {}
    if predicate is not None:
        bindings["pred"] = Literal(predicate)
    if source is not None:
        bindings["src"] = Literal(source)
    batches = [store.query(FACTS_QUERY, bindings, raw=True)] if bindings else _scan_batches(store)
    # Each batch becomes plain values at once (RDF terms take several times the memory).
    records: dict[str, dict[str, Any]] = {}
    for raw in batches:  # all the rows of a fact come in one batch: its document's
        for fid, r in _first_rows(raw).items():  # type: ignore[arg-type]
            records[fid] = {**{k: to_python(v) for k, v in r.items() if k != "amount"},
                            "amount": _number(r["amount"])}
    info = _entity_columns(store, {v for r in records.values() for v in (r["s"], r["o"]) if v is not None})
    none = {"label": None, "type": None, "q": None}
    rows = [_row(fid, r, info.get(r["s"], none), info.get(r["o"], none)) for fid, r in records.items()]
    rows.sort(key=lambda row: (row["source"], row["span"][0], row["predicate"], row["fact_id"]))
    return rows


def _first_rows(raw: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Fact IRI → its first row, with the earliest document date of all its rows."""
    by_fact: dict[str, dict[str, Any]] = {}
    for r in raw:
        fid = r["e"].value
        known = by_fact.get(fid)
        if known is None:
            by_fact[fid] = r
            continue
        new, old = r["docDate"], known["docDate"]
        if new is not None and (old is None or str(new) < str(old)):
            known["docDate"] = new
    return by_fact


def _row(fid: str, py: dict[str, Any], subject: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """One row of the table from a fact's plain values and its two entities' columns."""
    return {
        "fact_id": fid,
        "subject": to_python(subject["label"]),
        "subject_id": py["s"],
        "subject_type": _local(to_python(subject["type"])),
        "predicate": py["pred"],
        "object": to_python(obj["label"]),
        "object_id": py["o"],
        "object_type": _local(to_python(obj["type"])),
        "wikidata": {"subject": to_python(subject["q"]), "object": to_python(obj["q"])},
        "date": py["date"],
        "amount": py["amount"],
        "unit": py["unit"],
        "status": py["status"],
        "modality": py["modality"] or "asserted",
        "confidence": float(py["confidence"]) if py["confidence"] is not None else None,
        "source": py["src"],
        "doc_date": py["docDate"],
        "sentence": py["sent"],
        "span": [int(py["start"]), int(py["end"])],
        "rule": py["rule"],
        "role": py["role"],
        "metric": py["metric"],
        "means": py["means"],
    }


def _scan_batches(store: GraphStore) -> Iterator[list[dict[str, Any]]]:
    """The raw rows of every fact: one hash join, or one per slice of documents
    in a big embedded store (:mod:`kg.scan`)."""
    for values in document_slices(store, "?g"):
        yield store.query(_scan_query("?g" if values else None, values), raw=True)  # type: ignore[misc]


def _merge_key(row: dict[str, Any]) -> tuple[Any, ...]:
    s, o = row["subject_id"], row["object_id"]
    if row["predicate"] in SYMMETRIC_PREDICATES:
        s, o = sorted((s or "", o or ""))
    return (row["predicate"], s, o, row["role"], row["metric"], row["means"],
            row["amount"], row["unit"], row["modality"])


def _better_date(a: str | None, b: str | None) -> str | None:
    """The more precise of two ISO dates (longer string); equally precise: the earlier."""
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b):
        return a if len(a) > len(b) else b
    return min(a, b)


def merge_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per distinct fact, with ``sources`` (sorted, distinct) and ``mentions`` (count).

    Rows merge when (predicate, subject_id, object_id, role, metric, means,
    amount, unit, modality) agree; subject and object are unordered for
    symmetric predicates.  Different amounts or modalities never merge.  The
    merged row is the first mention (by source, span) with: ``date`` the most
    precise one (longest ISO string; between equally precise different dates,
    the earliest), ``confidence`` the maximum, ``status`` the first one set.
    """
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    sources: dict[tuple[Any, ...], set[str]] = {}
    ordered = sorted(rows, key=lambda r: (r["source"], r["span"][0], r["predicate"], r["fact_id"]))
    for row in ordered:
        key = _merge_key(row)
        cur = merged.get(key)
        if cur is None:
            cur = dict(row)
            cur["mentions"] = 0
            merged[key] = cur
            sources[key] = set()
        else:
            cur["date"] = _better_date(cur["date"], row["date"])
            if row["confidence"] is not None and (
                    cur["confidence"] is None or row["confidence"] > cur["confidence"]):
                cur["confidence"] = row["confidence"]
            if cur["status"] is None:
                cur["status"] = row["status"]
        cur["mentions"] += 1
        sources[key].add(row["source"])
    out = []
    for key, row in merged.items():
        row["sources"] = sorted(sources[key])
        out.append(row)
    return out


def rows_columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The column names of ``rows`` (merged rows add ``sources`` and ``mentions``)."""
    return list(rows[0]) if rows else list(COLUMNS)
