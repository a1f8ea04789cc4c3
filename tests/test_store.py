"""kg.store: atomic per-document graphs, hashes, locking, safe bindings, remote server."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.mapping import document_quads
from kg.models import Document, Entity, EventFact
from kg.store import (
    EmbeddedStore,
    QueryTimeoutError,
    RemoteStore,
    StoreBusyError,
    StoreError,
    iri,
    open_store,
)
from kg.vocabulary import ENT, GAZETTEER_GRAPH, KG, doc_iri

ROOT = Path(__file__).resolve().parents[1]
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
ALI = Entity(ENT + "alibaba", "阿里巴巴", "Company")
TAOBAO = Entity(ENT + "taobao", "淘宝", "App")


def doc_batch(doc_id: str, version: str, n: int = 2, amount: float = 18228000000.0):
    doc = Document(id=doc_id, text="x", title=doc_id, content_hash=version, date="2021-04-10")
    facts = [EventFact("owns", ALI, TAOBAO, doc_id, f"句子{version}{i}", (i * 10, i * 10 + 5),
                       "owns.qixia", 0.9, amount=amount) for i in range(n)]
    return doc_id, doc_iri(doc_id), document_quads(doc, facts)


def graph_quads(store: EmbeddedStore, doc_id: str) -> set[Quad]:
    return set(store.raw.quads_for_pattern(None, None, None, NamedNode(doc_iri(doc_id))))


def test_replace_touches_only_its_graph(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        store.replace_documents([doc_batch("a", "v1"), doc_batch("b", "v1")])
        b_before = graph_quads(store, "b")
        new_a = doc_batch("a", "v2", n=1)
        store.replace_documents([new_a])
        assert graph_quads(store, "a") == set(new_a[2])
        assert graph_quads(store, "b") == b_before
        assert store.document_hashes() == {"a": "v2", "b": "v1"}
        assert store.stats()["documents"] == 2


def test_mixed_batch_of_new_and_changed_documents(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        store.replace_documents([doc_batch("a", "v1", n=3)])
        store.replace_documents([doc_batch("a", "v2", n=1), doc_batch("c", "v1")])
        assert store.document_hashes() == {"a": "v2", "c": "v1"}
        assert store.stats()["mentions"] == 3


def test_data_survives_reopen_and_remove(tmp_path):
    path = str(tmp_path / "kg.db")
    with open_store(path) as store:
        store.replace_documents([doc_batch("a", "v1"), doc_batch("b", "v1")])
    with open_store(path) as store:
        assert store.document_hashes() == {"a": "v1", "b": "v1"}
        store.remove_documents(["a"])
        assert store.document_hashes() == {"b": "v1"}
        assert graph_quads(store, "a") == set()


def test_decimals_round_trip_exactly(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        store.replace_documents([doc_batch("a", "v1", n=1, amount=18228000000.0),
                                 doc_batch("b", "v1", n=1, amount=0.165)])
        rows = store.query("SELECT ?a WHERE { ?e kg:amount ?a } ORDER BY ?a", raw=True)
        assert [r["a"].value for r in rows] == ["0.165", "18228000000"]
        rows = store.query("SELECT ?a WHERE { ?e kg:amount ?a } ORDER BY ?a")
        assert [r["a"] for r in rows] == [0.165, 18228000000.0]


def test_query_shapes(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        store.replace_documents([doc_batch("a", "v1", n=1)])
        assert store.query("ASK { ?e kg:predicate 'owns' }") is True
        rows = store.query("SELECT ?s ?start ?none WHERE { ?m kg:start ?start . "
                           "?e kg:subject ?s OPTIONAL { ?e kg:nothing ?none } }")
        assert rows == [{"s": ALI.iri, "start": 0, "none": None}]
        triples = store.query("CONSTRUCT { ?s kg:owns ?o } WHERE { ?s kg:owns ?o }")
        assert len(triples) == 1
        with pytest.raises(StoreError):
            store.query("DROP ALL")


INJECTION = '"x" } ; DROP ALL ; {'


def test_bindings_cannot_inject(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        store.replace_documents([doc_batch("a", "v1")])
        before = set(store.raw)
        rows = store.query("SELECT ?v WHERE { ?e kg:predicate ?p }", {"v": INJECTION})
        assert rows and all(r["v"] == INJECTION for r in rows)
        assert store.query("SELECT ?e WHERE { ?e kg:predicate ?p }", {"p": INJECTION}) == []
        assert set(store.raw) == before


def test_load_static_only_when_changed(tmp_path):
    ttl = tmp_path / "entities.ttl"
    ttl.write_text(f'<{ALI.iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> "阿里巴巴"@zh .\n',
                   encoding="utf-8")
    with open_store(str(tmp_path / "kg.db")) as store:
        assert store.load_static(GAZETTEER_GRAPH, ttl) is True
        assert store.load_static(GAZETTEER_GRAPH, ttl) is False
        ttl.write_text(f'<{ALI.iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> "阿里"@zh .\n',
                       encoding="utf-8")
        assert store.load_static(GAZETTEER_GRAPH, ttl) is True
        labels = store.query("SELECT ?l WHERE { ?s skos:prefLabel ?l }")
        assert labels == [{"l": "阿里"}]


def test_dump_and_bulk_load_round_trip(tmp_path):
    with open_store(str(tmp_path / "a.db")) as store:
        store.replace_documents([doc_batch("a", "v1"), doc_batch("b", "v2")])
        store.dump(tmp_path / "out.nq")
        store.dump(tmp_path / "out.trig")
        store.dump(tmp_path / "out.ttl")
        store.dump(tmp_path / "out.jsonld")
        original = set(store.raw)
    for name in ("out.nq", "out.trig"):
        with open_store(str(tmp_path / (name + ".db"))) as copy:
            copy.bulk_load(tmp_path / name)
            assert set(copy.raw) == original
    assert (tmp_path / "out.ttl").stat().st_size > 0
    assert (tmp_path / "out.jsonld").read_text(encoding="utf-8").lstrip()[0] in "[{"


def test_compact_after_bulk_loads_keeps_every_quad(tmp_path):
    """Several bulk loads leave one level-0 file each; compacting merges them and keeps the data."""
    with open_store(str(tmp_path / "a.db")) as store:
        store.replace_documents([doc_batch(name, "v1") for name in "abcdef"])
        store.dump(tmp_path / "out.nq")
    lines = (tmp_path / "out.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    parts = []
    for i in range(4):
        part = tmp_path / f"part{i}.nq"
        part.write_text("".join(lines[i::4]), encoding="utf-8")
        parts.append(part)
    db = tmp_path / "b.db"
    with open_store(str(db)) as store:
        for part in parts:
            store.bulk_load(part)
        before = set(store.raw)
        files_before = len(list(db.glob("*.sst")))
        store.compact()
        assert len(list(db.glob("*.sst"))) < files_before
        assert set(store.raw) == before and len(before) == len(lines)
    with open_store(str(db), read_only=True) as reader:
        reader.compact()  # a reader leaves the files alone
        assert set(reader.raw) == before


HOLDER = textwrap.dedent("""
    import sys, time
    from kg.store import open_store
    s = open_store(sys.argv[1])
    s.replace_documents([])
    print("ready", flush=True)
    time.sleep(float(sys.argv[2]))
    s.close()
