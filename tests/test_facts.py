"""kg.facts: the public fact table and its merged form."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kg.facts import COLUMNS, fact_rows, merge_rows
from kg.mapping import document_quads, fact_iri
from kg.models import Document, Entity, EventFact
from kg.store import open_store
from kg.vocabulary import ENT, GAZETTEER_GRAPH, discovered_entity_iri, doc_iri

CONTRACT = ["fact_id", "subject", "subject_id", "subject_type", "predicate", "object",
            "object_id", "object_type", "wikidata", "date", "amount", "unit", "status",
            "modality", "confidence", "source", "doc_date", "sentence", "span", "rule"]

ALI = Entity(ENT + "alibaba", "阿里巴巴", "Company", wikidata="Q1359568")
SAMR = Entity(ENT + "samr", "市场监管总局", "Regulator")
XIANYU = Entity(ENT + "xianyu", "闲鱼", "App")
WECHAT = Entity(ENT + "wechat", "微信", "App")
FOUND = Entity(discovered_entity_iri("拣值了"), "拣值了", "MiniProgram", discovered=True,
               confidence=0.6)

GAZETTEER = """
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix ent: <https://w3id.org/kg/entity/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ent:alibaba a kg:Company ; skos:prefLabel "阿里巴巴"@zh, "Alibaba"@en ; kg:wikidata "Q1359568" .
ent:samr a kg:Regulator ; skos:prefLabel "市场监管总局"@zh .
ent:xianyu a kg:App ; skos:prefLabel "闲鱼"@zh .
ent:wechat a kg:App ; skos:prefLabel "微信"@zh .
"""


def fact(doc_id, predicate, subject, obj, start, **kw) -> EventFact:
    return EventFact(predicate, subject, obj, doc_id, kw.pop("sentence", f"句子{start}"),
                     (start, start + 10), kw.pop("rule", predicate + ".r"),
                     kw.pop("confidence", 0.9), **kw)


DOCS = {
    "b/doc2.txt": [
        fact("b/doc2.txt", "applies_to", XIANYU, WECHAT, 50, date="2021-04", status="submitted"),
        fact("b/doc2.txt", "owns", ALI, FOUND, 5),
    ],
    "a/doc1.txt": [
        fact("a/doc1.txt", "fines", SAMR, ALI, 100, amount=18228000000.0, unit="CNY",
             date="2021-04-10"),
        fact("a/doc1.txt", "invests_in", ALI, XIANYU, 20, amount=0.165, unit="ratio"),
        fact("a/doc1.txt", "reports_metric", XIANYU, None, 20, metric="GMV",
             amount=200000000000.0, unit="CNY", modality="reported"),
    ],
}


def fill(store, tmp_path):
    ttl = tmp_path / "entities.ttl"
    ttl.write_text(GAZETTEER, encoding="utf-8")
    store.load_static(GAZETTEER_GRAPH, ttl)
    batch = []
    for doc_id, facts in DOCS.items():
        doc = Document(id=doc_id, text="x", date="2021-04-12", content_hash="h" + doc_id)
        batch.append((doc_id, doc_iri(doc_id), document_quads(doc, facts)))
    store.replace_documents(batch)


@pytest.fixture()
def store(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as s:
        fill(s, tmp_path)
        yield s


def test_columns_are_the_contract_in_order(store):
    rows = fact_rows(store)
    assert rows
    for row in rows:
        assert list(row) == CONTRACT + ["role", "metric", "means"]
    assert list(COLUMNS) == CONTRACT + ["role", "metric", "means"]


def test_values(store):
    rows = fact_rows(store)
    assert [(r["source"], r["span"][0], r["predicate"]) for r in rows] == [
        ("a/doc1.txt", 20, "invests_in"), ("a/doc1.txt", 20, "reports_metric"),
        ("a/doc1.txt", 100, "fines"), ("b/doc2.txt", 5, "owns"), ("b/doc2.txt", 50, "applies_to")]
    fine = rows[2]
    assert fine["fact_id"] == fact_iri(DOCS["a/doc1.txt"][0])
    assert fine["subject"] == "市场监管总局" and fine["subject_type"] == "Regulator"
    assert fine["object"] == "阿里巴巴" and fine["object_id"] == ALI.iri
    assert fine["wikidata"] == {"subject": None, "object": "Q1359568"}
    assert fine["amount"] == 18228000000 and isinstance(fine["amount"], int)
    assert fine["date"] == "2021-04-10" and fine["doc_date"] == "2021-04-12"
    assert fine["span"] == [100, 110] and fine["rule"] == "fines.r"
    assert fine["confidence"] == 0.9 and fine["modality"] == "asserted"
    assert rows[0]["amount"] == 0.165
    metric = rows[1]
    assert metric["object"] is None and metric["object_id"] is None
    assert metric["metric"] == "GMV" and metric["modality"] == "reported"
    owns = rows[3]
    assert owns["object"] == "拣值了" and owns["object_type"] == "MiniProgram"
    assert rows[4]["date"] == "2021-04" and rows[4]["status"] == "submitted"


def test_filters(store):
    assert [r["predicate"] for r in fact_rows(store, predicate="fines")] == ["fines"]
    assert {r["source"] for r in fact_rows(store, source="b/doc2.txt")} == {"b/doc2.txt"}
    assert fact_rows(store, predicate='fines" } ; DROP ALL ; {') == []
    assert len(fact_rows(store)) == 5


def row(**kw):
    base = {c: None for c in COLUMNS}
    base.update(fact_id="f", subject_id=ALI.iri, object_id=XIANYU.iri, predicate="owns",
                modality="asserted", confidence=0.5, source="s1", span=[0, 5],
                wikidata={"subject": None, "object": None})
    base.update(kw)
    return base


def test_merge_same_fact_from_two_documents():
    merged = merge_rows([row(source="s2", confidence=0.9, date="2021"),
                         row(source="s1", date="2021-04-07"),
                         row(source="s2", span=[9, 12], date="2021-04")])
    assert len(merged) == 1
    m = merged[0]
    assert m["sources"] == ["s1", "s2"] and m["mentions"] == 3
    assert m["date"] == "2021-04-07" and m["confidence"] == 0.9


def test_merge_equally_precise_dates_keeps_earliest():
    merged = merge_rows([row(date="2021-05"), row(source="s2", date="2021-04")])
    assert merged[0]["date"] == "2021-04"


def test_merge_never_joins_different_amounts_or_modalities():
    assert len(merge_rows([row(amount=1), row(amount=2)])) == 2
    assert len(merge_rows([row(modality="asserted"), row(modality="negated")])) == 2
    assert len(merge_rows([row(role="CEO"), row(role="总裁")])) == 2


def test_merge_symmetric_predicates_are_unordered():
    a = row(predicate="competes_with", subject_id=ALI.iri, object_id=XIANYU.iri)
    b = row(predicate="competes_with", subject_id=XIANYU.iri, object_id=ALI.iri, source="s2")
    assert len(merge_rows([a, b])) == 1
    c = row(predicate="owns", subject_id=XIANYU.iri, object_id=ALI.iri, source="s2")
    assert len(merge_rows([row(), c])) == 2


def test_merge_on_real_rows_counts_mentions(store):
    merged = merge_rows(fact_rows(store))
    assert len(merged) == 5 and all(m["mentions"] == 1 for m in merged)


# ------------------------------------------------------------------ remote


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_remote_fact_rows_equal_embedded(tmp_path, store):
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.skip("oxigraph server binary not installed")
    port = free_port()
    proc = subprocess.Popen([str(binary), "serve", "--location", str(tmp_path / "srv"),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.1)
        remote = open_store(endpoint=base + "/query")
        fill(remote, tmp_path)
        assert fact_rows(remote) == fact_rows(store)
        assert fact_rows(remote, predicate="fines") == fact_rows(store, predicate="fines")
        assert merge_rows(fact_rows(remote)) == merge_rows(fact_rows(store))
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_large_store_is_read_in_batches_of_documents_with_the_same_rows(store, monkeypatch):
    """Past SCAN_FACTS_LIMIT facts the table is read a few documents at a time
    (bounded memory); every batch size gives the rows of the one-scan read."""
    from kg import scan

    whole = fact_rows(store)
    queries = []
    real_query = store.query
    monkeypatch.setattr(store, "query", lambda q, *a, **k: queries.append(q) or real_query(q, *a, **k))
    monkeypatch.setattr(scan, "SCAN_FACTS_LIMIT", 0)
    for size in (1, 2, 1000):
        monkeypatch.setattr(scan, "SCAN_BATCH_DOCUMENTS", size)
        queries.clear()
        assert fact_rows(store) == whole
        batches = [q for q in queries if "VALUES ?g" in q]
        documents = len({s for s in (r["source"] for r in whole)})
        assert len(batches) == -(-documents // size) >= 1
    assert len(whole) > 3
