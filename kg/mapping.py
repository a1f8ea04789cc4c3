"""EventFact → RDF quads: one named graph per document, stable IRIs.

The RDF model is the one of ``docs/architecture.md``.  Everything a document
contributes (its ``kg:Document`` node, one event node and one mention node per
fact, the plain shortcut triple, and the descriptions of entities it
discovered) goes into the named graph whose name is the document IRI, so that
re-ingesting a document replaces exactly that graph.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Sequence
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from kg.models import Document, Entity, EventFact
from kg.vocabulary import (
    DCTERMS,
    FACT,
    KG,
    MENTION,
    PREDICATE_TABLE,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
    doc_iri,
    short_hash,
)

__all__ = [
    "date_literal",
    "decimal_lexical",
    "decimal_literal",
    "document_quads",
    "fact_iri",
    "fact_key",
    "mention_iri",
]

# Terms built once (hot path).
_TYPE = NamedNode(RDF + "type")
_XSD_DECIMAL = NamedNode(XSD + "decimal")
_XSD_INTEGER = NamedNode(XSD + "integer")
_XSD_BOOLEAN = NamedNode(XSD + "boolean")
_XSD_DATE = NamedNode(XSD + "date")
_XSD_GYEAR = NamedNode(XSD + "gYear")
_XSD_GYEARMONTH = NamedNode(XSD + "gYearMonth")
_TRUE = Literal("true", datatype=_XSD_BOOLEAN)


def _kg(local: str) -> NamedNode:
    return NamedNode(KG + local)


_P = {name: _kg(name) for name in (
    "sourceId", "contentHash", "docDate", "predicate", "subject", "object", "date",
    "amount", "unit", "status", "modality", "role", "metric", "means", "confidence",
    "sentence", "document", "start", "end", "rule", "discovered",
)}
_DOCUMENT = _kg("Document")
_MENTION_CLASS = _kg("Mention")
_TITLE = NamedNode(DCTERMS + "title")
_URL = NamedNode(SCHEMA + "url")
_DERIVED = NamedNode(PROV + "wasDerivedFrom")
_PREF_LABEL = NamedNode(SKOS + "prefLabel")
_EVENT_CLASS = {p: _kg(cls) for p, (cls, _) in PREDICATE_TABLE.items()}
_SHORTCUT = {p: _kg(prop) for p, (_, prop) in PREDICATE_TABLE.items() if prop}

_YEAR = re.compile(r"^-?\d{4}$")
_YEAR_MONTH = re.compile(r"^-?\d{4}-(0[1-9]|1[0-2])$")
_FULL_DATE = re.compile(r"^-?\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def decimal_lexical(value: float | int | Decimal) -> str | None:
    """The canonical xsd:decimal lexical form of ``value``, without float noise.

    ``repr`` gives the shortest string that round-trips the float, so
    ``18228000000.0 → "18228000000"`` and ``0.165 → "0.165"`` (never
    ``0.16500000000000001`` nor ``1.8228E+10``).  NaN and infinities have no
    decimal form: ``None``.
    """
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        try:
            d = Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a finite float always parses
            return None
    else:
        d = value
        if not d.is_finite():
            return None
    if d == d.to_integral_value():
        return str(int(d))
    text = format(d.normalize(), "f")
    return text


def decimal_literal(value: float | int | Decimal) -> Literal | None:
    """An ``xsd:decimal`` literal of ``value`` (``None`` when not finite)."""
    lex = decimal_lexical(value)
    return None if lex is None else Literal(lex, datatype=_XSD_DECIMAL)


def date_literal(value: str) -> Literal:
    """A date typed by its precision: xsd:gYear, xsd:gYearMonth or xsd:date.

    Anything else (which the extractor should never produce) stays a plain
    string rather than becoming an ill-typed literal.
    """
    value = value.strip()
    if _FULL_DATE.match(value):
        return Literal(value, datatype=_XSD_DATE)
    if _YEAR_MONTH.match(value):
        return Literal(value, datatype=_XSD_GYEARMONTH)
    if _YEAR.match(value):
        return Literal(value, datatype=_XSD_GYEAR)
    return Literal(value)


def fact_key(fact: EventFact) -> tuple[object, ...]:
    """The parts hashed into a fact's IRI (see :func:`fact_iri`)."""
    return (
        fact.doc_id, fact.span[0], fact.span[1], fact.predicate,
        fact.subject.iri if fact.subject else None,
        fact.object.iri if fact.object else None,
        fact.rule, fact.role, fact.metric,
    )


def fact_iri(fact: EventFact) -> str:
    """``fact:<16 hex>`` of (doc id, span, predicate, subject, object, rule, role, metric)."""
    return FACT + short_hash(*fact_key(fact))


def mention_iri(fact: EventFact) -> str:
    """``mention:<same hash as the fact>``."""
    return MENTION + fact_iri(fact)[len(FACT):]


