"""Namespaces, IRIs and the predicate ↔ class ↔ property table (one place)."""

from __future__ import annotations

import hashlib

BASE = "https://w3id.org/kg/"
KG = BASE + "ontology#"
ENT = BASE + "entity/"
FACT = BASE + "fact/"
MENTION = BASE + "mention/"
DOC = BASE + "doc/"
GRAPH = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH + "ontology"
GAZETTEER_GRAPH = GRAPH + "gazetteer"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
WD = "http://www.wikidata.org/entity/"

PREFIXES: dict[str, str] = {
    "kg": KG, "ent": ENT, "fact": FACT, "mention": MENTION, "doc": DOC,
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS,
    "prov": PROV, "dcterms": DCTERMS, "schema": SCHEMA, "wd": WD,
}

#: predicate → (event class local name, shortcut property local name or None)
PREDICATE_TABLE: dict[str, tuple[str, str | None]] = {
    "applies_to": ("Application", "appliesTo"),
    "launches_on": ("PlatformLaunch", "launchesOn"),
    "suspends": ("Suspension", "suspends"),
    "blocks": ("Blocking", "blocks"),
    "unblocks": ("Unblocking", "unblocks"),
    "fines": ("Fine", "fines"),
    "investigates": ("Investigation", "investigates"),
    "orders": ("Order", "orders"),
    "owns": ("Ownership", "owns"),
    "acquires": ("Acquisition", "acquires"),
    "invests_in": ("Investment", "investsIn"),
    "competes_with": ("Competition", "competesWith"),
    "supports_payment": ("PaymentSupport", "supportsPayment"),
    "cooperates_with": ("Cooperation", "cooperatesWith"),
    "launches": ("ProductLaunch", "launches"),
    "holds_position": ("Position", "holdsPosition"),
    "reports_metric": ("MetricReport", None),
}


def short_hash(*parts: object, length: int = 16) -> str:
    """A stable hex digest of ``parts`` (joined with a separator that never occurs in text)."""
    h = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


def doc_iri(doc_id: str) -> str:
    """The IRI of a document, which is also the name of its graph."""
    return DOC + short_hash(doc_id)


def discovered_entity_iri(label: str) -> str:
    """The minted IRI of an entity found in text but absent from the gazetteer."""
    return ENT + "x-" + short_hash(label, length=12)


#: The optional attributes of an event node (SPARQL variables carry the same names).
FACT_DETAILS: tuple[str, ...] = ("date", "amount", "unit", "status", "modality", "confidence", "role", "metric",
                                 "means")


def optional_details(node: str, names: tuple[str, ...] = FACT_DETAILS, indent: str = "    ") -> str:
    """``OPTIONAL { ?e kg:date ?date }`` … one line per attribute, for the fact queries."""
    return "\n".join(f"{indent}OPTIONAL {{ {node} kg:{name} ?{name} }}" for name in names)


def column(node: str, prop: str, var: str, graph: str | None = None, *, optional: bool = False,
           where: str = "") -> str:
    """One property over the whole store as its own sub-select, for queries that read
    most facts: ``{ SELECT ?e ?date WHERE { GRAPH ?anyGraph { ?e kg:date ?date } } }``.

    Oxigraph joins such blocks by hashing (one scan of each property) instead of
    probing its index once per fact; reading every fact of a 5M-quad store
    becomes 5-10 times faster.  Fact and mention IRIs embed their document's id,
    so they are keyed by the node alone (faster); pass ``graph`` (e.g. ``?doc``)
    to also bind and join on the document graph, and ``where`` (e.g. a FILTER) to
    keep only some values before the join."""
    projected = " ".join(dict.fromkeys((node, graph or node, var)))
    block = (f"{{ SELECT {projected} WHERE {{ GRAPH {graph or '?anyGraph'} "
             f"{{ {node} {prop} {var} }}{' ' + where if where else ''} }} }}")
    return ("OPTIONAL " + block) if optional else block

