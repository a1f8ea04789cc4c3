"""kg.export: GraphML and GEXF read back by networkx, python-igraph and graphology (node),
and the RDF dumps."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree

from kg.export import GEXF_NS, export_graph, export_rdf, strip_xml_invalid
from kg.project import to_networkx
from conftest import BAD, BAD_LABEL

JS_DIR = Path(__file__).parent / "js"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def expected(store):
    """Counts from the store itself: entities with facts, and merged fact edges."""
    ents = store.query(
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { { ?f kg:subject ?x } UNION { ?f kg:object ?x } }")
    edges = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o ?d ?m WHERE { "
        "?f kg:subject ?s0 ; kg:object ?o0 ; kg:predicate ?p . "
        "OPTIONAL { ?f kg:date ?d } OPTIONAL { ?f kg:modality ?m } "
        "BIND(IF(?p IN (\"competes_with\", \"cooperates_with\") && STR(?o0) < STR(?s0), ?o0, ?s0) AS ?s) "
        "BIND(IF(?p IN (\"competes_with\", \"cooperates_with\") && STR(?o0) < STR(?s0), ?s0, ?o0) AS ?o) } }")
    stats = store.stats()
    assert ents[0]["n"] == stats["entities"]
    return {"nodes": ents[0]["n"], "edges": edges[0]["n"]}


@pytest.fixture(scope="module")
def graphml(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "kg.graphml"
    info = export_graph(store, "graphml", path)
    return path, info


@pytest.fixture(scope="module")
def gexf(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "kg.gexf"
    info = export_graph(store, "gexf", path)
    return path, info


# --------------------------------------------------------------------------- GraphML

def test_graphml_networkx(graphml, expected):
    path, info = graphml
    assert (info["nodes"], info["edges"]) == (expected["nodes"], expected["edges"])
    G = nx.read_graphml(path, force_multigraph=True)
    assert G.is_directed() and G.is_multigraph()
    assert G.number_of_nodes() == expected["nodes"]
    assert G.number_of_edges() == expected["edges"]
    for n, d in G.nodes(data=True):
        assert n.startswith("https://w3id.org/kg/entity/")
        assert isinstance(d["label"], str) and d["label"]
        assert isinstance(d["type"], str) and isinstance(d["wikidata"], str)
        assert isinstance(d["discovered"], bool) and isinstance(d["facts"], int)
    for u, v, k, d in G.edges(keys=True, data=True):
        assert k.startswith("https://w3id.org/kg/fact/")
        assert d["label"] == d["predicate"]
        assert isinstance(d["weight"], int) and d["weight"] >= 1
        assert isinstance(d["confidence"], float)
        assert isinstance(d["sources"], str) and d["sources"]
    fine = next(d for *_, d in G.edges(keys=True, data=True)
                if d["predicate"] == "fines" and "amount" in d)
    assert fine["amount"] == 18228000000.0 and isinstance(fine["amount"], float)
    assert G.nodes["https://w3id.org/kg/entity/alibaba"]["label"] == "阿里巴巴"


def test_graphml_named_keys_and_valid_xml(graphml):
    path, _ = graphml
    root = etree.parse(str(path)).getroot()  # lxml: fails on any XML-invalid character
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = root.findall("g:key", ns)
    ids = [k.get("id") for k in keys]
    assert len(ids) == len(set(ids)), "key ids must be unique"
    assert not any(re.fullmatch(r"d\d+", i) for i in ids)
    by = {(k.get("for"), k.get("attr.name")): k for k in keys}
    assert by[("node", "label")].get("id") == "label"
    assert ("edge", "label") in by
    assert by[("edge", "weight")].get("attr.type") == "long"
    assert by[("edge", "amount")].get("attr.type") == "double"
    assert by[("node", "discovered")].get("attr.type") == "boolean"
    for k in keys:
        assert k.get("id") == k.get("attr.name") or k.get("id") == f"{k.get('for')}_{k.get('attr.name')}"
    text = path.read_text(encoding="utf-8")
    assert "\x07" not in text and "\x00" not in text
    assert "坏标签" in text
    # every edge has an id (parallel edges stay distinct)
    edges = root.findall("g:graph/g:edge", ns)
    assert all(e.get("id") for e in edges) and len({e.get("id") for e in edges}) == len(edges)


def test_graphml_igraph(graphml, expected):
    igraph = pytest.importorskip("igraph")
    path, _ = graphml
    g = igraph.Graph.Read_GraphML(str(path))
    assert g.is_directed()
    assert g.vcount() == expected["nodes"]
    assert g.ecount() == expected["edges"]
    assert {"label", "type", "wikidata"} <= set(g.vs.attributes())
    assert {"label", "predicate", "weight", "sources", "date", "modality", "amount"} <= set(g.es.attributes())
    labels = set(g.vs["label"])
    assert "阿里巴巴" in labels and strip_xml_invalid(BAD_LABEL) in labels
    assert all(isinstance(w, float) and w >= 1 for w in g.es["weight"])  # igraph reads long as float
    assert set(g.es["label"]) <= {"applies_to", "blocks", "unblocks", "fines", "orders", "investigates",
                                  "owns", "launches_on", "supports_payment", "competes_with",
                                  "holds_position", "cooperates_with"}


def test_xml_invalid_characters_removed(graphml):
    assert strip_xml_invalid("a\x00b\x07c\x0bd\x0ce\x1ff\ufffeg\uffffh\ud800i\tj\nk") == "abcdefghi\tj\nk"
    path, _ = graphml
    G = nx.read_graphml(path, force_multigraph=True)
    assert G.nodes[BAD.iri]["label"] == "坏标签"


# --------------------------------------------------------------------------- GEXF

def test_gexf_structure(gexf, expected):
    path, info = gexf
    assert (info["nodes"], info["edges"]) == (expected["nodes"], expected["edges"])
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{GEXF_NS}}}gexf"
    assert root.get("version") == "1.3"
    assert root.nsmap[None] == "http://gexf.net/1.3"
    assert root.nsmap["xsi"] == "http://www.w3.org/2001/XMLSchema-instance"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == \
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    ns = {"g": GEXF_NS}
    graph = root.find("g:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    assert graph.get("defaultedgetype") == "directed"
    decl = {(a.getparent().get("class"), a.get("id")): a.get("type") for a in graph.iterfind("g:attributes/g:attribute", ns)}
    assert decl[("edge", "amount")] == "double" and decl[("edge", "documents")] == "integer"
    assert decl[("node", "type")] == "string" and decl[("node", "discovered")] == "boolean"
    nodes = graph.findall("g:nodes/g:node", ns)
    edges = graph.findall("g:edges/g:edge", ns)
    assert len(nodes) == expected["nodes"] and len(edges) == expected["edges"]
    assert all(n.get("label") for n in nodes)
    node_start = {n.get("id"): n.get("start") for n in nodes}
    for e in edges:
        assert e.get("id") and e.get("label")
        start, end = e.get("start"), e.get("end")
        assert start and DATE.match(start), e.attrib
        if end is not None:
            assert DATE.match(end) and start <= end
        # nodes exist before their edges start
        assert node_start[e.get("source")] <= start and node_start[e.get("target")] <= start
        assert float(e.get("weight")) >= 1
    dated = [e for e in edges if any(a.get("for") == "date" and a.get("value")
                                     for a in e.iterfind("g:attvalues/g:attvalue", ns))]
    assert dated and all(e.get("end") for e in dated)
    for s in node_start.values():
        assert s is None or DATE.match(s)
    blocks2013 = [e for e in edges if e.get("label") == "blocks" and e.get("start") == "2013-01-01"]
    assert len(blocks2013) == 1 and blocks2013[0].get("end") == "2013-12-31"


def test_gexf_networkx(gexf, expected):
    path, _ = gexf
    G = nx.read_gexf(path)
    assert G.number_of_nodes() == expected["nodes"]
    assert G.number_of_edges() == expected["edges"]
    assert G.is_directed()
    alibaba = G.nodes["https://w3id.org/kg/entity/alibaba"]
    assert alibaba["label"] == "阿里巴巴" and alibaba["type"] == "Company"
    for *_, d in G.edges(data=True):
        assert d["label"] == d["predicate"]
        assert isinstance(d["documents"], int) and isinstance(d["confidence"], float)
        assert "start" in d


# --------------------------------------------------------------------------- graphology (node)

@pytest.fixture(scope="module")
def graphology():
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None:
        pytest.skip("node is not installed: graphology readers not run")
    needed = ["graphology", "graphology-graphml", "graphology-gexf", "@xmldom/xmldom"]
    if not all((JS_DIR / "node_modules" / p).is_dir() for p in needed):
        if npm is None:
            pytest.skip("npm is not installed: cannot install graphology into tests/js/node_modules")
        proc = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=JS_DIR,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            pytest.skip(f"npm install failed (offline?): {proc.stderr.strip()[-300:]}")
    return node


def _graphology(node: str, fmt: str, path: Path) -> dict:
    proc = subprocess.run([node, str(JS_DIR / "read_graph.js"), fmt, str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphology(graphology, fmt, graphml, gexf, expected):
    path = (graphml if fmt == "graphml" else gexf)[0]
    out = _graphology(graphology, fmt, path)
    assert out["order"] == expected["nodes"]
    assert out["size"] == expected["edges"]
    assert out["type"] == "directed" and out["multi"] is True
    alibaba = out["nodes"]["https://w3id.org/kg/entity/alibaba"]
    assert alibaba["label"] == "阿里巴巴" and alibaba["type"] == "Company"
    assert alibaba["wikidata"] == "Q1359568" and alibaba["discovered"] is False
    assert out["nodes"][BAD.iri]["label"] == "坏标签"
    for key, e in out["edges"].items():
        assert key.startswith("https://w3id.org/kg/fact/")
        a = e["attrs"]
        assert a["label"] == a["predicate"]
        assert isinstance(a["weight"], (int, float)) and a["weight"] >= 1
        assert isinstance(a["documents"], int)
    fines = [e["attrs"] for e in out["edges"].values() if e["attrs"]["predicate"] == "fines"]
    assert any(a.get("amount") == 18228000000 for a in fines)


# --------------------------------------------------------------------------- filters, events, atomicity

def test_export_filters_and_events_as_nodes(store, tmp_path):
    path = tmp_path / "blocks.gexf"
    info = export_graph(store, "gexf", path, predicates=["blocks"], since="2008", until="2024",
                        min_confidence=None, modality=None, events_as_nodes=False)
    assert info["edges"] == 2
    path = tmp_path / "events.graphml"
    info = export_graph(store, "graphml", path, events_as_nodes=True)
    G = nx.read_graphml(path, force_multigraph=True)
    kinds = nx.get_node_attributes(G, "kind")
    assert set(kinds.values()) == {"entity", "event"}
    assert {d["label"] for *_, d in G.edges(data=True)} == {"subject", "object"}
    assert G.number_of_nodes() == info["nodes"] and G.number_of_edges() == info["edges"]
    gexf_path = tmp_path / "events.gexf"
    export_graph(store, "gexf", gexf_path, events_as_nodes=True)
    assert nx.read_gexf(gexf_path).number_of_nodes() == info["nodes"]


def test_export_is_atomic(store, tmp_path, monkeypatch):
    path = tmp_path / "kg.graphml"
    path.write_text("old", encoding="utf-8")
    import kg.export as export

    def boom(G, out):
        out.write("<graphml>half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export, "write_graphml", boom)
    with pytest.raises(RuntimeError):
        export.export_graph(store, "graphml", path)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(os.listdir(tmp_path)) == ["kg.graphml"]


def test_to_networkx_counts_match_export(store, graphml):
    G = to_networkx(store)
    H = nx.read_graphml(graphml[0], force_multigraph=True)
    assert sorted(G.nodes) == sorted(H.nodes)
    assert sorted(k for *_, k in G.edges(keys=True)) == sorted(k for *_, k in H.edges(keys=True))


# --------------------------------------------------------------------------- RDF

@pytest.mark.parametrize("fmt,rdf", [("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS),
                                     ("jsonld", ox.RdfFormat.JSON_LD), ("ttl", ox.RdfFormat.TURTLE)])
def test_export_rdf_round_trip(store, tmp_path, fmt, rdf):
    path = tmp_path / f"kg.{fmt}"
    info = export_rdf(store, fmt, path)
    back = list(ox.parse(path=str(path), format=rdf))
    assert len(set(back)) == info["statements"]
    if fmt != "ttl":
        assert len(set(back)) == store.triple_count()
        assert {q.graph_name.value for q in back if not isinstance(q.graph_name, ox.DefaultGraph)} >= {
            "https://w3id.org/kg/graph/gazetteer"}
    assert sorted(os.listdir(tmp_path)) == [f"kg.{fmt}"]
