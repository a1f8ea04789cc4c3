"""Exports: GraphML and GEXF 1.3 (projections for Gephi), Turtle/TriG/N-Quads/JSON-LD (the RDF).

Every export is written to a temporary file in the target's directory and
renamed over the target at the end (``os.replace``): never a half file.

GraphML (own streaming writer; networkx's writes booleans as ``False`` and
reuses one key id for a node and an edge attribute of the same name, which
the GraphML schema's ``key_id_key`` forbids):

* one ``<key>`` per attribute, ``attr.name`` = the attribute name and
  ``id`` = the same name (named key ids, never ``d0``); when an edge (or
  graph) attribute shares its name with a node attribute (``label``) its id
  gets the domain as prefix (``edge_label``), so ids stay unique;
* types declared from the values: ``boolean``, ``long``, ``double``,
  ``string``; booleans written ``true``/``false``;
* ``label`` on every node (the Chinese name) and every edge (the predicate);
  parallel edges kept, each with ``id`` = its key (the fact IRI);
* XML-invalid characters (``\\x00-\\x08``, ``\\x0b``, ``\\x0c``,
  ``\\x0e-\\x1f``, unpaired surrogates, ``\\ufffe``, ``\\uffff``) stripped from
  every string: ids, labels and values.

GEXF 1.3 (own streaming writer: networkx's writer targets 1.2draft):
``xmlns="http://gexf.net/1.3"``, ``xsi:schemaLocation="http://gexf.net/1.3
http://gexf.net/1.3/gexf.xsd"``, ``<graph mode="dynamic" timeformat="date"
timerepresentation="interval">``; one time format throughout (``YYYY-MM-DD``).
An edge spans its fact date (``2021`` → ``2021-01-01``..``2021-12-31``, a
month → its first and last day, a day → that day); an undated fact starts on
the earliest date of the documents that report it, with no end; a node
starts at the first start of its edges and never ends.  Attributes are
declared with types (``string``, ``integer``, ``double``, ``boolean``);
``label`` and ``weight`` (number of mentions) are GEXF's own attributes.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from typing import IO, Any, Iterator, Mapping

import networkx as nx

from kg.atomic import atomic_output
from kg.project import date_interval, to_networkx

__all__ = [
    "GEXF_NS",
    "GRAPH_FORMATS",
    "RDF_FORMATS",
    "atomic_output",
    "export_graph",
    "export_rdf",
    "strip_xml_invalid",
    "write_gexf",
    "write_graphml",
]

GRAPH_FORMATS = ("graphml", "gexf")
RDF_FORMATS = ("ttl", "trig", "nq", "jsonld")
GEXF_NS = "http://gexf.net/1.3"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_xml_invalid(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", text)


_NEEDS_ESCAPE = re.compile('[&<>"\r\t\n\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def _esc(value: Any) -> str:
    """Escaped, cleaned text for element content and double-quoted attributes."""
    s = str(value)
    if not _NEEDS_ESCAPE.search(s):  # most values: one regex scan, no copies
        return s
    s = strip_xml_invalid(s)
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;").replace("\t", "&#9;").replace("\n", "&#10;"))


# --------------------------------------------------------------------------- typing

def _value_ok(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and not math.isfinite(v))


def _infer_types(items: Iterator[Mapping[str, Any]]) -> dict[str, str]:
    """attribute name → "boolean" | "integer" | "double" | "string" (first-seen order)."""
    kinds: dict[str, str] = {}
    rank = {"boolean": 0, "integer": 1, "double": 2, "string": 3}
    for data in items:
        for k, v in data.items():
            if not _value_ok(v):
                continue
            if isinstance(v, bool):
                t = "boolean"
            elif isinstance(v, int):
                t = "integer"
            elif isinstance(v, float):
                t = "double"
            else:
                t = "string"
            old = kinds.get(k)
            if old is None:
                kinds[k] = t
            elif old != t:
                if {old, t} <= {"integer", "double"}:
                    kinds[k] = "double"
                else:
                    kinds[k] = "string" if rank[t] != rank[old] else t
    return kinds


def _fmt(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "integer":
        return str(int(value))
    if kind == "double":
        return repr(float(value))
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- GraphML

_GRAPHML_TYPES = {"boolean": "boolean", "integer": "long", "double": "double", "string": "string"}


def _graphml_key_ids(domains: dict[str, dict[str, str]]) -> dict[tuple[str, str], str]:
    """Named key ids: the attribute name, prefixed by the domain when a node attribute has
    the same name (``edge_label``), so that ids stay unique (GraphML ``key_id_key``)."""
    ids: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for domain in ("node", "edge", "graph"):
        for name in domains[domain]:
            kid = re.sub(r"[^\w.-]", "_", strip_xml_invalid(name)) or "key"
            if kid in used:
                kid = f"{domain}_{kid}"
            while kid in used:
                kid += "_"
            used.add(kid)
            ids[(domain, name)] = kid
    return ids


def write_graphml(G: nx.Graph, out: IO[str]) -> None:
    """Stream ``G`` (a networkx graph of plain attribute values) as GraphML to ``out``."""
    domains = {
        "node": _infer_types(d for _, d in G.nodes(data=True)),
        "edge": _infer_types(d for *_, d in G.edges(data=True)),
        "graph": _infer_types(iter([G.graph])),
    }
    for d in ("node", "edge"):  # label first: what Gephi shows
        if "label" in domains[d]:
            domains[d] = {"label": domains[d].pop("label"), **domains[d]}
    ids = _graphml_key_ids(domains)
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="{XSI_NS}" '
      f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">\n')
    for domain in ("graph", "node", "edge"):
        for name, kind in domains[domain].items():
            w(f'  <key id="{_esc(ids[(domain, name)])}" for="{domain}" attr.name="{_esc(name)}" '
              f'attr.type="{_GRAPHML_TYPES[kind]}"/>\n')
    w(f'  <graph id="G" edgedefault="{"directed" if G.is_directed() else "undirected"}">\n')

    def data(domain: str, attrs: Mapping[str, Any], indent: str) -> None:
        for name, kind in domains[domain].items():
            v = attrs.get(name)
            if _value_ok(v):
                w(f'{indent}<data key="{_esc(ids[(domain, name)])}">{_esc(_fmt(v, kind))}</data>\n')

    data("graph", G.graph, "    ")
    for n, attrs in G.nodes(data=True):
        w(f'    <node id="{_esc(n)}">\n')
        data("node", attrs, "      ")
        w("    </node>\n")
    if G.is_multigraph():
        edges = ((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True))
    else:
        edges = ((u, v, None, d) for u, v, d in G.edges(data=True))
    for i, (u, v, k, attrs) in enumerate(edges):
        eid = _esc(k if k is not None else attrs.get("fact", f"e{i}"))
        w(f'    <edge id="{eid}" source="{_esc(u)}" target="{_esc(v)}">\n')
        data("edge", attrs, "      ")
        w("    </edge>\n")
    w("  </graph>\n</graphml>\n")


# --------------------------------------------------------------------------- GEXF 1.3

# Attributes GEXF holds natively (not repeated as attvalues).
_GEXF_NODE_NATIVE = {"label", "start", "end"}
_GEXF_EDGE_NATIVE = {"label", "weight", "start", "end"}


def _spell(start: str, end: str) -> str:
    out = ""
    if start:
        out += f' start="{_esc(start)}"'
    if end:
        out += f' end="{_esc(end)}"'
    return out


def write_gexf(G: nx.Graph, out: IO[str], *, description: str = "kg knowledge graph") -> None:
    """Stream ``G`` as GEXF 1.3 with time (see the module docstring) to ``out``.

    Edge intervals come from the edge attributes ``start``/``end`` (ISO dates);
    an edge without them starts at its ``reported`` date when known.  Node
    starts are the earliest start of their edges (or their own ``first_date``).
    """
    node_types = _infer_types({k: v for k, v in d.items() if k not in _GEXF_NODE_NATIVE}
                              for _, d in G.nodes(data=True))
    edge_types = _infer_types({k: v for k, v in d.items() if k not in _GEXF_EDGE_NATIVE}
                              for *_, d in G.edges(data=True))
    multi = G.is_multigraph()
    edge_list = list(G.edges(keys=True, data=True)) if multi else [(u, v, None, d) for u, v, d in G.edges(data=True)]

    def edge_spell(d: Mapping[str, Any]) -> tuple[str, str]:
        start, end = str(d.get("start") or ""), str(d.get("end") or "")
        if not start and d.get("date"):
            iv = date_interval(str(d["date"]))
            if iv:
                start, end = iv
        if not start and d.get("reported"):
            iv = date_interval(str(d["reported"]))
            if iv:
                start, end = iv[0], ""
        return start, end

    spells = [edge_spell(d) for *_, d in edge_list]
    node_start: dict[Any, str] = {}
    for (u, v, _k, _d), (start, _end) in zip(edge_list, spells):
        if start:
            for n in (u, v):
                if n not in node_start or start < node_start[n]:
                    node_start[n] = start
    for n, d in G.nodes(data=True):
        own = date_interval(str(d.get("first_date") or ""))
        if own and (n not in node_start or own[0] < node_start[n]):
            node_start[n] = own[0]

    w = out.write
    today = _dt.date.today().isoformat()
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(f'<gexf xmlns="{GEXF_NS}" xmlns:xsi="{XSI_NS}" '
      f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">\n')
    w(f'  <meta lastmodifieddate="{today}">\n    <creator>kg</creator>\n'
      f'    <description>{_esc(description)}</description>\n  </meta>\n')
    w(f'  <graph defaultedgetype="{"directed" if G.is_directed() else "undirected"}" '
      'mode="dynamic" timeformat="date" timerepresentation="interval">\n')
    for cls, types in (("node", node_types), ("edge", edge_types)):
        w(f'    <attributes class="{cls}" mode="static">\n')
        for name, kind in types.items():
            w(f'      <attribute id="{_esc(name)}" title="{_esc(name)}" type="{kind}"/>\n')
        w("    </attributes>\n")

    def attvalues(attrs: Mapping[str, Any], types: Mapping[str, str], native: set[str]) -> None:
        vals = [(k, attrs[k]) for k in types if k not in native and _value_ok(attrs.get(k))]
        if not vals:
            return
        w("        <attvalues>\n")
        for k, v in vals:
            w(f'          <attvalue for="{_esc(k)}" value="{_esc(_fmt(v, types[k]))}"/>\n')
        w("        </attvalues>\n")

    w("    <nodes>\n")
    for n, d in G.nodes(data=True):
        label = d.get("label")
        label = str(label) if _value_ok(label) and str(label) else str(n)
        w(f'      <node id="{_esc(n)}" label="{_esc(label)}"{_spell(node_start.get(n, ""), "")}>\n')
        attvalues(d, node_types, _GEXF_NODE_NATIVE)
        w("      </node>\n")
    w("    </nodes>\n    <edges>\n")
    for i, ((u, v, k, d), (start, end)) in enumerate(zip(edge_list, spells)):
        eid = k if k is not None else d.get("fact", f"e{i}")
        label = d.get("label", "")
        weight = d.get("weight")
        wattr = f' weight="{float(weight)!r}"' if _value_ok(weight) and not isinstance(weight, bool) \
            and isinstance(weight, (int, float)) else ""
        w(f'      <edge id="{_esc(eid)}" source="{_esc(u)}" target="{_esc(v)}" '
          f'label="{_esc(label)}"{wattr}{_spell(start, end)}>\n')
        attvalues(d, edge_types, _GEXF_EDGE_NATIVE)
        w("      </edge>\n")
    w("    </edges>\n  </graph>\n</gexf>\n")


# --------------------------------------------------------------------------- entry points

def export_graph(store: Any, fmt: str, path: str | os.PathLike[str], **filters: Any) -> dict[str, Any]:
    """Write the projection of ``store`` (see :func:`kg.project.to_networkx`, whose
    keyword filters are accepted: predicates, since, until, min_confidence,
    modality, events_as_nodes) as ``graphml`` or ``gexf`` to ``path``.

    Returns ``{"format", "path", "nodes", "edges"}``.
    """
    fmt = fmt.lower()
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r} (expected graphml or gexf)")
    filters = {k: v for k, v in filters.items() if v is not None}
    G = to_networkx(store, **filters)
    with atomic_output(path) as f:
        if fmt == "graphml":
            write_graphml(G, f)
        else:
            write_gexf(G, f)
    return {"format": fmt, "path": str(path), "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def export_rdf(store: Any, fmt: str, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Write the whole dataset as ``ttl`` (the union of the graphs), ``trig``, ``nq`` or
    ``jsonld`` (named graphs kept) to ``path``, atomically."""
    from pyoxigraph import RdfFormat, Store, Triple, serialize

    from kg.vocabulary import PREFIXES

    fmt = fmt.lower()
    formats = {"ttl": RdfFormat.TURTLE, "turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG,
               "nq": RdfFormat.N_QUADS, "nquads": RdfFormat.N_QUADS, "jsonld": RdfFormat.JSON_LD,
               "json-ld": RdfFormat.JSON_LD, "nt": RdfFormat.N_TRIPLES}
    if fmt not in formats:
        raise ValueError(f"unknown RDF format {fmt!r} (expected one of {', '.join(RDF_FORMATS)})")
    rf = formats[fmt]
    if isinstance(store, Store):
        quads = list(store)
    elif hasattr(store, "_all_quads"):
        quads = list(store._all_quads())  # noqa: SLF001 - GraphStore's documented primitive
    else:
        raise TypeError("export_rdf needs a kg.store.GraphStore or a pyoxigraph Store")
    prefixes = PREFIXES if rf in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
    if rf.supports_datasets:
        items: Any = quads
    else:
        items = list(dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in quads))
    with atomic_output(path, "wb") as f:
        if prefixes:
            serialize(items, f, rf, prefixes=prefixes)
        else:
            serialize(items, f, rf)
    return {"format": fmt, "path": str(path), "statements": len(items)}
