"""kg.project: the networkx projection (fixture graph in conftest.py)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from conftest import (ALIBABA, BAD, EXPECTED_EDGES, EXPECTED_NODES, JIANZHI, SAMR, TAOBAO, WECHAT, XIANYU,
                      fixture_store)
from kg.vocabulary import ENT
from kg.project import date_interval, fact_groups, to_networkx


# --------------------------------------------------------------------------- tests

@pytest.fixture(scope="module", params=["graphstore", "pyoxigraph"])
def store(request, tmp_path_factory):
    if request.param == "pyoxigraph":
        yield fixture_store()
        return
    s = fixture_store(tmp_path_factory.mktemp("kg") / "kg.db")
    yield s
    s.close()


def _plain(value) -> bool:
    return type(value) in (str, int, float, bool)


def test_nodes_are_iris_and_attrs_plain(store):
    G = to_networkx(store)
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_nodes() == EXPECTED_NODES
    assert G.number_of_edges() == EXPECTED_EDGES
    for n, data in G.nodes(data=True):
        assert n.startswith("https://w3id.org/kg/entity/")
        assert {"label", "type", "wikidata", "kind"} <= set(data)
        assert all(_plain(v) for v in data.values()), (n, data)
    for u, v, k, data in G.edges(keys=True, data=True):
        assert k.startswith("https://w3id.org/kg/fact/")
        assert data["label"] == data["predicate"]
        assert all(_plain(x) for x in data.values()), (u, v, data)
        assert isinstance(data["weight"], int) and data["weight"] >= 1
    assert G.nodes[ENT + "alibaba"]["label"] == "阿里巴巴"
    assert G.nodes[ENT + "alibaba"]["wikidata"] == "Q1359568"
    assert G.nodes[ENT + "alibaba"]["type"] == "Company"
    assert G.nodes[JIANZHI.iri]["discovered"] is True
    assert G.nodes[ENT + "samr"]["wikidata"] == ""


def test_edges_merged_across_mentions(store):
    G = to_networkx(store)
    apps = G.get_edge_data(XIANYU.iri, WECHAT.iri)
    assert len(apps) == 1
    (data,) = apps.values()
    assert data["weight"] == 2 and data["documents"] == 2
    assert data["sources"] == "seeds/a.txt; seeds/b.html"
    assert data["date"] == "2021-04-07" and data["start"] == data["end"] == "2021-04-07"
    assert data["status"] == "submitted" and data["modality"] == "reported"
    fine = next(iter(G.get_edge_data(SAMR.iri, ALIBABA.iri).values()))
    assert fine["amount"] == 18228000000.0 and fine["unit"] == "CNY"
    # competes_with in both directions merges into one edge
    comp = [d for _, _, d in G.edges(data=True) if d["predicate"] == "competes_with"]
    assert len(comp) == 1 and comp[0]["weight"] == 2
    # parallel edges kept: blocks and unblocks between wechat and taobao
    assert len(G.get_edge_data(WECHAT.iri, TAOBAO.iri)) == 2


def test_null_sides_are_not_edges(store):
    G = to_networkx(store)
    assert not any(d["predicate"] in ("reports_metric", "suspends") for _, _, d in G.edges(data=True))
    # but their entities are nodes, and counted
    assert G.nodes[XIANYU.iri]["facts"] >= 5


def test_filters(store):
    G = to_networkx(store, predicates=["fines"])
    assert {d["predicate"] for _, _, d in G.edges(data=True)} == {"fines"}
    assert G.number_of_edges() == 2 and G.number_of_nodes() == 3
    G = to_networkx(store, since="2021", until="2021-06")
    dates = sorted(d["date"] for _, _, d in G.edges(data=True))
    assert dates and all("2021-01-01" <= d[:10].ljust(10, "0") for d in dates)
    assert "2021-09" not in dates and "2013" not in dates
    G = to_networkx(store, min_confidence=0.8)
    assert BAD.iri not in G
    G = to_networkx(store, modality="planned")
    assert [d["predicate"] for _, _, d in G.edges(data=True)] == ["supports_payment"]


def test_events_as_nodes(store):
    G = to_networkx(store, events_as_nodes=True)
    events = [n for n, d in G.nodes(data=True) if d["kind"] == "event"]
    assert len(events) == len(fact_groups(store))
    metric = [n for n in events if G.nodes[n]["predicate"] == "reports_metric"]
    assert len(metric) == 1
    assert list(G.predecessors(metric[0])) == [XIANYU.iri]
    assert list(G.successors(metric[0])) == []
    for u, v, d in G.edges(data=True):
        assert d["label"] in ("subject", "object")
        assert (G.nodes[u]["kind"], G.nodes[v]["kind"]) in (("entity", "event"), ("event", "entity"))
    for _, data in G.nodes(data=True):
        assert all(_plain(x) for x in data.values())


def test_date_interval():
    assert date_interval("2021") == ("2021-01-01", "2021-12-31")
    assert date_interval("2020-02") == ("2020-02-01", "2020-02-29")
    assert date_interval("2021-04-07") == ("2021-04-07", "2021-04-07")
    assert date_interval("2021-13") is None
    assert date_interval("明天") is None and date_interval("") is None


def test_stable_across_runs():
    a = to_networkx(fixture_store())
    b = to_networkx(fixture_store())
    assert list(a.nodes) == list(b.nodes)
    assert list(a.edges(keys=True)) == list(b.edges(keys=True))
    assert not any(isinstance(v, float) and math.isnan(v) for _, _, d in a.edges(data=True) for v in d.values())


def _overlaps(interval, lo, hi) -> bool:
    return interval is not None and interval[1] >= lo and interval[0] <= hi


WINDOWS = [("2013", "2013"), ("2021-04", "2021-04"), ("2021-04-08", "2021-12-31"), ("2018-12-31", "2019-02"),
           ("2021-04-07", "2021-04-07"), ("2000", "2012"), ("2019-02-28", "2020-01-01")]


@pytest.mark.parametrize("since,until", WINDOWS)
def test_date_window_is_filtered_in_the_query_without_losing_facts(store, since, until):
    """The window is pushed into the SPARQL scan: it must keep exactly the groups whose
    date interval overlaps it, at every date precision."""
    lo, hi = date_interval(since)[0], date_interval(until)[1]
    expected = sorted(g["key"] for g in fact_groups(store) if _overlaps(g["interval"], lo, hi))
    got = sorted(g["key"] for g in fact_groups(store, since=since, until=until))
    assert got == expected


def test_predicate_filter_in_the_query(store):
    expected = sorted(g["key"] for g in fact_groups(store) if g["predicate"] in ("blocks", "fines"))
    assert sorted(g["key"] for g in fact_groups(store, predicates="blocks,fines")) == expected
    assert fact_groups(store, predicates=["no_such_relation"]) == []
    assert fact_groups(store, predicates='x") || true || ("') == []


def test_many_entities_are_read_in_one_scan(store, monkeypatch):
    """Past the VALUES limit the entities come from one scan of every labelled node:
    the projection must not change."""
    import kg.entity_info as entity_info

    small = to_networkx(store)
    monkeypatch.setattr(entity_info, "VALUES_LIMIT", 1)
    large = to_networkx(store)
    assert sorted(small.nodes(data=True)) == sorted(large.nodes(data=True))
    assert sorted(small.edges(keys=True, data=True)) == sorted(large.edges(keys=True, data=True))


def test_a_large_store_is_projected_from_slices_of_documents_with_the_same_graph(seeds_store, monkeypatch):
    """Past SCAN_FACTS_LIMIT facts the projection reads a few documents at a time;
    the groups (and so the graph) are those of the one-scan read, filters included."""
    from kg import scan
    from kg.store import open_store

    with open_store(seeds_store, read_only=True) as store:
        for filters in ({}, {"predicates": "blocks,owns", "since": "2013", "until": "2020-06"}):
            whole = fact_groups(store, **filters)
            monkeypatch.setattr(scan, "SCAN_FACTS_LIMIT", 0)
            for size in (1, 3):
                monkeypatch.setattr(scan, "SCAN_BATCH_DOCUMENTS", size)
                assert fact_groups(store, **filters) == whole
            monkeypatch.undo()
            assert len(whole) > 5