def _payload(fact: EventFact) -> tuple[object, ...]:
    """What distinguishes two facts that share a :func:`fact_key`."""
    return (fact.date, fact.amount, fact.unit, fact.status, fact.modality, fact.means)


def _iri_node(value: str) -> NamedNode:
    """A NamedNode for a URL from the wild: percent-encode what an IRI may not contain."""
    try:
        return NamedNode(value)
    except ValueError:
        return NamedNode(quote(value, safe=":/?#[]@!$&'()*+,;=%~-._"))


def _entity_quads(entity: Entity, graph: NamedNode, out: list[Quad]) -> None:
    node = NamedNode(entity.iri)
    out.append(Quad(node, _TYPE, _kg(entity.type), graph))
    out.append(Quad(node, _PREF_LABEL, Literal(entity.label, language="zh"), graph))
    out.append(Quad(node, _P["discovered"], _TRUE, graph))
    conf = decimal_literal(entity.confidence)
    if conf is not None:
        out.append(Quad(node, _P["confidence"], conf, graph))


def document_quads(doc: Document, facts: Sequence[EventFact]) -> list[Quad]:
    """All quads of one document, in its named graph (the document IRI).

    Stable: the same document and facts give the same quads (same IRIs, same
    order, no duplicates).  Two facts with the same :func:`fact_key` and the
    same payload (date, amount, unit, status, modality, means) collapse into
    one event; if the payload differs, the later one gets an IRI that also
    hashes its payload, so no fact is lost and IRIs stay deterministic.
    """
    g = NamedNode(doc_iri(doc.id))
    out: list[Quad] = []
    add = out.append

    add(Quad(g, _TYPE, _DOCUMENT, g))
    add(Quad(g, _P["sourceId"], Literal(doc.id), g))
    if doc.content_hash:
        add(Quad(g, _P["contentHash"], Literal(doc.content_hash), g))
    if doc.title:
        add(Quad(g, _TITLE, Literal(doc.title), g))
    doc_date = doc.date or next((f.doc_date for f in facts if f.doc_date), None)
    if doc_date:
        add(Quad(g, _P["docDate"], date_literal(doc_date), g))
    if doc.url:
        add(Quad(g, _URL, _iri_node(doc.url), g))

    seen_keys: dict[tuple[object, ...], set[tuple[object, ...]]] = {}
    described: set[str] = set()
    for fact in facts:
        if fact.predicate not in PREDICATE_TABLE:
            raise ValueError(f"unknown predicate {fact.predicate!r} in {fact.doc_id}")
        key = fact_key(fact)
        payload = _payload(fact)
        payloads = seen_keys.setdefault(key, set())
        if payload in payloads:
            continue  # the same fact twice from the same sentence and rule
        h = short_hash(*key) if not payloads else short_hash(*key, *payload)
        payloads.add(payload)

        ev = NamedNode(FACT + h)
        mn = NamedNode(MENTION + h)
        add(Quad(ev, _TYPE, _EVENT_CLASS[fact.predicate], g))
        add(Quad(ev, _P["predicate"], Literal(fact.predicate), g))
        if fact.subject is not None:
            add(Quad(ev, _P["subject"], NamedNode(fact.subject.iri), g))
        if fact.object is not None:
            add(Quad(ev, _P["object"], NamedNode(fact.object.iri), g))
        if fact.date:
            add(Quad(ev, _P["date"], date_literal(fact.date), g))
        if fact.amount is not None:
            amount = decimal_literal(fact.amount)
            if amount is not None:
                add(Quad(ev, _P["amount"], amount, g))
        for name in ("unit", "status", "modality", "role", "metric", "means"):
            value = getattr(fact, name)
            if value:
                add(Quad(ev, _P[name], Literal(value), g))
        conf = decimal_literal(fact.confidence)
        if conf is not None:
            add(Quad(ev, _P["confidence"], conf, g))
        add(Quad(ev, _DERIVED, mn, g))

        add(Quad(mn, _TYPE, _MENTION_CLASS, g))
        add(Quad(mn, _P["sentence"], Literal(fact.sentence), g))
        add(Quad(mn, _P["document"], g, g))
        add(Quad(mn, _P["start"], Literal(str(int(fact.span[0])), datatype=_XSD_INTEGER), g))
        add(Quad(mn, _P["end"], Literal(str(int(fact.span[1])), datatype=_XSD_INTEGER), g))
        add(Quad(mn, _P["rule"], Literal(fact.rule), g))
        if conf is not None:
            add(Quad(mn, _P["confidence"], conf, g))

        shortcut = _SHORTCUT.get(fact.predicate)
        if shortcut is not None and fact.subject is not None and fact.object is not None:
            add(Quad(NamedNode(fact.subject.iri), shortcut, NamedNode(fact.object.iri), g))

        for entity in (fact.subject, fact.object):
            if entity is not None and entity.discovered and entity.iri not in described:
                described.add(entity.iri)
                _entity_quads(entity, g, out)

    # Drop exact duplicates (e.g. the same shortcut triple from two facts), keep order.
    return list(dict.fromkeys(out))