""")


def hold_lock(path: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, path, str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_second_writer_gets_store_busy(tmp_path):
    path = str(tmp_path / "kg.db")
    with open_store(path) as store:
        store.replace_documents([doc_batch("a", "v1")])
    proc = hold_lock(path, 30)
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreBusyError, match="store is in use by another kg process"):
            open_store(path, lock_timeout=0.5)
        assert time.monotonic() - t0 < 5
        # a reader is not blocked by the writer's lock and sees committed data
        with open_store(path, read_only=True) as reader:
            assert reader.document_hashes() == {"a": "v1"}
            with pytest.raises(StoreError):
                reader.replace_documents([doc_batch("b", "v1")])
    finally:
        proc.kill()
        proc.wait()
    # the lock dies with its process: a writer can open again
    with open_store(path, lock_timeout=5) as store:
        assert store.document_hashes() == {"a": "v1"}


def test_writer_waits_for_the_lock(tmp_path):
    path = str(tmp_path / "kg.db")
    proc = hold_lock(path, 1.0)
    try:
        with open_store(path, lock_timeout=20) as store:
            store.replace_documents([doc_batch("a", "v1")])
            assert store.document_hashes() == {"a": "v1"}
    finally:
        proc.wait()


def test_missing_store_read_only_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        open_store(str(tmp_path / "absent.db"), read_only=True)


def test_query_timeout(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        store.raw.extend(Quad(NamedNode(f"http://e/{i}"), NamedNode("http://p"), Literal(str(i)))
                         for i in range(300))
        with pytest.raises(QueryTimeoutError):
            store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                        "?j ?k ?l . ?m ?n0 ?o }", timeout=0.5)


# --------------------------------------------------------------- a real server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def oxigraph_server(tmp_path):
    if not OXIGRAPH.exists():
        pytest.skip("oxigraph server binary not installed")
    port = free_port()
    proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(tmp_path / "server"),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("oxigraph server did not start")
            time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_remote_store_matches_embedded(tmp_path, oxigraph_server):
    remote = open_store(endpoint=oxigraph_server + "/query")
    assert isinstance(remote, RemoteStore)
    assert remote.gsp == oxigraph_server + "/store"
    with open_store(str(tmp_path / "kg.db")) as local:
        for store in (remote, local):
            store.replace_documents([doc_batch("a", "v1"), doc_batch("b", "v1")])
            store.replace_documents([doc_batch("a", "v2", n=1, amount=0.165)])
        q = "SELECT ?e ?a ?start WHERE { ?e kg:amount ?a ; prov:wasDerivedFrom ?m . ?m kg:start ?start } ORDER BY ?e"
        assert remote.query(q) == local.query(q)
        assert remote.document_hashes() == local.document_hashes() == {"a": "v2", "b": "v1"}
        assert remote.stats() == local.stats()
        assert remote.query("ASK { ?s kg:owns ?o }") is True
        bound = "SELECT ?e WHERE { ?e kg:subject ?s }"
        assert remote.query(bound, {"s": iri(ALI.iri)}) == local.query(bound, {"s": iri(ALI.iri)})
        before = remote.triple_count()
        rows = remote.query("SELECT ?v WHERE { ?e kg:predicate ?p }", {"v": INJECTION})
        assert rows and all(r["v"] == INJECTION for r in rows)
        assert remote.triple_count() == before
        remote.remove_documents(["b"])
        assert remote.document_hashes() == {"a": "v2"}


def test_remote_without_gsp_falls_back_to_update(oxigraph_server):
    remote = RemoteStore(oxigraph_server + "/query", gsp=oxigraph_server + "/nothing-here")
    remote.replace_documents([doc_batch("a", "v1")])
    remote.replace_documents([doc_batch("a", "v2", n=1)])
    assert remote.gsp is None
    assert remote.document_hashes() == {"a": "v2"}
    assert remote.stats()["mentions"] == 1


# ------------------------------------------------------- N-Quads batches (kg build)
def nq_batch(doc_id: str, version: str, n: int = 2):
    from pyoxigraph import RdfFormat, serialize

    doc_id, graph, quads = doc_batch(doc_id, version, n)
    return doc_id, graph, serialize(quads, format=RdfFormat.N_QUADS), quads


def test_replace_documents_nquads_fresh_and_changed(tmp_path):
    with open_store(str(tmp_path / "kg.db")) as store:
        a1, b1 = nq_batch("a", "v1", 3), nq_batch("b", "v1")
        store.replace_documents_nquads([a1[:3], b1[:3]])
        assert graph_quads(store, "a") == set(a1[3])
        a2, c1 = nq_batch("a", "v2", 1), nq_batch("c", "v1")
        store.replace_documents_nquads([a2[:3], c1[:3]])  # one changed, one new, one batch
        assert graph_quads(store, "a") == set(a2[3])
        assert graph_quads(store, "b") == set(b1[3])
        assert graph_quads(store, "c") == set(c1[3])
        assert store.document_hashes() == {"a": "v2", "b": "v1", "c": "v1"}


def test_nquads_to_ntriples_keeps_objects_that_name_the_graph():
    from kg.store import _nq_to_nt

    g = "https://w3id.org/kg/doc/x"
    data = f"<{g}> <p> <{g}> <{g}> .\n<s> <p> \"<{g}> .\" <{g}> .\n".encode()
    assert _nq_to_nt(g, data) == f"<{g}> <p> <{g}> .\n<s> <p> \"<{g}> .\" .\n".encode()


def test_remote_nquads_batches_match_embedded(tmp_path, oxigraph_server):
    remote = open_store(endpoint=oxigraph_server + "/query")
    local = open_store(str(tmp_path / "kg.db"))
    for batch in ([nq_batch("a", "v1", 3)[:3]], [nq_batch("a", "v2", 1)[:3], nq_batch("b", "v1")[:3]]):
        remote.replace_documents_nquads(batch)
        local.replace_documents_nquads(batch)
    assert remote.document_hashes() == local.document_hashes() == {"a": "v2", "b": "v1"}
    assert remote.triple_count() == local.triple_count()
    remote.gsp = None  # the SPARQL UPDATE path
    remote.replace_documents_nquads([nq_batch("b", "v3", 4)[:3]])
    local.replace_documents_nquads([nq_batch("b", "v3", 4)[:3]])
    assert remote.triple_count() == local.triple_count()
    local.close()
