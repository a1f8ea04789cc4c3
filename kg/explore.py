"""Looking around a built graph: one entity's record, its neighbours, paths between
two entities, and the facts in date order.

Names are resolved to entity IRIs by :func:`resolve`: an IRI (``<…>``,
``https://…``) or prefixed name (``ent:alibaba``), then the gazetteer
(:meth:`kg.lexicon.Gazetteer.lookup`: every label and alias, case-insensitive
for Latin letters, ``ent:`` local names), then ``skos:prefLabel`` /
``skos:altLabel`` in the store (discovered entities).  An unknown name raises
:class:`UnknownEntity` with up to five close labels as suggestions.

Paths and neighbours walk the entity graph without regard to direction: the
collapsed projection of :mod:`kg.project` (one edge per distinct fact with a
subject and an object) plus the gazetteer's ``kg:ownedBy`` links (as ``owns``
from the owner, marked ``gazetteer``), so that 闲鱼 is one step from 阿里巴巴
even when no article says so.  Each step keeps the relations and their
direction.

Every function takes a :class:`kg.store.GraphStore` or a pyoxigraph ``Store``
and returns plain Python values (dicts, lists, str, int, float).
"""

from __future__ import annotations

import difflib
from collections import deque
from typing import Any, Iterable

import networkx as nx
from pyoxigraph import Literal, NamedNode

from kg.project import date_interval, to_networkx
from kg.queries import QueryError, bind_param, Param, select
from kg.vocabulary import ENT, KG, PREFIXES, SKOS

__all__ = ["UnknownEntity", "entity_record", "entity_graph", "label_of", "neighbors", "paths",
           "resolve", "timeline"]


class UnknownEntity(QueryError):
    """A name that is no entity of the graph (one line, with suggestions)."""


# --------------------------------------------------------------------------- resolving names

_LABELS_SPARQL = f"""
SELECT DISTINCT ?e ?label WHERE {{
  ?e <{SKOS}prefLabel>|<{SKOS}altLabel> ?l .
  BIND(STR(?l) AS ?label)
}}
"""

_EXISTS_SPARQL = "SELECT ?p WHERE { { ?e ?p ?o } UNION { ?s ?p ?e } } LIMIT 1"


def _gazetteer(gazetteer: Any = None) -> Any:
    if gazetteer is not None:
        return gazetteer
    from kg.lexicon import load_gazetteer

    return load_gazetteer()


def _known(store: Any, iri: str) -> bool:
    return bool(select(store, _EXISTS_SPARQL, {"e": NamedNode(iri)}))


def suggestions(store: Any, name: str, gazetteer: Any = None, n: int = 5) -> list[str]:
    """Up to ``n`` preferred labels of entities with a label close to ``name``
    (labels containing it or contained in it first, then by similarity)."""
    gaz = _gazetteer(gazetteer)
    owner: dict[str, str] = dict(getattr(gaz, "alias_index", {}) or {})
    for r in select(store, _LABELS_SPARQL):
        if r.get("label") and r.get("e"):
            owner.setdefault(str(r["label"]), str(r["e"]))
    name = name.strip()
    folded = name.casefold()
    labels = sorted(owner)
    contained = sorted((lab for lab in labels if folded and len(lab) > 1
                        and (folded in lab.casefold() or lab.casefold() in folded)),
                       key=lambda lab: (abs(len(lab) - len(name)), lab))
    close = difflib.get_close_matches(name, labels, n=3 * n, cutoff=0.6)
    entities = getattr(gaz, "entities", {}) or {}
    out: list[str] = []
    for lab in close[:1] + contained + close[1:]:
        iri = owner[lab]
        pref = entities[iri].label if iri in entities else lab
        if pref not in out and pref != name:
            out.append(pref)
    return out[:n]


