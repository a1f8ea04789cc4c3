"""Shared test fixtures.

``fixture_store()`` is a small graph shared by test_project.py, test_queries.py,
test_export.py, test_explore.py and test_validate.py: three documents mapped
with ``kg.mapping.document_quads`` and a hand-written gazetteer graph that
follows docs/architecture.md.  Test modules import its names from here
(``from conftest import ...``); ``seeds_store`` is a build of ``seeds/`` made
once per session with ``kg.api.build``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.mapping import document_quads
from kg.models import Document, Entity, EventFact
from kg.vocabulary import ENT, GAZETTEER_GRAPH, KG, OWL, RDF, SKOS, WD, discovered_entity_iri

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# --------------------------------------------------------------------------- fixture

BAD_LABEL = "坏\x07标签\x00"  # XML-invalid characters that exports must strip


def _e(local: str, label: str, type_: str, en: str | None = None, wikidata: str | None = None,
       owner: str | None = None, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(iri=ENT + local, label=label, type=type_, label_en=en, wikidata=wikidata,
                  owner=ENT + owner if owner else None, aliases=aliases)


ALIBABA = _e("alibaba", "阿里巴巴", "Company", "Alibaba", "Q1359568", aliases=("阿里", "阿里巴巴集团"))
TENCENT = _e("tencent", "腾讯", "Company", "Tencent", "Q860580")
WECHAT = _e("wechat", "微信", "App", "WeChat", "Q283233", owner="tencent")
WECHAT_PAY = _e("wechat-pay", "微信支付", "PaymentService", "WeChat Pay", owner="tencent")
XIANYU = _e("xianyu", "闲鱼", "App", "Xianyu", owner="alibaba")
TEJIA = _e("taobao-tejia", "淘宝特价版", "App", owner="alibaba")
TAOBAO = _e("taobao", "淘宝", "App", "Taobao", "Q1376487", owner="alibaba")
SAMR = _e("samr", "市场监管总局", "Regulator", "SAMR")
MIIT = _e("miit", "工信部", "Regulator", "MIIT")
MEITUAN = _e("meituan", "美团", "Company", "Meituan")
PDD = _e("pinduoduo", "拼多多", "App", "Pinduoduo")
DOUYIN = _e("douyin", "抖音", "App", "Douyin", owner="bytedance")
BYTEDANCE = _e("bytedance", "字节跳动", "Company", "ByteDance")
CHENLEI = _e("chen-lei", "陈镭", "Person")
GAZETTEER = (ALIBABA, TENCENT, WECHAT, WECHAT_PAY, XIANYU, TEJIA, TAOBAO, SAMR, MIIT, MEITUAN,
             PDD, DOUYIN, BYTEDANCE, CHENLEI)

JIANZHI = Entity(iri=discovered_entity_iri("拣值了"), label="拣值了", type="MiniProgram",
                 discovered=True, confidence=0.6)
BAD = Entity(iri=discovered_entity_iri(BAD_LABEL), label=BAD_LABEL, type="Company",
             discovered=True, confidence=0.5)


def gazetteer_quads() -> list[ox.Quad]:
    g = ox.NamedNode(GAZETTEER_GRAPH)
    out = []
    for e in GAZETTEER:
        n = ox.NamedNode(e.iri)
        out.append(ox.Quad(n, ox.NamedNode(RDF + "type"), ox.NamedNode(KG + e.type), g))
        out.append(ox.Quad(n, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(e.label, language="zh"), g))
        if e.label_en:
            out.append(ox.Quad(n, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(e.label_en, language="en"), g))
        for a in e.aliases:
            out.append(ox.Quad(n, ox.NamedNode(SKOS + "altLabel"), ox.Literal(a, language="zh"), g))
        if e.wikidata:
            out.append(ox.Quad(n, ox.NamedNode(OWL + "sameAs"), ox.NamedNode(WD + e.wikidata), g))
            out.append(ox.Quad(n, ox.NamedNode(KG + "wikidata"), ox.Literal(e.wikidata), g))
        if e.owner:
            out.append(ox.Quad(n, ox.NamedNode(KG + "ownedBy"), ox.NamedNode(e.owner), g))
    return out


def _f(doc: Document, n: int, predicate: str, subject: Entity | None, obj: Entity | None,
       sentence: str, **kw) -> EventFact:
    start = n * 100
    return EventFact(predicate=predicate, subject=subject, object=obj, doc_id=doc.id, sentence=sentence,
                     span=(start, start + len(sentence)), rule=f"{predicate}.test", confidence=kw.pop("confidence", 0.9),
                     doc_date=doc.date, **kw)


def fixture_documents() -> list[tuple[Document, list[EventFact]]]:
    d1 = Document(id="seeds/a.txt", text="x" * 2000, title="闲鱼需要微信小程序", date="2021-04-12",
                  content_hash="h1", url="https://example.com/a")
    d2 = Document(id="seeds/b.html", text="x" * 2000, title="罚款", date="2021-04-10", content_hash="h2")
    d3 = Document(id="seeds/c.txt", text="x" * 2000, title="封禁", date="2019-01-01", content_hash="h3")
    f1 = [
        _f(d1, 1, "applies_to", XIANYU, WECHAT, "4月7日，闲鱼向微信提交了小程序申请。",
           date="2021-04-07", status="submitted", modality="reported"),
        _f(d1, 2, "applies_to", TEJIA, WECHAT, "淘宝特价版申请微信小程序，尚未通过。",
           date="2021-03", status="pending"),
        _f(d1, 3, "blocks", WECHAT, TAOBAO, "2013年微信屏蔽淘宝链接。", date="2013", means="links"),
        _f(d1, 4, "reports_metric", XIANYU, None, "闲鱼GMV突破2000亿元。", date="2021",
           metric="GMV", amount=200000000000.0, unit="CNY"),
        _f(d1, 5, "suspends", None, JIANZHI, "小程序“拣值了”很快就被暂停服务。", date="2021-04"),
        _f(d1, 6, "launches_on", JIANZHI, WECHAT, "名为“拣值了”的小程序已上线微信。", date="2021-04"),
    ]
    f2 = [
        _f(d2, 1, "fines", SAMR, ALIBABA, "市场监管总局对阿里巴巴处以182.28亿元罚款。",
           date="2021-04-10", amount=18228000000.0, unit="CNY"),
        _f(d2, 2, "applies_to", XIANYU, WECHAT, "闲鱼4月7日向微信提交小程序申请。",
           date="2021-04-07", status="submitted", modality="reported"),
        _f(d2, 3, "orders", MIIT, TENCENT, "工信部要求腾讯解决屏蔽链接问题。", date="2021-09"),
        _f(d2, 4, "investigates", SAMR, MEITUAN, "市场监管总局对美团立案调查。", date="2021-04"),
        _f(d2, 5, "supports_payment", JIANZHI, WECHAT_PAY, "此小程序上线后将支持微信支付。",
           modality="planned"),
        _f(d2, 6, "owns", ALIBABA, XIANYU, "阿里旗下的闲鱼。"),
        _f(d2, 7, "holds_position", CHENLEI, XIANYU, "闲鱼CEO陈镭表示。", role="CEO"),
        _f(d2, 8, "competes_with", TEJIA, PDD, "淘宝特价版对标拼多多。", date="2020"),
        _f(d2, 9, "unblocks", WECHAT, TAOBAO, "微信可以直接打开淘宝的链接。", date="2021-09", means="links"),
        _f(d2, 10, "fines", SAMR, MEITUAN, "市场监管总局对美团处以罚款。", date="2021-10"),
    ]
    f3 = [
        _f(d3, 1, "blocks", TENCENT, DOUYIN, "腾讯封禁抖音的分享。", date="2018", means="sharing"),
        _f(d3, 2, "competes_with", PDD, TEJIA, "拼多多与淘宝特价版竞争。", date="2020"),
        _f(d3, 3, "cooperates_with", BAD, ALIBABA, "某公司与阿里巴巴合作。", date="2019-02", confidence=0.5),
    ]
    return [(d1, f1), (d2, f2), (d3, f3)]


def fixture_quads() -> list[ox.Quad]:
    quads = gazetteer_quads()
    for doc, facts in fixture_documents():
        quads += document_quads(doc, facts)
    return quads


def fixture_store(path=None):
    """The fixture in a ``kg.store`` GraphStore at ``path`` (a directory), or, with
    no path, in an in-memory pyoxigraph Store (both are accepted everywhere)."""
    quads = fixture_quads()
    if path is None:
        store = ox.Store()
        store.extend(quads)
        return store
    from kg.store import open_store

    store = open_store(str(path))
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    store.replace_documents([(g, g, qs) for g, qs in by_graph.items()])
    return store


#: What the collapsed projection of the fixture must contain.
#: Facts with subject and object: 17 mentions; the two xianyu→wechat
#: applications merge, and the two competes_with directions merge → 15 edges.
EXPECTED_EDGES = 15
#: Entities touched by any fact (JIANZHI via suspends, XIANYU via reports_metric too).
EXPECTED_NODES = len({e.iri for _, fs in fixture_documents() for f in fs for e in (f.subject, f.object) if e})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The hand-made fixture graph in an on-disk store (one per test module)."""
    s = fixture_store(tmp_path_factory.mktemp("kg") / "kg.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory) -> str:
    """The path of a store built from ``seeds/`` (once per test session)."""
    from kg.api import build

    path = tmp_path_factory.mktemp("seeds") / "kg.db"
    summary = build([str(SEEDS)], str(path))
    assert summary.facts > 0 and not summary.skipped
    return str(path)


# ------------------------------------------------------------------ extraction helpers
@pytest.fixture(scope="module")
def extractor():
    """The extractor over the repository's ontology (one per test module)."""
    from kg.extract import get_extractor

    return get_extractor()


def extract_text(extractor, text: str, date: str):
    """The facts of ``text`` as one single-paragraph article of ``date``."""
    return extractor.extract(Document(id="t.txt", text=text, paragraphs=((0, len(text)),), date=date))


def label(entity):
    return entity.label if entity is not None else None


def triples(facts):
    """(subject label, predicate, object label) of each fact."""
    return {(label(f.subject), f.predicate, label(f.object)) for f in facts}
