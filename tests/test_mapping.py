"""kg.mapping: stable IRIs, typed literals, one named graph per document."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg.mapping import date_literal, decimal_lexical, document_quads, fact_iri
from kg.models import Document, Entity, EventFact
from kg.vocabulary import ENT, FACT, KG, MENTION, SKOS, XSD, discovered_entity_iri, doc_iri

ALI = Entity(ENT + "alibaba", "阿里巴巴", "Company", wikidata="Q1359568")
SAMR = Entity(ENT + "samr", "市场监管总局", "Regulator")
FOUND = Entity(discovered_entity_iri("拣值了"), "拣值了", "MiniProgram", discovered=True,
               confidence=0.6)
DOC = Document(id="seeds/000.txt", text="…", title="罚款", date="2021-04-10",
               url="https://example.com/a", content_hash="abc")


def fine(**kw) -> EventFact:
    base = dict(predicate="fines", subject=SAMR, object=ALI, doc_id=DOC.id,
                sentence="市场监管总局对阿里巴巴处以182.28亿元罚款。", span=(10, 33),
                rule="fines.chufa", confidence=0.9, amount=18228000000.0, unit="CNY",
                date="2021-04-10")
    base.update(kw)
    return EventFact(**base)


def objects(quads, subject, prop):
    return [q.object for q in quads if q.subject == NamedNode(subject) and
            q.predicate == NamedNode(prop)]


def test_same_input_gives_identical_quads():
    facts = [fine(), fine(predicate="owns", subject=ALI, object=FOUND, amount=None)]
    assert document_quads(DOC, facts) == document_quads(DOC, list(facts))


def test_every_quad_is_in_the_document_graph():
    quads = document_quads(DOC, [fine()])
    assert {q.graph_name for q in quads} == {NamedNode(doc_iri(DOC.id))}


def test_identical_facts_collapse_into_one_event():
    quads = document_quads(DOC, [fine(), fine()])
    events = [q for q in quads if q.predicate == NamedNode(KG + "predicate")]
    assert len(events) == 1
    assert len(quads) == len(set(quads))


def test_same_key_different_amount_keeps_both_facts():
    quads = document_quads(DOC, [fine(), fine(amount=5.0)])
    amounts = sorted(q.object.value for q in quads if q.predicate == NamedNode(KG + "amount"))
    assert amounts == ["18228000000", "5"]


def test_fact_iri_depends_on_span_and_rule():
    assert fact_iri(fine()) != fact_iri(fine(span=(40, 60)))
    assert fact_iri(fine()) != fact_iri(fine(rule="other"))
    assert fact_iri(fine()).startswith(FACT)


def test_event_mention_and_shortcut():
    f = fine()
    quads = document_quads(DOC, [f])
    ev = fact_iri(f)
    mention = MENTION + ev[len(FACT):]
    assert objects(quads, ev, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [
        NamedNode(KG + "Fine")]
    assert objects(quads, ev, "http://www.w3.org/ns/prov#wasDerivedFrom") == [NamedNode(mention)]
    assert objects(quads, mention, KG + "start") == [Literal("10", datatype=NamedNode(XSD + "integer"))]
    assert objects(quads, SAMR.iri, KG + "fines") == [NamedNode(ALI.iri)]
    assert objects(quads, ev, KG + "amount") == [
        Literal("18228000000", datatype=NamedNode(XSD + "decimal"))]


def test_null_object_has_no_shortcut_and_no_object():
    f = fine(predicate="reports_metric", subject=ALI, object=None, metric="GMV",
             amount=0.165, unit="ratio")
    quads = document_quads(DOC, [f])
    assert objects(quads, fact_iri(f), KG + "object") == []
    assert objects(quads, fact_iri(f), KG + "metric") == [Literal("GMV")]
    assert not [q for q in quads if q.subject == NamedNode(ALI.iri)]


def test_discovered_entities_are_described_gazetteer_ones_are_not():
    quads = document_quads(DOC, [fine(predicate="owns", subject=ALI, object=FOUND, amount=None)])
    assert objects(quads, FOUND.iri, SKOS + "prefLabel") == [Literal("拣值了", language="zh")]
    assert objects(quads, FOUND.iri, KG + "discovered") == [
        Literal("true", datatype=NamedNode(XSD + "boolean"))]
    assert objects(quads, FOUND.iri, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [
        NamedNode(KG + "MiniProgram")]
    assert objects(quads, ALI.iri, SKOS + "prefLabel") == []


def test_decimals_without_float_noise():
    assert decimal_lexical(18228000000.0) == "18228000000"
    assert decimal_lexical(0.165) == "0.165"
    assert decimal_lexical(1e-7) == "0.0000001"
    assert decimal_lexical(3) == "3"
    assert decimal_lexical(float("nan")) is None


def test_dates_typed_by_precision():
    assert date_literal("2021").datatype == NamedNode(XSD + "gYear")
    assert date_literal("2021-04").datatype == NamedNode(XSD + "gYearMonth")
    assert date_literal("2021-04-07").datatype == NamedNode(XSD + "date")


def test_document_node():
    g = doc_iri(DOC.id)
    quads = document_quads(DOC, [])
    assert objects(quads, g, KG + "sourceId") == [Literal(DOC.id)]
    assert objects(quads, g, KG + "contentHash") == [Literal("abc")]
    assert objects(quads, g, KG + "docDate") == [
        Literal("2021-04-10", datatype=NamedNode(XSD + "date"))]
    assert objects(quads, g, "http://schema.org/url") == [NamedNode("https://example.com/a")]
