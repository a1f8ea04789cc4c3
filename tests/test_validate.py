"""kg validate: SHACL shapes (ontology/shapes.ttl) checked with pyshacl."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import ALIBABA, MEITUAN, SAMR, TAOBAO, WECHAT, fixture_quads
from kg.cli import cli
from kg.validate import validate_store
from kg.vocabulary import KG, PROV, XSD


def _fact(store: ox.Store, subject: str, predicate: str, obj: str) -> ox.NamedNode:
    rows = list(store.query(
        f'SELECT ?f WHERE {{ ?f <{KG}predicate> "{predicate}" ; <{KG}subject> <{subject}> ; <{KG}object> <{obj}> }}',
        use_default_graph_as_union=True))
    assert len(rows) == 1
    return rows[0]["f"]


def broken_quads() -> list[ox.Quad]:
    """The fixture with three mistakes: a fine with an amount but no unit, a fine whose
    amount is a string, not an xsd:decimal, and a fact without its source."""
    store = ox.Store()
    store.extend(fixture_quads())
    alibaba_fine = _fact(store, SAMR.iri, "fines", ALIBABA.iri)
    meituan_fine = _fact(store, SAMR.iri, "fines", MEITUAN.iri)
    blocking = _fact(store, WECHAT.iri, "blocks", TAOBAO.iri)
    out = []
    for q in store:
        if q.subject == alibaba_fine and q.predicate.value == KG + "unit":
            continue
        if q.subject == blocking and q.predicate.value == PROV + "wasDerivedFrom":
            continue
        out.append(q)
        if q.subject == meituan_fine and q.predicate.value == KG + "predicate":
            out.append(ox.Quad(meituan_fine, ox.NamedNode(KG + "amount"), ox.Literal("很多"), q.graph_name))
            out.append(ox.Quad(meituan_fine, ox.NamedNode(KG + "unit"), ox.Literal("CNY"), q.graph_name))
    return out


def _disk_store(path, quads):
    from kg.store import open_store

    store = open_store(str(path))
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    store.replace_documents([(g, g, qs) for g, qs in by_graph.items()])
    store.close()
    return str(path)


def test_fixture_conforms():
    store = ox.Store()
    store.extend(fixture_quads())
    report = validate_store(store)
    assert report.conforms, [p.line() for p in report.problems]
    assert report.triples > 100


def test_seeds_build_conforms(seeds_store):
    code = CliRunner().invoke(cli, ["validate", "--store", seeds_store])
    assert code.exit_code == 0, code.stdout
    assert code.stdout == ""
    assert code.stderr.startswith("kg: the graph conforms to ") and "triples checked" in code.stderr


def test_broken_graph_reports_each_violation_in_plain_words():
    store = ox.Store()
    store.extend(broken_quads())
    report = validate_store(store)
    assert not report.conforms
    lines = sorted(p.line() for p in report.violations)
    assert len(lines) == 3, lines
    no_unit, no_source, string_amount = (
        next(line for line in lines if text in line)
        for text in ("must say its unit", "where it comes from", "typed xsd:decimal"))
    assert no_unit.startswith('violation: fact fact:') and '"fines" 市场监管总局 → 阿里巴巴 (seeds/b.html)' in no_unit
    assert no_unit.endswith("A fine with an amount must say its unit (kg:unit), e.g. CNY.")
    assert '"blocks" 微信 → 淘宝' in no_source and "prov:wasDerivedFrom" in no_source
    assert no_source.endswith("A fact must say where it comes from (prov:wasDerivedFrom a mention).")
    assert '"fines" 市场监管总局 → 美团 (seeds/b.html) kg:amount (value 很多)' in string_amount
    assert all("\n" not in line for line in lines)


def test_broken_graph_cli_exit_1(tmp_path):
    path = _disk_store(tmp_path / "kg.db", broken_quads())
    result = CliRunner().invoke(cli, ["validate", "--store", path])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert all(line.startswith("violation: fact ") for line in result.stdout.splitlines())
    assert "does not conform" in result.stderr and "3 violations" in result.stderr
    result = CliRunner().invoke(cli, ["validate", "--store", path, "--format", "json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["conforms"] is False
    assert {p["property"] for p in data["problems"]} == {"", "prov:wasDerivedFrom", "kg:amount"}


def test_amount_without_unit_is_a_warning_only():
    store = ox.Store()
    store.extend(fixture_quads())
    # a metric report with an amount and no unit: a warning, the graph still conforms
    metric = list(store.query(f'SELECT ?f WHERE {{ ?f <{KG}predicate> "reports_metric" }}',
                              use_default_graph_as_union=True))[0]["f"]
    for q in list(store.quads_for_pattern(metric, ox.NamedNode(KG + "unit"), None, None)):
        store.remove(q)
    report = validate_store(store)
    assert report.conforms
    assert [p.severity for p in report.problems] == ["warning"]
    assert report.problems[0].message == "A fact with an amount should say its unit (kg:unit)."


@pytest.mark.parametrize("bad", ["1.5", "-0.1"])
def test_confidence_out_of_range(bad):
    store = ox.Store()
    store.extend(fixture_quads())
    fact = _fact(store, WECHAT.iri, "blocks", TAOBAO.iri)
    for q in list(store.quads_for_pattern(fact, ox.NamedNode(KG + "confidence"), None, None)):
        store.remove(q)
        store.add(ox.Quad(fact, q.predicate, ox.Literal(bad, datatype=ox.NamedNode(XSD + "decimal")), q.graph_name))
    report = validate_store(store)
    assert not report.conforms
    assert [p.property for p in report.violations] == ["kg:confidence"]
