"""The RDF graph projected onto a ``networkx.MultiDiGraph``.

Collapsed projection (the default)
----------------------------------
* **Nodes** are entities, keyed by their IRI: every entity that is the subject
  or the object of a fact passing the filters.  Attributes (always present,
  plain ``str``/``int``/``bool``, never ``None``): ``label`` (the Chinese
  ``skos:prefLabel``, else the English one, else the IRI's local name),
  ``type`` (class local name, ``""`` when unknown), ``wikidata`` (``"Q…"`` or
  ``""``), ``iri``, ``kind`` (``"entity"``), ``discovered`` (bool), ``facts``
  (number of fact mentions touching the node) and ``first_date`` /
  ``last_date`` (ISO dates of its first and last dated fact, ``""`` when none).
  Degree is left to consumers (``G.degree``).
* **Edges** are facts with both a subject and an object, *merged across
  mentions*: fact nodes (one per mention in the store) with the same subject,
  predicate, object, date, amount, unit, status, modality, means, role and
  metric become one edge.  For the symmetric predicates (``competes_with``,
  ``cooperates_with``) the two directions merge, oriented by IRI order.  The
  edge key is the smallest fact IRI of the group (stable across rebuilds).
  Attributes: ``label`` and ``predicate`` (the relation name), ``date``,
  ``start``/``end`` (the first and last day the date covers: ``2021`` →
  ``2021-01-01``/``2021-12-31``), ``modality``, ``status``, ``means``,
  ``role``, ``metric``, ``unit`` (``""`` when absent), ``amount`` (``float``,
  only when known), ``confidence`` (the highest, ``float``), ``weight``
  (number of supporting mentions, ``int``), ``documents`` (number of distinct
  documents), ``sources`` (sorted document ids joined with ``"; "``) and
  ``fact`` (the key again, for writers that drop keys).
* **Facts without an object** (``reports_metric``) **or without a subject**
  (``suspends`` by nobody named) are not edges: there is nothing to connect.
  Their entity still becomes a node (it has facts) and they count in its
  ``facts`` attribute.  Use ``events_as_nodes=True`` to see them.

Bipartite projection (``events_as_nodes=True``)
-----------------------------------------------
Entity nodes as above plus one event node per merged fact group (key = the
edge key above, ``kind="event"``, ``type`` = event class, ``label`` =
predicate and the other edge attributes), with edges ``subject → event``
(``label="subject"``) and ``event → object`` (``label="object"``).  Facts with
a null side simply lack that edge.

Filters apply to facts before merging: ``predicates`` (names), ``since`` /
``until`` (ISO dates of any precision; a fact is kept when its date interval
overlaps; undated facts are dropped when either is given),
``min_confidence`` and ``modality`` (a name or several).
"""

from __future__ import annotations

import calendar
import re
from typing import Any, Iterable

import networkx as nx
from pyoxigraph import Literal

from kg.models import SYMMETRIC_PREDICATES
from kg.queries import select
from kg.entity_info import entity_info
from kg.gcpause import collector_paused
from kg.scan import document_slices
from kg.vocabulary import FACT_DETAILS, KG, PREDICATE_TABLE, column

__all__ = ["FACTS_SPARQL", "facts_sparql", "date_interval", "fact_groups", "to_networkx"]

def facts_sparql(predicates: set[str] | None = None, lo: str | None = None, hi: str | None = None,
                 documents: str = "") -> str:
    """The query that reads every fact: each property is one scan, hash-joined (see
    :func:`kg.vocabulary.column`).  Predicate and date filters run inside the scans,
    so fewer rows are joined and converted; they keep a superset of what the
    Python filters of :func:`fact_groups` keep, and those still decide.
    ``documents``: a ``VALUES ?doc {…}`` block (:mod:`kg.scan`) to read only those."""
    predicate_test = ""
    if predicates is not None:
        names = ", ".join(str(Literal(p)) for p in sorted(predicates)) or '""'
        predicate_test = f"FILTER(?predicate IN ({names}))"
    date_test = ""
    if lo or hi:
        # A date of any precision overlaps [lo, hi] when it is not after hi and not
        # before lo, compared on as many characters as the date has.
        tests = []
        if hi:
            tests.append(f"STR(?date) <= SUBSTR({Literal(hi)}, 1, STRLEN(STR(?date)))")
        if lo:
            tests.append(f"STR(?date) >= SUBSTR({Literal(lo)}, 1, STRLEN(STR(?date)))")
        date_test = 'FILTER(!REGEX(STR(?date), "^[0-9]{4}") || (' + " && ".join(tests) + "))"
    in_doc = "?doc" if documents else None  # a slice: every column joins on the document too

    def col(node: str, prop: str, var: str, graph: str | None = in_doc, optional: bool = False,
            test: str = "") -> str:
        return "  " + column(node, prop, var, graph, optional=optional, where=" ".join(filter(None, (test, documents))))

    others = ("subject", "object") + tuple(n for n in FACT_DETAILS if n != "date")
    return "\n".join([
        "PREFIX kg: <https://w3id.org/kg/ontology#>",
        "SELECT ?fact ?predicate ?subject ?object ?date ?amount ?unit ?status ?modality",
        "       ?role ?metric ?means ?confidence ?source ?docDate",
        "WHERE {",
        col("?fact", "kg:predicate", "?predicate", "?doc", test=predicate_test),
        col("?fact", "kg:date", "?date", optional=not date_test, test=date_test),
        col("?doc", "kg:sourceId", "?source", "?doc"),
        col("?doc", "kg:docDate", "?docDate", "?doc", optional=True),
        *(col("?fact", f"kg:{n}", f"?{n}", optional=True) for n in others),
        "}",
    ])


