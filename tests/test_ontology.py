"""ontology/kg.ttl (classes and properties) and ontology/shapes.ttl (SHACL)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kg.models import MODALITIES, STATUSES, PREDICATES
from kg.vocabulary import KG, PREDICATE_TABLE

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
K = rdflib.Namespace(KG)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = rdflib.Namespace("http://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SEM = rdflib.Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")

ENTITY_CLASSES = {
    "Organization": None, "Company": "Organization", "Regulator": "Organization",
    "BusinessUnit": "Organization", "ResearchFirm": "Organization", "Media": "Organization",
    "Product": None, "App": "Product", "MiniProgram": "Product", "PaymentService": "Product",
    "Game": "Product", "Feature": "Product", "Person": None,
}

PROPERTIES = (
    "subject object predicate date amount unit status modality role metric means confidence sentence "
    "document start end rule sourceId contentHash docDate discovered wikidata ownedBy core ambiguous "
    "ambiguousLabel"
).split()


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


# ---------------------------------------------------------------------------- kg.ttl


def test_files_parse(onto, shapes):
    assert (None, RDF.type, OWL.Ontology) in onto
    assert len(shapes) > 100
    rdflib.Graph().parse(ONTOLOGY / "entities.ttl", format="turtle")


def test_event_classes_follow_the_vocabulary_table(onto):
    assert (K.Event, RDFS.subClassOf, SEM.Event) in onto
    assert (K.Event, RDFS.subClassOf, PROV.Activity) in onto
    assert set(PREDICATE_TABLE) == set(PREDICATES)
    for predicate, (cls, shortcut) in PREDICATE_TABLE.items():
        assert (K[cls], RDF.type, OWL.Class) in onto, cls
        assert (K[cls], RDFS.subClassOf, K.Event) in onto, cls
        assert f'"{predicate}"' in str(onto.value(K[cls], RDFS.comment)), cls
        if shortcut:
            assert (K[shortcut], RDF.type, OWL.ObjectProperty) in onto, shortcut
    shortcuts = [s for _, s in PREDICATE_TABLE.values() if s]
    assert len(shortcuts) == 16


def test_entity_classes_and_alignment(onto):
    for cls, parent in ENTITY_CLASSES.items():
        assert (K[cls], RDF.type, OWL.Class) in onto, cls
        if parent:
            assert (K[cls], RDFS.subClassOf, K[parent]) in onto, cls
    assert (K.Organization, RDFS.subClassOf, ORG.Organization) in onto
    assert (K.Organization, RDFS.subClassOf, SCHEMA.Organization) in onto
    assert (K.Product, RDFS.subClassOf, SCHEMA.Product) in onto
    assert (K.Person, RDFS.subClassOf, SCHEMA.Person) in onto
    assert (K.Person, RDFS.subClassOf, FOAF.Person) in onto
    assert (K.Document, RDFS.subClassOf, SCHEMA.NewsArticle) in onto
    assert (K.Document, RDFS.subClassOf, PROV.Entity) in onto
    assert (K.Mention, RDFS.subClassOf, PROV.Entity) in onto


def test_every_kg_class_has_one_kg_parent_at_most(onto):
    for cls in onto.subjects(RDF.type, OWL.Class):
        if isinstance(cls, rdflib.URIRef) and str(cls).startswith(KG):
            kg_parents = [p for p in onto.objects(cls, RDFS.subClassOf) if str(p).startswith(KG)]
            assert len(kg_parents) <= 1, cls


def test_properties_of_the_rdf_model_are_declared(onto):
    for name in PROPERTIES:
        kinds = set(onto.objects(K[name], RDF.type))
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_property_characteristics(onto):
    assert (K.competesWith, RDF.type, OWL.SymmetricProperty) in onto
    assert (K.cooperatesWith, RDF.type, OWL.SymmetricProperty) in onto
    assert (K.ownedBy, OWL.inverseOf, K.owns) in onto
    assert (K.fines, RDFS.domain, K.Regulator) in onto
    assert (K.supportsPayment, RDFS.range, K.PaymentService) in onto
    date_range = onto.value(K.date, RDFS.range)
    members = set(Collection(onto, onto.value(date_range, OWL.unionOf)))
    assert members == {rdflib.XSD.date, rdflib.XSD.gYearMonth, rdflib.XSD.gYear}


def test_every_term_has_zh_and_en_labels_and_a_comment(onto):
    terms = [s for s in set(onto.subjects(RDF.type, None))
             if isinstance(s, rdflib.URIRef) and str(s).startswith(KG)]
    assert len(terms) > 60
    for term in terms:
        langs = {label.language for label in onto.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, term
        assert onto.value(term, RDFS.comment) is not None, term


# ---------------------------------------------------------------------------- shapes.ttl


def _sh_in(shapes: rdflib.Graph, path: rdflib.URIRef) -> set[str]:
    for prop in shapes.subjects(SH.path, path):
        values = shapes.value(prop, SH["in"])
        if values is not None:
            return {str(v) for v in Collection(shapes, values)}
    raise AssertionError(f"no sh:in for {path}")


def test_shapes_allowed_values_match_the_code(shapes):
    assert _sh_in(shapes, K.modality) == set(MODALITIES)
    assert _sh_in(shapes, K.status) == set(STATUSES)
    assert _sh_in(shapes, K.predicate) == set(PREDICATES)


def test_shapes_target_every_event_class(shapes):
    targets = set(shapes.objects(None, SH.targetClass))
    for cls, _ in PREDICATE_TABLE.values():
        assert K[cls] in targets
    for cls in ENTITY_CLASSES:
        assert K[cls] in targets


def test_every_shape_speaks_plain_words(shapes):
    constrained = list(shapes.objects(None, SH.property))
    constrained += [n for n in shapes.subjects(RDF.type, SH.NodeShape) if (n, SH["or"], None) in shapes]
    assert len(constrained) > 30
    for node in constrained:
        message = shapes.value(node, SH.message)
        assert message is not None and len(str(message).split()) >= 5, node


PREFIXES = """
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix ent: <https://w3id.org/kg/entity/> .
@prefix fact: <https://w3id.org/kg/fact/> .
@prefix mention: <https://w3id.org/kg/mention/> .
@prefix doc: <https://w3id.org/kg/doc/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

