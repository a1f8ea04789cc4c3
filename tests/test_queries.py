"""kg.queries: saved query headers, discovery, safe parameter binding, refusals."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import queries
from kg.queries import Param, QueryError, discover, label_resolver, load, parse_header, run
from kg.vocabulary import ENT, KG
from conftest import ALIBABA, GAZETTEER, XIANYU, fixture_store

REQUIRED = {
    "wechat-applications", "blocking-events", "fines-by-regulator", "orders-and-investigations",
    "alibaba-ownership", "tencent-ownership", "ownership-tree", "events-per-type-per-year",
    "entity-facts", "competitors", "people-positions", "payment-support", "applications-outcome",
    "blocking-timeline", "single-source-facts", "facts-between", "metrics",
}
#: Parameters for the queries that require some, and rows each must return on the fixture.
PARAMS = {
    "ownership-tree": {"root": "字节跳动"},
    "entity-facts": {"entity": "闲鱼"},
    "competitors": {"entity": "ent:taobao-tejia"},
    "facts-between": {"a": "阿里巴巴", "b": "腾讯"},
}


class Gazetteer:
    """The shape of kg.lexicon's gazetteer that label_resolver reads."""

    alias_index = {a: e.iri for e in GAZETTEER for a in (e.label, *e.aliases)}


@pytest.fixture(scope="module")
def resolve(store):
    return label_resolver(store, Gazetteer())


# --------------------------------------------------------------------------- headers

def test_parse_header():
    text = (
        "# title: Fines by regulator\n"
        "# description: Every fine, largest first;\n"
        "#   continued on a second line.\n"
        "# param: company (optional) IRI or label of a company\n"
        "# param: regulator (required, entity, default=ent:samr) the regulator\n"
        "# param: min (optional, decimal) smallest amount\n"
        "# example: kg query fines --param company=阿里巴巴\n"
        "PREFIX kg: <https://w3id.org/kg/ontology#>\n"
        "# a comment in the body is not header\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
    )
    q = parse_header(text, name="fines")
    assert q.title == "Fines by regulator"
    assert q.description == "Every fine, largest first; continued on a second line."
    assert q.params == (
        Param("company", False, "IRI or label of a company"),
        Param("regulator", True, "the regulator", "entity", "ent:samr"),
        Param("min", False, "smallest amount", "decimal"),
    )
    assert q.examples == ("kg query fines --param company=阿里巴巴",)
    assert q.sparql == text  # whole file: line numbers of errors are the file's


def test_discover_at_least_16_with_headers():
    found = discover()
    assert len(found) >= 16
    assert REQUIRED <= set(found)
    for name, q in found.items():
        assert q.title and q.title != name, name
        assert q.description, name
        assert q.examples and all(e.startswith(f"kg query {name}") for e in q.examples), name
        assert "PREFIX" in q.sparql
        for p in q.params:
            assert f"?{p.name}" in q.sparql, (name, p.name)
        # OPTIONAL blocks last: no mandatory triple pattern after the first top-level OPTIONAL
        body = q.sparql.split("WHERE {", 1)[1]
        assert "ORDER BY" in body or "GROUP BY" in body or name == "documents"