def resolve(store: Any, name: str, gazetteer: Any = None) -> str:
    """The IRI of the entity called ``name`` (see the module docstring); raises
    :class:`UnknownEntity` when there is none."""
    text = str(name).strip()
    if not text:
        raise UnknownEntity("an entity name is required")
    gaz = _gazetteer(gazetteer)
    iri: str | None = None
    if text.startswith("<") or "://" in text or (":" in text and text.split(":", 1)[0] in PREFIXES):
        try:
            term = bind_param(Param(name="entity", kind="iri"), text)
        except QueryError:
            term = None
        if isinstance(term, NamedNode) and _known(store, term.value):
            return term.value
    entity = gaz.lookup(text) if hasattr(gaz, "lookup") else None
    if entity is not None:
        iri = entity.iri
    if iri is None or not _known(store, iri):
        # A label in the store: discovered entities, or a graph built with another gazetteer.
        rows = select(store, f"SELECT ?e WHERE {{ ?e <{SKOS}prefLabel>|<{SKOS}altLabel> ?l . "
                             "FILTER(STR(?l) = STR(?label)) } ORDER BY ?e LIMIT 1", {"label": Literal(text)})
        if rows and rows[0].get("e"):
            iri = str(rows[0]["e"])
    if iri is None and not text.startswith("ent:"):
        local = ENT + text
        if _known(store, local):
            iri = local
    if iri is None:
        close = suggestions(store, text, gaz)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownEntity(f"unknown entity {text!r}{hint}")
    return iri


# --------------------------------------------------------------------------- one entity

_RECORD_SPARQL = f"""
PREFIX kg: <{KG}>
PREFIX skos: <{SKOS}>
SELECT ?p ?o ?lang WHERE {{
  ?e ?p ?o .
  FILTER(?p IN (skos:prefLabel, skos:altLabel, <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>,
                kg:wikidata, kg:ownedBy, kg:discovered, kg:confidence))
  BIND(LANG(?o) AS ?lang)
}}
"""

_OWNERSHIP_SPARQL = f"""
PREFIX kg: <{KG}>
SELECT DISTINCT ?other ?role ?how WHERE {{
  {{ ?e kg:ownedBy ?other . BIND("owner" AS ?role) BIND("gazetteer" AS ?how) }}
  UNION {{ ?other kg:ownedBy ?e . BIND("owns" AS ?role) BIND("gazetteer" AS ?how) }}
  UNION {{ ?f kg:predicate "owns" ; kg:object ?e ; kg:subject ?other . BIND("owner" AS ?role) BIND("facts" AS ?how) }}
  UNION {{ ?f kg:predicate "owns" ; kg:subject ?e ; kg:object ?other . BIND("owns" AS ?role) BIND("facts" AS ?how) }}
}}
"""

_LABEL_SPARQL = f"SELECT ?l WHERE {{ ?e <{SKOS}prefLabel> ?l }}"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def label_of(store: Any, iri: str) -> str:
    """The preferred label of ``iri`` (zh first, then any), else its local name."""
    best: tuple[int, str] | None = None
    for row in select(store, "SELECT ?l (LANG(?x) AS ?lang) WHERE { ?e <%sprefLabel> ?x BIND(STR(?x) AS ?l) }"
                      % SKOS, {"e": NamedNode(iri)}):
        lang = str(row.get("lang") or "").lower()
        rank = 0 if lang.startswith("zh") else 1 if lang == "" else 2
        cand = (rank, str(row["l"]))
        if best is None or cand < best:
            best = cand
    return best[1] if best else _local(iri)