GOOD = PREFIXES + """
doc:d1 a kg:Document ; kg:sourceId "seeds/000.txt" ; kg:docDate "2021-04-12"^^xsd:date .
ent:samr a kg:Regulator ; skos:prefLabel "市场监管总局"@zh , "SAMR"@en .
ent:alibaba a kg:Company ; skos:prefLabel "阿里巴巴"@zh .
ent:x-1a2b3c4d5e6f a kg:MiniProgram ; skos:prefLabel "拣值了"@zh ; kg:discovered true ;
    kg:confidence "0.6"^^xsd:decimal .

fact:f1 a kg:Fine ;
    kg:predicate "fines" ; kg:subject ent:samr ; kg:object ent:alibaba ;
    kg:date "2021-04-10"^^xsd:date ; kg:amount "18228000000"^^xsd:decimal ; kg:unit "CNY" ;
    kg:modality "asserted" ; kg:confidence "0.9"^^xsd:decimal ;
    prov:wasDerivedFrom mention:f1 .
mention:f1 a kg:Mention ;
    kg:sentence "市场监管总局对阿里巴巴……处以其2019年中国境内销售额4557.12亿元4%的罚款，即182.28亿元。" ;
    kg:document doc:d1 ; kg:start 120 ; kg:end 171 ; kg:rule "fines.chufa" ;
    kg:confidence "0.9"^^xsd:decimal .
ent:samr kg:fines ent:alibaba .

fact:f2 a kg:Suspension ;
    kg:predicate "suspends" ; kg:object ent:x-1a2b3c4d5e6f ; kg:date "2021-02"^^xsd:gYearMonth ;
    kg:status "suspended" ; kg:modality "asserted" ;
    prov:wasDerivedFrom mention:f2 .
mention:f2 a kg:Mention ; kg:sentence "很快就被暂停服务。" ; kg:document doc:d1 ;
    kg:start 200 ; kg:end 209 ; kg:rule "suspends.passive" .
"""

