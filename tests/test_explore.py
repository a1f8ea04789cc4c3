"""kg.explore and `kg entity | path | neighbors | timeline` on the fixture graph (conftest.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import ALIBABA, BAD, JIANZHI, TAOBAO, TENCENT, WECHAT, XIANYU, fixture_store
from kg import explore
from kg.api import KnowledgeGraph
from kg.cli import cli


class Gazetteer:
    """The gazetteer is the real one (ontology/entities.ttl): the fixture uses the same IRIs."""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("kg") / "kg.db"
    fixture_store(path).close()
    return str(path)


@pytest.fixture(scope="module")
def graph(store_path):
    from kg.store import open_store

    g = KnowledgeGraph(open_store(store_path, read_only=True))
    yield g
    g.close()


def run(*args: str, store: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--store", store])
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- resolving names

@pytest.mark.parametrize("name, iri", [
    ("闲鱼", XIANYU.iri), ("阿里", ALIBABA.iri), ("Alibaba", ALIBABA.iri), ("alibaba", ALIBABA.iri),
    ("ent:wechat", WECHAT.iri), (f"<{TENCENT.iri}>", TENCENT.iri), (TAOBAO.iri, TAOBAO.iri),
    ("拣值了", JIANZHI.iri),  # a discovered entity: found through its label in the store
])
def test_resolve(graph, name, iri):
    assert graph.resolve(name) == iri


def test_unknown_name_suggests_close_labels(graph):
    with pytest.raises(explore.UnknownEntity, match=r"unknown entity '阿里爸爸'; did you mean 阿里巴巴"):
        graph.resolve("阿里爸爸")
    with pytest.raises(explore.UnknownEntity, match=r"^unknown entity 'zzzz'$"):
        graph.resolve("zzzz")


# --------------------------------------------------------------------------- entity

def test_entity_record(graph):
    r = graph.entity("闲鱼")
    assert (r["iri"], r["label"], r["label_en"], r["type"]) == (XIANYU.iri, "闲鱼", "Xianyu", "App")
    assert r["owners"] == [{"id": ALIBABA.iri, "label": "阿里巴巴", "via": "facts, gazetteer"}]
    preds = {(f["direction"], f["predicate"]) for f in r["facts"]}
    assert preds == {("out", "applies_to"), ("out", "reports_metric"), ("in", "owns"), ("in", "holds_position")}
    assert all(f["sentence"] and f["source"] for f in r["facts"])
    applied = [f for f in r["facts"] if f["predicate"] == "applies_to"]
    assert {f["otherLabel"] for f in applied} == {"微信"} and {f["date"] for f in applied} == {"2021-04-07"}
    assert {f["modality"] for f in applied} == {"reported"}
    dates = [f["date"] for f in r["facts"] if f["date"]]
    assert dates == sorted(dates) and r["facts"][-1]["date"] is None  # date order, undated last
    alibaba = graph.entity("阿里")
    assert alibaba["wikidata"] == "Q1359568" and "阿里" in alibaba["aliases"]
    assert {o["label"] for o in alibaba["owns"]} == {"闲鱼", "淘宝", "淘宝特价版"}
    assert graph.entity("拣值了")["discovered"] is True


def test_entity_cli(store_path):
    code, out, _ = run("entity", "阿里", "--format", "table", store=store_path)
    assert code == 0
    assert out.splitlines()[0] == f"阿里巴巴  (Company)  {ALIBABA.iri}"
    assert "wikidata:   Q1359568" in out and "owns:" in out and "市场监管总局对阿里巴巴处以182.28亿元罚款。" in out
    code, out, _ = run("entity", "闲鱼", "--format", "json", store=store_path)
    assert code == 0 and json.loads(out)["owners"][0]["label"] == "阿里巴巴"
    code, out, _ = run("entity", "闲鱼", "--format", "jsonl", store=store_path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["entityLabel"] == "闲鱼" and r["sentence"] for r in rows)


def test_unknown_entity_cli_is_one_line_exit_1(store_path):
    for args in (["entity", "阿里爸爸"], ["path", "闲鱼", "阿里爸爸"], ["neighbors", "阿里爸爸"],
                 ["timeline", "--entity", "阿里爸爸"]):
        code, out, err = run(*args, store=store_path)
        assert code == 1, args
        assert out == ""
        assert err == "kg: error: unknown entity '阿里爸爸'; did you mean 阿里巴巴?\n", args


# --------------------------------------------------------------------------- timeline

def test_timeline(graph):
    rows = graph.timeline()
    assert rows and all(r["date"] for r in rows)
    starts = [explore.iv_key(r["date"]) for r in rows]
    assert starts == sorted(starts)
    assert rows[0]["date"] == "2013" and rows[0]["predicate"] == "blocks"
    wechat = graph.timeline("微信", since="2021-04", until="2021-09")
    # the 2021-03 application ends before 2021-04; a month sorts before the days in it
    assert [(r["date"], r["predicate"]) for r in wechat] == [
        ("2021-04", "launches_on"), ("2021-04-07", "applies_to"), ("2021-04-07", "applies_to"),
        ("2021-09", "unblocks")]
    # a year overlaps any month of it
    assert {r["predicate"] for r in graph.timeline(since="2021-06", until="2021-06")} == {"reports_metric"}
    undated = graph.timeline("闲鱼", include_undated=True)
    assert undated[-1]["date"] is None and any(r["date"] for r in undated)
    with pytest.raises(explore.QueryError, match="bad --since date"):
        graph.timeline(since="20x")


def test_timeline_cli(store_path):
    code, out, _ = run("timeline", "--entity", "腾讯", "--format", "jsonl", store=store_path)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["date"], r["subject"], r["predicate"], r["object"]) for r in rows] == [
        ("2018", "腾讯", "blocks", "抖音"), ("2021-09", "工信部", "orders", "腾讯")]
    code, out, err = run("timeline", "--since", "2030", "--format", "csv", store=store_path)
    assert code == 0 and out.splitlines() == [",".join(explore.TIMELINE_COLUMNS)]  # header only
    code, out, err = run("timeline", "--since", "2030", store=store_path)
    assert code == 0 and out == ""  # jsonl in a pipe: no rows, no lines


# --------------------------------------------------------------------------- paths and neighbours

def test_paths(graph):
    found = graph.path("闲鱼", "淘宝", max_hops=3)
    texts = {" ".join(s["from"] + " " + explore.relation_text(s["relations"]) for s in p) for p in found}
    assert texts == {"闲鱼 <-[owns]- 阿里巴巴 -[owns (gazetteer)]->",
                     "闲鱼 -[applies_to]-> 微信 -[blocks]-> / -[unblocks]->"}
    assert all(p[-1]["to_id"] == TAOBAO.iri and len(p) == 2 for p in found)
    assert graph.path("闲鱼", "淘宝", max_hops=1) == []
    assert graph.path("闲鱼", "闲鱼") == []


def test_read_only_graph_is_projected_once(store_path, monkeypatch):
    """path() and neighbors() on a read-only graph reuse one projection; a writable
    graph projects again, so that it sees what was written in between."""
    from kg.store import open_store

    calls = []
    real = explore.entity_graph
    monkeypatch.setattr(explore, "entity_graph", lambda store, **kw: calls.append(1) or real(store, **kw))
    with KnowledgeGraph(open_store(store_path, read_only=True)) as g:
        first = g.path("闲鱼", "淘宝", max_hops=3)
        assert g.path("闲鱼", "淘宝", max_hops=3) == first and g.neighbors("微信")
    assert len(calls) == 1
    with KnowledgeGraph(open_store(store_path)) as g:
        g.path("闲鱼", "淘宝", max_hops=3)
        g.neighbors("微信")
    assert len(calls) == 3


def test_path_cli(store_path):
    code, out, _ = run("path", "拣值了", "腾讯", "--format", "table", store=store_path)
    assert code == 0
    assert out.splitlines() == ["1. 拣值了 -[launches_on]-> 微信 <-[owns (gazetteer)]- 腾讯",
                                "2. 拣值了 -[supports_payment]-> 微信支付 <-[owns (gazetteer)]- 腾讯"]
    code, out, _ = run("path", "拣值了", "腾讯", "--format", "csv", store=store_path)
    assert out.splitlines()[0].startswith("path,step,from,predicate,direction,to")
    assert len(out.splitlines()) == 5
    code, out, err = run("path", "闲鱼", "抖音", "--max-hops", "1", store=store_path)
    assert code == 0 and out == "" and "no path between 闲鱼 and 抖音 within 1 steps" in err


def test_neighbors(graph):
    near = graph.neighbors("微信")
    assert all(r["distance"] == 1 and r["via"] == "微信" for r in near)
    by = {r["neighbor"]: r for r in near}
    assert by["闲鱼"]["relations"] == "<-[applies_to]-" and by["闲鱼"]["facts"] == 2
    assert by["腾讯"]["relations"] == "<-[owns (gazetteer)]-" and by["腾讯"]["facts"] == 0
    assert by["淘宝"]["relations"] == "-[blocks]-> / -[unblocks]->"
    far = graph.neighbors("微信", depth=2)
    assert {r["neighbor"] for r in far if r["distance"] == 2} >= {"阿里巴巴", "抖音"}
    assert BAD.iri not in {r["neighbor_id"] for r in far}  # 2 steps away via alibaba? no: 3


def test_neighbors_cli(store_path):
    code, out, _ = run("neighbors", "腾讯", "--format", "csv", store=store_path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "distance,neighbor,type,via,relations,facts,neighbor_id"
    assert any(line.startswith("1,抖音,App,腾讯,-[blocks]->,1,") for line in lines)