def entity_record(store: Any, iri: str) -> dict[str, Any]:
    """Everything the graph says about one entity: ``iri``, ``label``, ``label_en``,
    ``type`` (most specific kg: class), ``types``, ``aliases``, ``wikidata``,
    ``discovered``, ``owners`` and ``owns`` (``{"id", "label", "via"}``, via the
    gazetteer and/or facts) and ``facts``: every fact in and out, in date order,
    with the other entity, date, amount, modality, source and sentence."""
    from kg import queries
    from kg.project import _pick_type  # the same choice as the Gephi export

    labels: dict[str, list[str]] = {}
    aliases: list[str] = []
    types: set[str] = set()
    wikidata = ""
    discovered = False
    for row in select(store, _RECORD_SPARQL, {"e": NamedNode(iri)}):
        p, o, lang = str(row["p"]), row["o"], str(row.get("lang") or "")
        if p == SKOS + "prefLabel":
            labels.setdefault(lang.lower(), []).append(str(o))
        elif p == SKOS + "altLabel":
            aliases.append(str(o))
        elif p.endswith("#type") and str(o).startswith(KG):
            types.add(str(o)[len(KG):])
        elif p == KG + "wikidata":
            wikidata = str(o)
        elif p == KG + "discovered":
            discovered = o is True or str(o).lower() == "true"
    zh = sorted(labels.get("zh", []) or labels.get("zh-hans", []) or labels.get("", []))
    en = sorted(labels.get("en", []))
    label = zh[0] if zh else en[0] if en else _local(iri)
    owners: dict[str, set[str]] = {}
    owns: dict[str, set[str]] = {}
    for row in select(store, _OWNERSHIP_SPARQL, {"e": NamedNode(iri)}):
        other = str(row["other"])
        if other == iri:
            continue
        (owners if row["role"] == "owner" else owns).setdefault(other, set()).add(str(row["how"]))
    facts = queries.run(store, queries.load("entity-facts"), {"entity": f"<{iri}>"}, timeout=None).rows
    facts = [{k: v for k, v in r.items() if k != "entity"} for r in facts]
    facts.sort(key=lambda r: (_sort_date(r.get("date")), r["direction"], r["predicate"], str(r.get("source"))))
    return {
        "iri": iri, "label": label, "label_en": en[0] if en else "",
        "type": _pick_type(types), "types": sorted(types),
        "aliases": sorted(set(aliases + zh[1:] + en[1:]) - {label}),
        "wikidata": wikidata, "discovered": discovered,
        "owners": [{"id": o, "label": label_of(store, o), "via": ", ".join(sorted(h))}
                   for o, h in sorted(owners.items())],
        "owns": sorted(({"id": o, "label": label_of(store, o), "via": ", ".join(sorted(h))}
                        for o, h in owns.items()), key=lambda d: (d["label"], d["id"])),
        "facts": facts,
    }


def _sort_date(value: Any) -> tuple[int, str]:
    """Dated first in date order (a year sorts before its months), undated last."""
    text = "" if value is None else str(value)
    return (0, text) if date_interval(text) else (1, "")


# --------------------------------------------------------------------------- timeline

_TIMELINE_SPARQL = f"""
PREFIX kg: <{KG}>
PREFIX skos: <{SKOS}>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?fact ?predicate ?subject ?subjectLabel ?object ?objectLabel ?date ?amount ?unit ?status
       ?modality ?role ?metric ?means ?source ?sentence
WHERE {{
  ?fact kg:predicate ?predicate ;
        prov:wasDerivedFrom ?mention .
  ?mention kg:sentence ?sentence ;
           kg:document/kg:sourceId ?source .
  %s
  OPTIONAL {{ ?fact kg:date ?date }}
  OPTIONAL {{ ?fact kg:amount ?amount }}
  OPTIONAL {{ ?fact kg:unit ?unit }}
  OPTIONAL {{ ?fact kg:status ?status }}
  OPTIONAL {{ ?fact kg:modality ?modality }}
  OPTIONAL {{ ?fact kg:role ?role }}
  OPTIONAL {{ ?fact kg:metric ?metric }}
  OPTIONAL {{ ?fact kg:means ?means }}
  OPTIONAL {{
    ?fact kg:subject ?subject .
    OPTIONAL {{ ?subject skos:prefLabel ?subjectLabel FILTER(LANG(?subjectLabel) = "zh") }}
  }}
  OPTIONAL {{
    ?fact kg:object ?object .
    OPTIONAL {{ ?object skos:prefLabel ?objectLabel FILTER(LANG(?objectLabel) = "zh") }}
  }}
}}
"""

TIMELINE_COLUMNS = ["date", "subject", "predicate", "object", "amount", "unit", "status", "modality",
                    "role", "metric", "means", "source", "sentence", "subject_id", "object_id", "fact_id"]


