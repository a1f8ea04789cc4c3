"""kg.result_cache: saved-query results reused while the store is unchanged, never stale."""

from __future__ import annotations

import json
import os
import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import ALIBABA, MEITUAN, fixture_store

from kg import queries, result_cache
from kg.api import KnowledgeGraph
from kg.cli import cli
from kg.mapping import document_quads
from kg.models import Document, Entity, EventFact
from kg.result_cache import CACHE_DIR, SUFFIX, ResultCache, store_fingerprint
from kg.store import open_store
from kg.vocabulary import ENT, doc_iri

SAMR = Entity(ENT + "samr", "市场监管总局", "Regulator")
JD = Entity(ENT + "jd", "京东", "Company")


@pytest.fixture(autouse=True)
def keep_everything(monkeypatch):
    """Keep every result, however fast (the fixture's queries take milliseconds),
    from a store written a moment ago (the filesystem here has fine timestamps)."""
    monkeypatch.setattr(result_cache, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(result_cache, "SETTLE_SECONDS", 0.0)


@pytest.fixture()
def path(tmp_path):
    fixture_store(tmp_path / "kg.db").close()
    return tmp_path / "kg.db"


def fines(store, cache: bool = True) -> queries.Result:
    return queries.run(store, queries.load("fines-by-regulator"), {}, cache=cache)


def settle(store) -> None:
    """Compact and wait until RocksDB stops changing files in the background
    (a writable store may change them at any time: the cache then just recomputes)."""
    store.compact()
    store.query("ASK { ?s ?p ?o }")  # RocksDB may rewrite its tables on the first read after that
    last = store_fingerprint(store.location)
    for _ in range(50):
        time.sleep(0.05)
        now = store_fingerprint(store.location)
        if now == last:
            return
        last = now
    pytest.fail("the store's files kept changing")


def add_fine(store) -> None:
    """A new document with one more fine (written through kg)."""
    doc = Document(id="seeds/new.txt", text="x", title="新罚款", date="2022-01-01", content_hash="n1")
    fact = EventFact("fines", SAMR, JD, doc.id, "市场监管总局对京东处以罚款。", (0, 10), "fines.test", 0.9,
                     date="2022-01", amount=5000000.0, unit="CNY")
    store.replace_documents([(doc.id, doc_iri(doc.id), document_quads(doc, [fact]))])


def test_second_run_is_read_back_with_identical_rows_and_types(path):
    with open_store(path, read_only=True) as store:
        first, again = fines(store), fines(store)
        fresh = fines(store, cache=False)
    assert not first.cached and again.cached and not fresh.cached
    assert first.rows and again.rows == fresh.rows and again.columns == fresh.columns
    types = [[type(v) for v in row.values()] for row in again.rows]
    assert types == [[type(v) for v in row.values()] for row in fresh.rows]
    assert any(isinstance(row.get("amount"), float) for row in again.rows)


def test_a_write_through_kg_is_seen_at_once(path):
    with open_store(path) as store:
        settle(store)
        before = fines(store)
        assert fines(store).cached
        add_fine(store)
        after = fines(store)
    assert not after.cached and len(after.rows) == len(before.rows) + 1


def test_a_write_by_another_program_is_seen(path):
    with open_store(path, read_only=True) as store:
        before = fines(store)
    raw = ox.Store(str(path))
    raw.remove_graph(ox.NamedNode(doc_iri("seeds/b.html")))  # the fixture's fines
    raw.flush()
    del raw
    with open_store(path, read_only=True) as store:
        after = fines(store)
    assert before.rows and not after.cached and after.rows == []


def test_a_reader_opened_before_a_write_never_serves_its_snapshot_to_later_readers(path):
    old = open_store(path, read_only=True)
    with open_store(path) as writer:
        add_fine(writer)
    stale = fines(old)  # the old snapshot, kept under the old fingerprint
    old.close()
    with open_store(path, read_only=True) as store:
        now = fines(store)
    assert not now.cached and len(now.rows) == len(stale.rows) + 1


def test_parameters_are_part_of_the_key(path):
    with open_store(path, read_only=True) as store:
        saved = queries.load("entity-facts")
        a = queries.run(store, saved, {"entity": f"<{ALIBABA.iri}>"})
        b = queries.run(store, saved, {"entity": f"<{MEITUAN.iri}>"})
        a2 = queries.run(store, saved, {"entity": f"<{ALIBABA.iri}>"})
    assert not b.cached and a2.cached and a2.rows == a.rows != b.rows


def test_damaged_or_unwritable_cache_never_breaks_a_query(path):
    with open_store(path, read_only=True) as store:
        expected = fines(store).rows
    for f in (path / CACHE_DIR).glob("*" + SUFFIX):
        f.write_bytes(b"{not json")
    with open_store(path, read_only=True) as store:
        damaged = fines(store)
    assert not damaged.cached and damaged.rows == expected
    ResultCache(path).clear()
    (path / CACHE_DIR / "FINGERPRINT").unlink()
    (path / CACHE_DIR).rmdir()
    (path / CACHE_DIR).write_text("a file where the directory should be")
    with open_store(path, read_only=True) as store:
        runs = [fines(store), fines(store)]
    assert [r.cached for r in runs] == [False, False] and runs[1].rows == expected


def test_fast_results_are_not_kept(path, monkeypatch):
    monkeypatch.setattr(result_cache, "MIN_SECONDS", 3600.0)
    with open_store(path, read_only=True) as store:
        assert not fines(store).cached and not fines(store).cached


def test_directory_is_trimmed_oldest_first(path, monkeypatch):
    with open_store(path, read_only=True) as store:
        fines(store)
        size = sum(f.stat().st_size for f in (path / CACHE_DIR).glob("*" + SUFFIX))
        monkeypatch.setattr(result_cache, "MAX_BYTES", size + 10)
        queries.run(store, queries.load("blocking-events"), {})
        assert not fines(store).cached  # the oldest went to make room
        assert len(list((path / CACHE_DIR).glob("*" + SUFFIX))) == 1


def test_fingerprint_ignores_reading_and_changes_with_writes(path):
    first = store_fingerprint(path)
    with open_store(path, read_only=True) as store:
        fines(store)
    assert store_fingerprint(path) == first  # reading (and the cache itself) changes nothing
    with open_store(path) as store:
        settle(store)
        opened = store_fingerprint(path)
        add_fine(store)
        assert store_fingerprint(path) != opened


def test_cli_no_cache_gives_the_same_output(path):
    runner = CliRunner()
    args = ["query", "fines-by-regulator", "--store", str(path), "--format", "csv"]
    first = runner.invoke(cli, args)
    cached = runner.invoke(cli, args)
    evaluated = runner.invoke(cli, [*args, "--no-cache"])
    assert first.exit_code == cached.exit_code == evaluated.exit_code == 0, first.output
    assert first.output == cached.output == evaluated.output and "阿里巴巴" in first.output
    assert list((path / CACHE_DIR).glob("*" + SUFFIX))


def test_warm_keeps_every_parameterless_query_for_later_runs(path):
    runner = CliRunner()
    warm = runner.invoke(cli, ["warm", "--store", str(path), "--format", "jsonl"])
    assert warm.exit_code == 0, warm.output
    rows = [json.loads(line) for line in warm.output.splitlines()]
    ran = {r["query"] for r in rows if r["note"] is None}
    assert {"fines-by-regulator", "blocking-events", "(kg facts)"} <= ran
    assert next(r for r in rows if r["query"] == "entity-facts")["note"] == "needs --param entity"
    with open_store(path, read_only=True) as store:
        for name in ran - {"(kg facts)"}:
            assert queries.run(store, queries.load(name), {}).cached, name
        table, read_back = KnowledgeGraph(store)._fact_table(None, False, None, True)
        assert read_back and len(table) == next(r for r in rows if r["query"] == "(kg facts)")["rows"] > 0
    again = runner.invoke(cli, ["warm", "--store", str(path), "--format", "jsonl"])
    assert all(json.loads(line)["read_back"] for line in again.output.splitlines()
               if json.loads(line)["note"] is None)


def test_warm_refuses_a_missing_store(tmp_path):
    result = CliRunner().invoke(cli, ["warm", "--store", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no store at" in result.output


def test_nothing_is_kept_or_read_back_while_files_are_fresh(path, monkeypatch):
    with open_store(path, read_only=True) as store:
        fines(store)
        assert fines(store).cached
    # A write within one tick of the filesystem clock could leave size and mtime
    # unchanged: a store whose files changed in the last seconds has no fingerprint.
    monkeypatch.setattr(result_cache, "SETTLE_SECONDS", 3600.0)
    assert store_fingerprint(path) is None
    with open_store(path, read_only=True) as store:
        assert store.result_cache is None
        assert not fines(store).cached
    with open_store(path) as store:
        assert not fines(store).cached and not fines(store).cached


def test_a_write_while_a_reader_opens_leaves_that_reader_without_cache(path, monkeypatch):
    import kg.store

    writer = ox.Store(str(path))  # another program writing (RocksDB lets readers open)
    real = ox.Store.read_only

    class WriteWhileOpening:
        @staticmethod
        def read_only(location: str) -> ox.Store:
            writer.remove_graph(ox.NamedNode(doc_iri("seeds/b.html")))
            writer.flush()
            return real(location)

    monkeypatch.setattr(kg.store, "Store", WriteWhileOpening)
    with open_store(path, read_only=True) as store:
        assert store.result_cache is None
        assert fines(store).rows == [] and not fines(store).cached
    del writer


def test_an_old_snapshot_keeps_nothing_and_spares_newer_results(path):
    old = open_store(path, read_only=True)
    with open_store(path) as writer:
        add_fine(writer)
    with open_store(path, read_only=True) as store:
        new = fines(store)
        assert fines(store).cached
    assert not fines(old).cached and not fines(old).cached  # its state is gone: not kept
    old.close()
    with open_store(path, read_only=True) as store:
        again = fines(store)
    assert again.cached and again.rows == new.rows


def test_queries_that_depend_on_more_than_the_data_are_never_kept(path):
    text = "SELECT ?n (NOW() AS ?t) WHERE { VALUES ?n { 1 } }"
    with open_store(path, read_only=True) as store:
        runs = [queries.run(store, text) for _ in range(2)]
        plain = [queries.run(store, "SELECT ?n WHERE { VALUES ?n { 'now' } } # rand()") for _ in range(2)]
    assert [r.cached for r in runs] == [False, False]
    assert [r.cached for r in plain] == [False, True]  # the words in a string or comment do not count


def test_files_of_the_wrong_shape_are_misses(path):
    with open_store(path, read_only=True) as store:
        expected = fines(store).rows
    entry = next((path / CACHE_DIR).glob("*" + SUFFIX))
    good = entry.read_bytes()
    header, _, body = good.partition(b"\n")
    more_rows = json.loads(header)
    more_rows["rows"] += 1
    for junk in (b"[" * 200_000, b"null", good[:-1], good + b"x",
                 json.dumps(more_rows).encode() + b"\n" + body):
        entry.write_bytes(junk)
        with open_store(path, read_only=True) as store:
            got = fines(store)
        assert not got.cached and got.rows == expected


def test_leftover_temporary_files_are_removed(path):
    with open_store(path, read_only=True) as store:
        fines(store)
    leftover = path / CACHE_DIR / ".abc.rows.x1y2"
    leftover.write_bytes(b"half")
    os.utime(leftover, (0, 0))
    fresh = path / CACHE_DIR / ".def.rows.z3"
    fresh.write_bytes(b"being written")
    assert ResultCache(path).clear() == 2  # the stored result and the old leftover
    assert not leftover.exists() and fresh.exists()


def test_the_fact_table_is_kept_until_the_store_changes(path, monkeypatch):
    import kg
    from kg import facts as facts_module

    computed = []
    real = facts_module.fact_rows
    monkeypatch.setattr(facts_module, "fact_rows", lambda *a, **k: computed.append(k) or real(*a, **k))
    with kg.open(str(path)) as graph:
        first = graph.facts()
        again = graph.facts()
        merged = graph.facts(merged=True)
        only = graph.facts("fines")
        fresh = graph.facts(cache=False)
    assert len(computed) == 4  # the second call was read back; merged, one predicate and cache=False were not
    assert first and again == first == fresh and list(again[0]) == list(first[0])
    assert [[type(v) for v in r.values()] for r in again] == [[type(v) for v in r.values()] for r in first]
    assert "mentions" in merged[0] and {r["predicate"] for r in only} == {"fines"}
    with open_store(path) as store:
        add_fine(store)
    with kg.open(str(path)) as graph:
        after = graph.facts()
    assert len(computed) == 5 and len(after) == len(first) + 1


def test_kg_facts_no_cache_gives_the_same_table(path):
    runner = CliRunner()
    args = ["facts", "--store", str(path), "--format", "jsonl"]
    kept = [runner.invoke(cli, args) for _ in range(2)]
    fresh = runner.invoke(cli, [*args, "--no-cache"])
    assert [r.exit_code for r in (*kept, fresh)] == [0, 0, 0]
    assert kept[0].output == kept[1].output == fresh.output and fresh.output.count("\n") > 3
    assert list((path / CACHE_DIR).glob("*" + SUFFIX))
