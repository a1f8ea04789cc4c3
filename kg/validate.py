"""``kg validate``: check a graph against the SHACL shapes of ``ontology/shapes.ttl``.

The graph (the union of its named graphs except the ontology's: documents
and gazetteer) is copied into an rdflib graph and validated by pyshacl
without inference (the shapes name every target class; with kg.ttl's class
tree in the data graph, SHACL would also count every kg:Suspension as a
kg:Event target).  Each SHACL result becomes a
:class:`Problem` in plain words: what the node is (a fact is described by its
relation, subject, object and source document), which property, the
offending value, and the shape's own message.  Results of severity
``sh:Warning`` or ``sh:Info`` are reported but do not make the graph fail.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.vocabulary import KG, ONTOLOGY_GRAPH, PREFIXES, PROV, SKOS
from kg.wordlists import ontology_dir

__all__ = ["Problem", "Report", "default_shapes", "validate_graph", "validate_store"]

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Problem:
    """One SHACL result, in words."""

    severity: str  # "violation" | "warning" | "info"
    focus: str  # the node, shortened (fact:…, ent:…)
    what: str  # what the node is, e.g. 'fact "fines" 市场监管总局 → 阿里巴巴 (seeds/a.txt)'
    property: str  # the property concerned (kg:unit), "" for a node-level check
    value: str  # the offending value, "" when a value is missing
    message: str  # the shape's message
    shape: str  # the shape (kgsh:FineShape or a property shape's label)
    focus_iri: str = ""

    def line(self) -> str:
        where = f" {self.property}" if self.property else ""
        value = f" (value {self.value})" if self.value else ""
        return f"{self.severity}: {self.what}{where}{value}: {self.message}"


@dataclass
class Report:
    conforms: bool
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0
    shapes: str = ""

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "violation"]

    def rows(self) -> list[dict[str, Any]]:
        return [asdict(p) for p in self.problems]

    def summary(self) -> str:
        if self.conforms:
            extra = f", {len(self.warnings)} warnings" if self.warnings else ""
            return f"the graph conforms to {self.shapes} ({self.triples} triples checked{extra})"
        return (f"the graph does not conform to {self.shapes}: {len(self.violations)} violations"
                f"{f', {len(self.warnings)} warnings' if self.warnings else ''} ({self.triples} triples checked)")


def default_shapes(ontology: str | None = None) -> Path:
    return ontology_dir(ontology) / "shapes.ttl"


def _short(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _store_graph(store: Any) -> Any:
    """The union of the store's named graphs as an rdflib Graph."""
    import rdflib
    from pyoxigraph import RdfFormat, Store, serialize

    # The ontology graph stays out: SHACL class targets follow rdfs:subClassOf
    # triples of the data graph, and the shapes are written without inference.
    sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }}"
    if isinstance(store, Store):
        triples = list(store.query(sparql, use_default_graph_as_union=True))
    else:
        triples = store.query(sparql, timeout=0)
    data = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    g = rdflib.Graph()
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def _label(g: Any, node: Any) -> str:
    import rdflib

    best = None
    for lit in g.objects(node, rdflib.URIRef(SKOS + "prefLabel")):
        lang = (getattr(lit, "language", None) or "").lower()
        rank = 0 if lang.startswith("zh") else 1
        if best is None or (rank, str(lit)) < best:
            best = (rank, str(lit))
    return best[1] if best else _short(str(node))


def _describe(g: Any, node: Any) -> str:
    """What ``node`` is, in words."""
    import rdflib

    if isinstance(node, rdflib.Literal):
        return f"value {node!s}"
    if isinstance(node, rdflib.BNode):
        return "a blank node"
    kg = lambda local: rdflib.URIRef(KG + local)  # noqa: E731
    predicate = g.value(node, kg("predicate"))
    if predicate is not None or (node, rdflib.RDF.type, kg("Event")) in g or str(node).startswith(PREFIXES["fact"]):
        subj, obj = g.value(node, kg("subject")), g.value(node, kg("object"))
        parts = [f'fact {_short(str(node))} "{predicate or "?"}"']
        parts.append(_label(g, subj) if subj is not None else "(no subject)")
        if obj is not None:
            parts.append("→ " + _label(g, obj))
        source = None
        for mention in g.objects(node, rdflib.URIRef(PROV + "wasDerivedFrom")):
            doc = g.value(mention, kg("document"))
            source = g.value(doc, kg("sourceId")) if doc is not None else None
            if source is not None:
                break
        if source is not None:
            parts.append(f"({source})")
        return " ".join(parts)
    if (node, rdflib.RDF.type, kg("Mention")) in g:
        return f"mention {_short(str(node))}"
    if (node, rdflib.RDF.type, kg("Document")) in g:
        src = g.value(node, kg("sourceId"))
        return f"document {src or _short(str(node))}"
    return f"entity {_label(g, node)} ({_short(str(node))})"


def validate_graph(data: Any, shapes: str | Path | None = None) -> Report:
    """Validate an rdflib graph against ``shapes`` (default: the bundled shapes.ttl)."""
    import rdflib
    from pyshacl import validate

    shapes_path = Path(shapes) if shapes else default_shapes()
    if not shapes_path.is_file():
        raise FileNotFoundError(f"no shapes file at {shapes_path}")
    shacl = rdflib.Graph()
    shacl.parse(str(shapes_path), format="turtle")
    conforms, results, _text = validate(data, shacl_graph=shacl, inference="none", allow_warnings=True,
                                        abort_on_first=False, advanced=True)
    sh = lambda local: rdflib.URIRef(SH + local)  # noqa: E731
    problems: list[Problem] = []
    for result in results.subjects(rdflib.RDF.type, sh("ValidationResult")):
        focus = results.value(result, sh("focusNode"))
        path = results.value(result, sh("resultPath"))
        value = results.value(result, sh("value"))
        severity = results.value(result, sh("resultSeverity"))
        shape = results.value(result, sh("sourceShape"))
        messages = sorted(str(m) for m in results.objects(result, sh("resultMessage")))
        shape_name = _short(str(shape)) if isinstance(shape, rdflib.URIRef) else ""
        if not shape_name and shape is not None:
            shape_name = f"{_short(str(shacl.value(shape, sh('path')) or ''))} property"
        problems.append(Problem(
            severity=(str(severity).rsplit("#", 1)[-1].lower() if severity is not None else "violation"),
            focus=_short(str(focus)), what=_describe(data, focus),
            property=_short(str(path)) if isinstance(path, rdflib.URIRef) else "",
            value="" if value is None else (str(value) if isinstance(value, rdflib.Literal) and value.datatype is None
                                            else _value_text(value)),
            message=messages[0] if messages else "does not satisfy the shape", shape=shape_name,
            focus_iri=str(focus),
        ))
    problems.sort(key=lambda p: (p.severity != "violation", p.what, p.property, p.message))
    return Report(conforms=bool(conforms), problems=problems, triples=len(data), shapes=str(shapes_path))


def _value_text(value: Any) -> str:
    import rdflib

    if isinstance(value, rdflib.Literal) and value.datatype is not None:
        return f'"{value!s}"^^{_short(str(value.datatype))}'
    return _short(str(value))


def validate_store(store: Any, shapes: str | Path | None = None) -> Report:
    """Validate everything in ``store`` (a GraphStore or a pyoxigraph Store)."""
    return validate_graph(_store_graph(store), shapes)