def timeline(store: Any, entity: str | None = None, since: str | None = None, until: str | None = None,
             *, predicates: Iterable[str] | None = None, include_undated: bool = False) -> list[dict[str, Any]]:
    """Fact mentions in date order (earliest first), optionally only those with
    ``entity`` (an IRI) as subject or object, of some ``predicates``, and whose
    date overlaps ``since``..``until`` (ISO dates of any precision: ``2021``
    covers the whole year).  Undated facts are left out unless
    ``include_undated`` (then they come last, and never with since/until)."""
    lo = hi = None
    if since:
        iv = date_interval(since)
        if iv is None:
            raise QueryError(f"bad --since date {since!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        lo = iv[0]
    if until:
        iv = date_interval(until)
        if iv is None:
            raise QueryError(f"bad --until date {until!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        hi = iv[1]
    where = "{ ?fact kg:subject ?entity } UNION { ?fact kg:object ?entity }" if entity else ""
    bindings = {"entity": NamedNode(entity)} if entity else {}
    preds = set(predicates) if predicates else None
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for r in select(store, _TIMELINE_SPARQL % where, bindings):
        fid = str(r["fact"])
        if fid in seen:
            continue
        seen.add(fid)
        if preds is not None and r["predicate"] not in preds:
            continue
        date = None if r.get("date") is None else str(r["date"])
        iv = date_interval(date)
        if iv is None:
            if lo or hi or not include_undated:
                continue
        else:
            if (lo and iv[1] < lo) or (hi and iv[0] > hi):
                continue
        out.append({
            "date": date, "subject": r.get("subjectLabel"), "predicate": r["predicate"],
            "object": r.get("objectLabel"), "amount": r.get("amount"), "unit": r.get("unit"),
            "status": r.get("status"), "modality": r.get("modality") or "asserted", "role": r.get("role"),
            "metric": r.get("metric"), "means": r.get("means"), "source": r["source"],
            "sentence": r["sentence"], "subject_id": r.get("subject"), "object_id": r.get("object"),
            "fact_id": fid,
        })
    out.sort(key=lambda row: (iv_key(row["date"]), row["source"], row["predicate"], row["fact_id"]))
    return out


def iv_key(date: str | None) -> tuple[int, str, str]:
    iv = date_interval(date)
    return (0, iv[0], iv[1]) if iv else (1, "", "")


# --------------------------------------------------------------------------- the entity graph

_OWNED_BY_SPARQL = f"SELECT DISTINCT ?child ?parent WHERE {{ ?child <{KG}ownedBy> ?parent }}"


def entity_graph(store: Any, *, gazetteer_ownership: bool = True, **filters: Any) -> nx.MultiDiGraph:
    """The collapsed projection (:func:`kg.project.to_networkx`) plus, unless
    ``gazetteer_ownership=False``, one ``owns`` edge (``gazetteer=True``) for each
    ``kg:ownedBy`` link that no ``owns`` fact already states."""
    G = to_networkx(store, **filters)
    if not gazetteer_ownership:
        return G
    for row in select(store, _OWNED_BY_SPARQL):
        child, parent = str(row["child"]), str(row["parent"])
        if child == parent:
            continue
        if G.has_node(parent) and G.has_node(child) and any(
                d.get("predicate") == "owns" for d in (G.get_edge_data(parent, child) or {}).values()):
            continue
        for node in (parent, child):
            if not G.has_node(node):
                G.add_node(node, label=label_of(store, node), type=_type_of(store, node), wikidata="", iri=node,
                           kind="entity",
                           discovered=False, facts=0, first_date="", last_date="")
        G.add_edge(parent, child, key=f"gazetteer:{parent}>{child}", label="owns", predicate="owns",
                   gazetteer=True, date="", weight=1, sources="gazetteer")
    return G


def _type_of(store: Any, iri: str) -> str:
    from kg.project import _pick_type

    return _pick_type({str(r["c"])[len(KG):] for r in select(store, "SELECT ?c WHERE { ?e a ?c }",
                                                              {"e": NamedNode(iri)})
                       if str(r["c"]).startswith(KG)})


def _relations(G: nx.MultiDiGraph, u: str, v: str) -> list[dict[str, Any]]:
    """The relations between u and v in either direction, as seen from u."""
    out = []
    for a, b, direction in ((u, v, "out"), (v, u, "in")):
        for key, d in (G.get_edge_data(a, b) or {}).items():
            out.append({"predicate": d.get("predicate", ""), "direction": direction, "date": d.get("date") or "",
                        "weight": int(d.get("weight", 1)), "gazetteer": bool(d.get("gazetteer", False)),
                        "fact": key if not d.get("gazetteer") else ""})
    out.sort(key=lambda r: (r["direction"] != "out", r["predicate"], r["date"]))
    return out


def relation_text(rels: list[dict[str, Any]]) -> str:
    """``-[applies_to]->`` / ``<-[owns]-`` for each distinct (predicate, direction)."""
    parts: list[str] = []
    for r in rels:
        p = r["predicate"] + (" (gazetteer)" if r["gazetteer"] else "")
        text = f"-[{p}]->" if r["direction"] == "out" else f"<-[{p}]-"
        if text not in parts:
            parts.append(text)
    return " / ".join(parts)


def _undirected(G: nx.MultiDiGraph) -> nx.Graph:
    U = nx.Graph()
    U.add_nodes_from(G.nodes)
    U.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return U


def paths(store: Any, a: str, b: str, max_hops: int = 4, *, limit: int = 20,
          graph: nx.MultiDiGraph | None = None) -> list[list[dict[str, Any]]]:
    """The shortest paths (at most ``limit``) between entities ``a`` and ``b`` (IRIs)
    of at most ``max_hops`` steps, ignoring direction.  Each path is a list of
    steps ``{"from", "from_id", "to", "to_id", "relations"}`` where
    ``relations`` lists every relation between the two (``predicate``,
    ``direction`` seen from ``from``, ``date``, ``weight``, ``gazetteer``)."""
    G = graph if graph is not None else entity_graph(store)
    if a == b or a not in G or b not in G:
        return []
    U = _undirected(G)
    try:
        found = nx.all_shortest_paths(U, a, b)
        result: list[list[str]] = []
        for p in found:
            if len(p) - 1 > max_hops:
                break
            result.append(p)
            if len(result) >= limit:
                break
    except nx.NetworkXNoPath:
        return []
    label = lambda n: str(G.nodes[n].get("label") or _local(n))  # noqa: E731
    out = []
    for p in sorted(result, key=lambda p: [label(n) for n in p]):
        out.append([{"from": label(u), "from_id": u, "to": label(v), "to_id": v, "relations": _relations(G, u, v)}
                    for u, v in zip(p, p[1:])])
    return out


def neighbors(store: Any, iri: str, depth: int = 1, *, graph: nx.MultiDiGraph | None = None
              ) -> list[dict[str, Any]]:
    """Entities within ``depth`` steps of ``iri`` (ignoring direction), nearest first:
    ``distance``, ``neighbor``, ``neighbor_id``, ``type``, ``via`` (the entity one
    step closer, the start itself at distance 1), ``relations`` (from ``via``,
    as ``-[p]->`` / ``<-[p]-``), ``facts`` (mentions on that step)."""
    G = graph if graph is not None else entity_graph(store)
    if iri not in G:
        return []
    U = _undirected(G)
    dist = {iri: 0}
    parent: dict[str, str] = {}
    queue = deque([iri])
    while queue:
        u = queue.popleft()
        if dist[u] >= depth:
            continue
        for v in sorted(U.neighbors(u)):
            if v not in dist:
                dist[v] = dist[u] + 1
                parent[v] = u
                queue.append(v)
    label = lambda n: str(G.nodes[n].get("label") or _local(n))  # noqa: E731
    rows = []
    for v, d in dist.items():
        if v == iri:
            continue
        via = parent[v]
        rels = _relations(G, via, v)
        rows.append({"distance": d, "neighbor": label(v), "neighbor_id": v, "type": G.nodes[v].get("type", ""),
                     "via": label(via), "relations": relation_text(rels),
                     "facts": sum(r["weight"] for r in rels if not r["gazetteer"])})
    rows.sort(key=lambda r: (r["distance"], -r["facts"], r["neighbor"]))
    return rows