BROKEN = PREFIXES + """
doc:d1 a kg:Document ; kg:sourceId "seeds/000.txt" .
ent:samr a kg:Regulator ; skos:prefLabel "市场监管总局"@zh .
ent:alibaba a kg:Company .

fact:f1 a kg:Fine ;
    kg:predicate "fines" ; kg:subject ent:samr ; kg:object ent:alibaba ;
    kg:amount "18228000000"^^xsd:decimal ; kg:modality "asserted" ;
    prov:wasDerivedFrom mention:f1 .
mention:f1 a kg:Mention ; kg:sentence "……" ; kg:document doc:d1 ;
    kg:start 171 ; kg:end 120 ; kg:rule "fines.chufa" .

fact:f2 a kg:Application ;
    kg:predicate "applies_to" ; kg:object ent:alibaba ;
    kg:date "April 2021" ; kg:modality "maybe" ; kg:status "waiting" .

fact:f3 a kg:Blocking ; kg:predicate "fines" ; kg:subject ent:samr ; kg:modality "asserted" ;
    prov:wasDerivedFrom ent:alibaba .
"""


def _validate(data: str):
    pyshacl = pytest.importorskip("pyshacl")
    data_graph = rdflib.Graph().parse(data=data, format="turtle")
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    conforms, report, text = pyshacl.validate(data_graph, shacl_graph=shapes, inference="none")
    return conforms, report, text


def _violations(report: rdflib.Graph) -> list[tuple[str, str]]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            out.append((str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultMessage))))
    return out


def test_a_good_graph_conforms():
    conforms, _, text = _validate(GOOD)
    assert conforms, text


def test_a_broken_graph_reports_each_problem_in_plain_words():
    conforms, report, text = _validate(BROKEN)
    assert not conforms
    found = _violations(report)
    messages = {m for _, m in found}

    def has(focus_suffix: str, words: str) -> bool:
        return any(f.endswith(focus_suffix) and words in m for f, m in found)

    assert has("fact/f1", "A fine with an amount must say its unit"), messages
    assert has("fact/f2", "A fact must say where it comes from (prov:wasDerivedFrom a mention)."), messages
    assert has("fact/f2", "must have a subject"), messages
    assert has("fact/f2", "date must be"), messages
    assert has("fact/f2", "modality"), messages
    assert has("fact/f2", "status"), messages
    assert has("fact/f3", 'must have the relation name "blocks"'), messages
    assert has("fact/f3", "where it comes from"), messages  # derived from an entity, not a mention
    assert has("mention/f1", "start offset"), messages
    assert has("entity/alibaba", "preferred name"), messages


def test_mapping_output_conforms():
    """What kg/mapping.py writes for a fact passes the shapes."""
    mapping = pytest.importorskip("kg.mapping")
    from kg.models import Document, Entity, EventFact

    samr = Entity("https://w3id.org/kg/entity/samr", "市场监管总局", "Regulator")
    ali = Entity("https://w3id.org/kg/entity/alibaba", "阿里巴巴", "Company")
    found = Entity("https://w3id.org/kg/entity/x-000000000001", "拣值了", "MiniProgram", discovered=True,
                   confidence=0.6)
    doc = Document(id="seeds/000.txt", text="x" * 300, title="t", date="2021-04-12", content_hash="abc")
    facts = [
        EventFact("fines", samr, ali, doc.id, "句子", (120, 171), "fines.chufa", 0.9, date="2021-04-10",
                  amount=18228000000.0, unit="CNY", doc_date="2021-04-12"),
        EventFact("suspends", None, found, doc.id, "很快就被暂停服务。", (200, 209), "suspends.passive", 0.8,
                  date="2021-02", status="suspended"),
        EventFact("holds_position", Entity("https://w3id.org/kg/entity/jiang-fan", "蒋凡", "Person"), ali,
                  doc.id, "淘宝天猫总裁蒋凡", (10, 20), "position.title", 0.9, role="总裁"),
    ]
    quads = mapping.document_quads(doc, facts)
    nq = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    data_graph = rdflib.Graph().parse(data=nq, format="nt")
    # the gazetteer describes gazetteer entities; add their labels as the store would
    data_graph.parse(data=PREFIXES + """
        ent:samr a kg:Regulator ; skos:prefLabel "市场监管总局"@zh .
        ent:alibaba a kg:Company ; skos:prefLabel "阿里巴巴"@zh .
        ent:jiang-fan a kg:Person ; skos:prefLabel "蒋凡"@zh .""", format="turtle")
    pyshacl = pytest.importorskip("pyshacl")
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data_graph, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_the_gazetteer_conforms_to_the_entity_shapes():
    pyshacl = pytest.importorskip("pyshacl")
    data_graph = rdflib.Graph().parse(ONTOLOGY / "entities.ttl", format="turtle")
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data_graph, shacl_graph=shapes, inference="none")
    assert conforms, text