#: Every fact, unfiltered.
FACTS_SPARQL = facts_sparql()


_EDGE_STR_ATTRS = ("modality", "status", "means", "role", "metric", "unit")
_EVENT_CLASS = {p: cls for p, (cls, _) in PREDICATE_TABLE.items()}
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Generic classes lose against a more specific one when an entity has several.
_GENERIC = {"Organization", "Product", "Agent", "Thing", "Entity"}


def date_interval(value: str | None) -> tuple[str, str] | None:
    """``"2021"`` → ``("2021-01-01", "2021-12-31")``; ``"2021-02"`` → ``("2021-02-01",
    "2021-02-28")``; a full date → itself twice; anything else → ``None``."""
    if not value:
        return None
    m = _DATE.match(str(value).strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        y = int(year)
        if month is None:
            return f"{year}-01-01", f"{year}-12-31"
        mo = int(month)
        if not 1 <= mo <= 12:
            return None
        if day is None:
            last = calendar.monthrange(y, mo)[1] if y > 0 else 31
            return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
        d = int(day)
        if not 1 <= d <= (calendar.monthrange(y, mo)[1] if y > 0 else 31):
            return None
    except ValueError:
        return None
    return f"{year}-{month}-{day}", f"{year}-{month}-{day}"


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] if iri else ""


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {v.strip() for v in value.split(",") if v.strip()}
    return {str(v) for v in value}