def test_discover_extra_dirs(tmp_path, monkeypatch):
    (tmp_path / "mine.rq").write_text("# title: Mine\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    other = tmp_path / "env"
    other.mkdir()
    (other / "envq.rq").write_text("# title: From env\nASK { ?s ?p ?o }\n", encoding="utf-8")
    monkeypatch.setenv("KG_QUERIES_DIR", str(other))
    found = discover([tmp_path])
    assert found["mine"].title == "Mine" and found["envq"].title == "From env"
    assert "fines-by-regulator" in found
    assert load(str(tmp_path / "mine.rq")).name == "mine"
    with pytest.raises(QueryError, match="unknown query"):
        load("no-such-query")


# --------------------------------------------------------------------------- every saved query runs

@pytest.mark.parametrize("name", sorted(discover()))
def test_every_query_runs(store, resolve, name):
    q = load(name)
    result = run(store, q, PARAMS.get(name, {}), resolve=resolve)
    assert result.columns
    assert all(set(r) <= set(result.columns) for r in result.rows)
    # every query has something to say about the fixture
    assert result.rows, name


def test_every_query_runs_on_a_bare_pyoxigraph_store(resolve):
    bare = fixture_store()
    for name in discover():
        assert run(bare, load(name), PARAMS.get(name, {}), resolve=label_resolver(bare)).rows, name


def test_query_results(store, resolve):
    rows = run(store, load("wechat-applications"), {}, resolve=resolve).rows
    assert {r["applicantLabel"] for r in rows} == {"闲鱼", "淘宝特价版"}
    assert all(r["ownerLabel"] == "阿里巴巴" and r["platformLabel"] == "微信" for r in rows)
    assert {r["status"] for r in rows} == {"submitted", "pending"}
    fines = run(store, load("fines-by-regulator"), {}, resolve=resolve).rows
    assert fines[0]["amount"] == 18228000000 and fines[0]["companyLabel"] == "阿里巴巴"
    assert fines[-1]["amount"] is None  # no amount: last
    only = run(store, load("fines-by-regulator"), {"company": "阿里"}, resolve=resolve).rows
    assert [r["companyLabel"] for r in only] == ["阿里巴巴"]
    owned = run(store, load("alibaba-ownership"), {}, resolve=resolve).rows
    assert {r["ownedLabel"] for r in owned} == {"闲鱼", "淘宝", "淘宝特价版"}
    assert all(r["depth"] == 1 for r in owned)
    facts = run(store, load("entity-facts"), {"entity": "闲鱼"}, resolve=resolve).rows
    assert {r["predicate"] for r in facts} == {"applies_to", "reports_metric", "owns", "holds_position"}
    assert all(r["sentence"] for r in facts)
    between = run(store, load("facts-between"), {"a": "阿里巴巴", "b": "腾讯"}, resolve=resolve).rows
    # xianyu (owned by alibaba) → wechat (owned by tencent), and wechat blocks taobao the other way
    assert {(r["subjectLabel"], r["predicate"], r["objectLabel"], r["direction"]) for r in between} >= {
        ("闲鱼", "applies_to", "微信", "a→b"), ("微信", "blocks", "淘宝", "b→a")}
    outcome = {r["applicantLabel"]: r for r in run(store, load("applications-outcome"), {}, resolve=resolve).rows}
    assert outcome["淘宝特价版"]["outcome"] == "pending"
    single = run(store, load("single-source-facts"), {"predicate": "applies_to"}, resolve=resolve).rows
    assert [r["subjectLabel"] for r in single] == ["淘宝特价版"]  # xianyu's has two documents
    years = run(store, load("events-per-type-per-year"), {"predicate": "blocks"}, resolve=resolve).rows
    assert [(r["year"], r["facts"]) for r in years] == [("2013", 1), ("2018", 1)]


# --------------------------------------------------------------------------- binding

def test_labels_and_iris_bind_as_iris(store, resolve):
    for value in ("闲鱼", ENT + "xianyu", f"<{ENT}xianyu>", "ent:xianyu"):
        rows = run(store, load("entity-facts"), {"entity": value}, resolve=resolve).rows
        assert rows and {r["entity"] for r in rows} == {XIANYU.iri}, value
    # resolved through the store's labels when the gazetteer does not know it
    store_only = label_resolver(store, None)
    assert store_only("Alibaba") == ALIBABA.iri and store_only("阿里") == ALIBABA.iri
    assert store_only("拣值了").startswith(ENT + "x-")
    assert store_only("nobody") is None


def test_injection_is_a_literal_and_store_unchanged(store, resolve):
    before = store.triple_count()
    evil = 'x" } ; DROP ALL ; { "'
    for name, key in (("entity-facts", "entity"), ("fines-by-regulator", "company"),
                      ("events-per-type-per-year", "predicate")):
        result = run(store, load(name), {key: evil}, resolve=resolve)
        assert result.rows == []
    # the value comes back, as a literal, when projected
    q = "# param: v (optional, string) anything\nSELECT ?v WHERE { BIND(1 AS ?one) }"
    rows = run(store, q, {"v": evil}).rows
    assert rows == [{"v": evil}]
    term = queries.bind_param(Param("entity"), evil, resolve)
    assert isinstance(term, ox.Literal) and term.value == evil
    assert store.triple_count() == before
    assert run(store, load("fines-by-regulator"), {}, resolve=resolve).rows


def test_numeric_params_are_typed():
    assert queries.bind_param(Param("n", kind="integer"), "42") == ox.Literal(
        "42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    lit = queries.bind_param(Param("n", kind="decimal"), "1.5")
    assert lit.datatype.value.endswith("#decimal") and lit.value == "1.5"
    with pytest.raises(QueryError, match="must be an integer"):
        queries.bind_param(Param("n", kind="integer"), "4 2")
    with pytest.raises(QueryError, match="must be a number"):
        queries.bind_param(Param("n", kind="number"), "abc")
    assert queries.bind_param(Param("d", kind="date"), "2021-04").datatype.value.endswith("#gYearMonth")
    # an undeclared-kind param that looks numeric is still a label/literal, never pasted
    assert queries.bind_param(Param("x"), "18228000000") == ox.Literal("18228000000")


def test_numeric_param_in_query(store):
    q = ("# param: min (required, decimal) smallest amount\n"
         "PREFIX kg: <https://w3id.org/kg/ontology#>\n"
         "SELECT ?fact ?amount ?min WHERE { ?fact kg:amount ?amount FILTER(?amount >= ?min) }")
    rows = run(store, q, {"min": "1e10"}).rows
    assert sorted(r["amount"] for r in rows) == [18228000000, 200000000000]
    assert run(store, q, {"min": "200000000001"}).rows == []


def test_missing_required_param(store):
    with pytest.raises(QueryError, match="missing required param 'entity'"):
        run(store, load("entity-facts"), {})
    with pytest.raises(QueryError, match="unknown param 'nope'"):
        run(store, load("entity-facts"), {"entity": "闲鱼", "nope": "1"})


def test_default_param(store, resolve):
    q = load("wechat-applications")
    assert q.param("platform").default == "ent:wechat"
    rows = run(store, q, {"platform": "抖音"}, resolve=resolve).rows
    assert rows == []


# --------------------------------------------------------------------------- refusals and errors

UPDATES = [
    "DROP ALL",
    "PREFIX kg: <https://w3id.org/kg/ontology#>\nDELETE WHERE { ?s kg:predicate ?o }",
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "CLEAR DEFAULT",
    "# title: sneaky\nWITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", UPDATES)
def test_update_refused(store, text):
    before = store.triple_count()
    with pytest.raises(QueryError, match="UPDATE refused"):
        run(store, text, {})
    assert store.triple_count() == before


def test_update_keyword_in_a_literal_is_a_query(store):
    q = ('PREFIX kg: <https://w3id.org/kg/ontology#>\n'
         'SELECT ?f WHERE { ?f kg:predicate ?p FILTER(?p != "DELETE WHERE { ?s ?p ?o }") } LIMIT 1')
    assert len(run(store, q, {}).rows) == 1
    assert not queries.is_update(q)


def test_update_allowed(tmp_path):
    s = fixture_store(tmp_path / "kg.db")
    try:
        before = s.triple_count()
        run(s, "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> <http://e/c> } }", {},
            allow_update=True)
        assert s.triple_count() == before + 1
    finally:
        s.close()


def test_syntax_error_has_line_and_column(store, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text(
        "# title: Broken\n"
        "# description: a typo on line 5\n"
        "PREFIX kg: <https://w3id.org/kg/ontology#>\n"
        "SELECT ?f WHERE {\n"
        "  ?f kg:predicate ?p FILTER(?p = ) }\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryError) as info:
        run(store, load(str(path)), {})
    msg = str(info.value)
    assert "\n" not in msg
    assert "broken: syntax error at line 5, column" in msg
    col = int(msg.split("column ")[1].split(":")[0])
    assert 20 <= col <= 35
    # a query without header: the position is in the text as given
    with pytest.raises(QueryError, match=r"syntax error at line 1, column \d+"):
        run(store, "SELECT * WHERE { ?s ?p ?o ", {})


def test_timeout(store):
    q = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p1 ?b . ?c ?p2 ?d . ?e ?p3 ?f . ?g ?p4 ?h }")
    t0 = time.monotonic()
    with pytest.raises(QueryError, match=r"query timed out after 0\.3 s"):
        run(store, q, {}, timeout=0.3)
    assert time.monotonic() - t0 < 5
    bare = fixture_store()
    with pytest.raises(QueryError, match=r"query timed out after 0\.3 s"):
        run(bare, q, {}, timeout=0.3)


def test_ask_and_construct(store):
    assert run(store, "ASK { ?s ?p ?o }", {}).rows == [{"result": True}]
    res = run(store, "CONSTRUCT { ?s <http://e/p> ?o } WHERE { ?s kg:owns ?o }", {})
    assert res.columns == ["subject", "predicate", "object"] and res.rows


def test_project_queries_dir_is_the_repo():
    assert queries.PROJECT_QUERIES_DIR == Path(__file__).resolve().parent.parent / "queries"


# --------------------------------------------------------------------------- on a build of seeds/

def _example_params(q) -> dict[str, str]:
    import shlex

    args = shlex.split(q.examples[0])
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a in ("--param", "-p"))


def test_every_query_on_the_seeds_is_fast_and_says_something(seeds_store):
    """Each saved query, with its first example's parameters, returns rows on the
    seeds build, and its median time over 5 runs is small."""
    import statistics

    from kg.api import open as open_graph

    graph = open_graph(seeds_store)
    try:
        resolve = graph.resolver()
        for name, q in discover().items():
            params = _example_params(q)
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                rows = run(graph.store, q, params, resolve=resolve).rows
                times.append(time.perf_counter() - t0)
            assert rows, (name, params)
            assert statistics.median(times) < 0.5, (name, times)
    finally:
        graph.close()


def test_ownership_uses_facts_and_gazetteer(seeds_store):
    from kg.api import open as open_graph

    with open_graph(seeds_store) as graph:
        tencent = {r["ownedLabel"]: r for r in graph.query("tencent-ownership")}
        # gazetteer only (ent:x kg:ownedBy ent:tencent) and transitive through it
        assert tencent["微信"]["depth"] == 1 and tencent["视频号"]["parentLabel"] == "微信"
        assert tencent["视频号"]["depth"] == 2
        tree = graph.query("ownership-tree", root="ent:alibaba")
        assert {"闲鱼", "淘宝", "淘宝特价版"} <= {r["ownedLabel"] for r in tree}



def test_ownership_tree_depth_and_parents_inside_the_tree():
    """A chain of five through kg:owns and kg:ownedBy, a node with two parents in the tree and
    one owner outside it: one row per (owned, parent inside the tree), depth = owners above."""
    g = ox.NamedNode("urn:test")
    owns, owned_by = ox.NamedNode(KG + "owns"), ox.NamedNode(KG + "ownedBy")
    n = {k: ox.NamedNode(ENT + k) for k in ("r", "a", "b", "c", "d", "e", "x")}
    st = ox.Store()
    st.extend([ox.Quad(n["r"], owns, n["a"], g), ox.Quad(n["b"], owned_by, n["a"], g),
               ox.Quad(n["c"], owned_by, n["b"], g), ox.Quad(n["b"], owns, n["d"], g),
               ox.Quad(n["c"], owns, n["d"], g), ox.Quad(n["x"], owns, n["d"], g),
               ox.Quad(n["e"], owned_by, n["d"], g)])
    rows = run(st, load("ownership-tree"), {"root": "ent:r"}).rows
    local = {(r["owned"][len(ENT):], r["parent"][len(ENT):], r["depth"]) for r in rows}
    assert local == {("a", "r", 1), ("b", "a", 2), ("c", "b", 3), ("d", "b", 4), ("d", "c", 4), ("e", "d", 5)}
    assert len(rows) == len(local)

def test_orders_without_object_and_target_filter(store, resolve):
    q = load("orders-and-investigations")
    rows = run(store, q, {}, resolve=resolve).rows
    assert {(r["regulatorLabel"], r["predicate"], r["objectLabel"]) for r in rows} == {
        ("工信部", "orders", "腾讯"), ("市场监管总局", "investigates", "美团")}
    only = run(store, q, {"target": "美团"}, resolve=resolve).rows
    assert [r["objectLabel"] for r in only] == ["美团"]


def test_first_dates_ignore_undated_mentions(store, resolve):
    rows = run(store, load("competitors"), {"entity": "拼多多"}, resolve=resolve).rows
    assert [(r["competitorLabel"], r["firstDate"]) for r in rows] == [("淘宝特价版", "2020")]


# --------------------------------------------------------------------------- binding in sub-selects

def test_parameters_bind_inside_the_sub_selects_that_project_them():
    from kg.store import inject_values

    q = """SELECT ?x ?n WHERE {
      { SELECT ?x (COUNT(?y) AS ?n) WHERE { ?x <http://e/p> ?y } GROUP BY ?x }
      OPTIONAL { SELECT ?x WHERE { ?x <http://e/q> ?z } LIMIT 5 }
      { SELECT ?z WHERE { ?z <http://e/r> ?x } }
      { SELECT ?x WHERE { { SELECT ?x WHERE { ?x <http://e/s> ?w } } } }
      FILTER(?n > 0)
    }"""
    out = inject_values(q, {"x": ox.NamedNode("http://e/a")})
    where_groups = out.split("WHERE {")
    # the outer query, the COUNT sub-select and the outer of the nested pair; not the
    # LIMIT one, not the one whose ?x is its own, not the innermost
    assert [g.lstrip().startswith("VALUES (?x) { (<http://e/a>) }") for g in where_groups[1:]] == [True, True, False, False, True, False]
    ox.Store().query(out)  # still valid SPARQL
    # ?n is computed by the sub-select (AS ?n), not one of its variables: only the outer block
    out = inject_values(q, {"n": ox.Literal(1)})
    assert out.count("VALUES (?n)") == 1 and out.index("VALUES (?n)") < out.index("SELECT ?x (COUNT")


@pytest.mark.parametrize("name", sorted(discover()))
def test_binding_inside_sub_selects_changes_no_result(store, resolve, name, monkeypatch):
    """Every saved query, with each of its parameters given, returns the same rows
    whether the parameters are copied into sub-selects or bound only outside."""
    import kg.store

    saved = load(name)
    values = {"entity": ["闲鱼", "微信", "阿里巴巴", "腾讯"], "string": ["applies_to", "blocks", "fines"]}
    required = dict(PARAMS.get(name, {}))
    for p in saved.params:
        for v in values.get(p.kind, []):
            params = {**required, p.name: v}
            pushed = run(store, saved, params, resolve=resolve).rows
            with monkeypatch.context() as m:
                m.setattr(kg.store, "_subselect_groups", lambda sparql: [])
                outside = run(store, saved, params, resolve=resolve).rows
            assert sorted(map(repr, pushed)) == sorted(map(repr, outside)), (name, params)