def fact_groups(
    store: Any,
    *,
    predicates: str | Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    min_confidence: float | None = None,
    modality: str | Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Facts of the store passing the filters, merged across mentions (see the module
    docstring); each group is a dict of plain values with ``subject``/``object`` IRIs
    (``""`` when null), in a stable order."""
    preds = _as_set(predicates)
    mods = _as_set(modality)
    lo = date_interval(since)[0] if since and date_interval(since) else None
    hi = date_interval(until)[1] if until and date_interval(until) else None
    if since and lo is None:
        raise ValueError(f"bad --since date {since!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    if until and hi is None:
        raise ValueError(f"bad --until date {until!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")

    # One row per fact (mention): a fact has one mention and so one source.
    facts: dict[str, dict[str, Any]] = {}
    rows = (row for documents in document_slices(store, "?doc")
            for row in select(store, facts_sparql(preds, lo, hi, documents), timeout=0))
    for row in rows:
        iri = _str(row.get("fact"))
        if not iri or iri in facts:
            continue
        predicate = _str(row.get("predicate"))
        if preds is not None and predicate not in preds:
            continue
        mod = _str(row.get("modality"))
        if mods is not None and mod not in mods:
            continue
        conf = _float(row.get("confidence"))
        if min_confidence is not None and (conf if conf is not None else 1.0) < min_confidence:
            continue
        date = _str(row.get("date"))
        interval = date_interval(date)
        if lo or hi:
            if interval is None:
                continue
            if lo and interval[1] < lo:
                continue
            if hi and interval[0] > hi:
                continue
        facts[iri] = {
            "fact": iri, "predicate": predicate,
            "subject": _str(row.get("subject")), "object": _str(row.get("object")),
            "date": date, "interval": interval, "amount": _float(row.get("amount")),
            "confidence": conf, "source": _str(row.get("source")),
            "doc_date": _str(row.get("docDate")),
            **{k: _str(row.get(k)) for k in _EDGE_STR_ATTRS},
            "modality": mod,
        }

    groups: dict[tuple, dict[str, Any]] = {}
    for iri in sorted(facts):
        f = facts[iri]
        s, o = f["subject"], f["object"]
        if f["predicate"] in SYMMETRIC_PREDICATES and s and o and o < s:
            s, o = o, s
        key = (s, f["predicate"], o, f["date"], f["amount"], *(f[k] for k in _EDGE_STR_ATTRS))
        g = groups.get(key)
        if g is None:
            groups[key] = g = {
                "key": iri, "predicate": f["predicate"], "subject": s, "object": o,
                "date": f["date"], "interval": f["interval"], "amount": f["amount"],
                **{k: f[k] for k in _EDGE_STR_ATTRS},
                "confidence": f["confidence"], "facts": [], "sources": set(), "reported": "",
            }
        g["facts"].append(iri)
        if f["source"]:
            g["sources"].add(f["source"])
        iv = date_interval(f["doc_date"])
        if iv and (not g["reported"] or iv[0] < g["reported"]):
            g["reported"] = iv[0]
        if f["confidence"] is not None and (g["confidence"] is None or f["confidence"] > g["confidence"]):
            g["confidence"] = f["confidence"]
    return list(groups.values())


def _entity_info(store: Any, iris: set[str]) -> dict[str, dict[str, Any]]:
    """IRI → labels by language (plain strings), kg: class local names, Wikidata id, discovered."""
    info: dict[str, dict[str, Any]] = {}
    for iri, e in entity_info(store, iris).items():
        labels: dict[str, set[str]] = {}
        for label in e.labels:
            labels.setdefault((getattr(label, "language", None) or "").lower(), set()).add(
                getattr(label, "value", str(label)))
        types = {t.value[len(KG):] for t in e.types if getattr(t, "value", "").startswith(KG)}
        wikidata = min((getattr(q, "value", str(q)) for q in e.wikidata), default="")
        info[iri] = {"labels": labels, "types": types, "wikidata": wikidata, "discovered": e.discovered}
    return info


def _pick_label(iri: str, labels: dict[str, set[str]]) -> str:
    for lang in ("zh", "zh-hans", "zh-cn", "", "en"):
        if labels.get(lang):
            return sorted(labels[lang])[0]
    for lang in sorted(labels):
        if labels[lang]:
            return sorted(labels[lang])[0]
    return _local_name(iri)


def _pick_type(types: set[str]) -> str:
    specific = sorted(t for t in types if t not in _GENERIC and t != "Document")
    if specific:
        return specific[0]
    return sorted(types)[0] if types else ""


def _edge_attrs(g: dict[str, Any]) -> dict[str, Any]:
    start, end = g["interval"] if g["interval"] else ("", "")
    attrs: dict[str, Any] = {
        "label": g["predicate"], "predicate": g["predicate"], "date": g["date"],
        "start": start, "end": end,
        **{k: g[k] for k in _EDGE_STR_ATTRS},
        "weight": len(g["facts"]), "documents": len(g["sources"]),
        "sources": "; ".join(sorted(g["sources"])), "fact": g["key"],
        "reported": g["reported"],
    }
    if g["amount"] is not None:
        attrs["amount"] = float(g["amount"])
    attrs["confidence"] = float(g["confidence"]) if g["confidence"] is not None else 1.0
    return attrs


@collector_paused()
def to_networkx(
    store: Any,
    *,
    predicates: str | Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    min_confidence: float | None = None,
    modality: str | Iterable[str] | None = None,
    events_as_nodes: bool = False,
) -> nx.MultiDiGraph:
    """The store as a ``networkx.MultiDiGraph`` (see the module docstring).

    ``store`` is a :class:`kg.store.GraphStore` or a pyoxigraph ``Store``.
    Node ids are entity (and event) IRIs; all attribute values are plain
    ``str``, ``int``, ``float`` or ``bool``, never ``None``.
    """
    groups = fact_groups(store, predicates=predicates, since=since, until=until,
                         min_confidence=min_confidence, modality=modality)
    info = _entity_info(store, {e for g in groups for e in (g["subject"], g["object"]) if e})
    G = nx.MultiDiGraph()
    G.graph.update({"name": "kg", "projection": "events" if events_as_nodes else "entities"})

    # Entity nodes: every subject or object of a kept fact, in a stable order.
    touch: dict[str, list[str]] = {}
    count: dict[str, int] = {}
    for g in groups:
        for e in (g["subject"], g["object"]):
            if e:
                count[e] = count.get(e, 0) + len(g["facts"])
                if g["interval"]:
                    touch.setdefault(e, []).extend(g["interval"])
                else:
                    touch.setdefault(e, [])
    for e in sorted(count):
        d = info.get(e, {"labels": {}, "types": set(), "wikidata": "", "discovered": False})
        dates = sorted(touch.get(e, []))
        G.add_node(
            e, label=_pick_label(e, d["labels"]), type=_pick_type(d["types"]),
            wikidata=d["wikidata"], iri=e, kind="entity", discovered=bool(d["discovered"]),
            facts=count[e], first_date=dates[0] if dates else "", last_date=dates[-1] if dates else "",
        )

    for g in groups:
        attrs = _edge_attrs(g)
        s, o = g["subject"], g["object"]
        if events_as_nodes:
            ev = g["key"]
            node_attrs = dict(attrs)
            node_attrs.update(type=_EVENT_CLASS.get(g["predicate"], "Event"), kind="event", iri=ev,
                              wikidata="", discovered=False, facts=len(g["facts"]),
                              first_date=attrs["start"], last_date=attrs["end"])
            G.add_node(ev, **node_attrs)
            common = {"predicate": g["predicate"], "date": attrs["date"], "start": attrs["start"],
                      "end": attrs["end"], "reported": attrs["reported"], "weight": attrs["weight"],
                      "fact": ev}
            if s:
                G.add_edge(s, ev, key=ev + "#subject", label="subject", role_of="subject", **common)
            if o:
                G.add_edge(ev, o, key=ev + "#object", label="object", role_of="object", **common)
        elif s and o:
            G.add_edge(s, o, key=g["key"], **attrs)
    return G
