"""The gazetteer (ontology/entities*.ttl) and its reader kg/lexicon.py."""

from __future__ import annotations

import csv
import json
import re
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, SKOS

from kg import lexicon
from kg.lexicon import ablation_exclusions, gazetteer_files, load_gazetteer, user_words
from kg.vocabulary import ENT, KG, WD

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
SHARED = ROOT.parent / "shared"
ALIASES = SHARED / "gold" / "aliases.json"
WIKIDATA = SHARED / "wikidata.csv"
KGNS = rdflib.Namespace(KG)

#: Surface forms of aliases.json that are deliberately NOT gazetteer aliases,
#: with the reason.  Each is still resolved, by the rule named in the reason.
CONTEXTUAL: dict[str, tuple[str, str]] = {
    # "X方面" / "X相关部门" / "X部门": a general rule for every entity, not an alias
    # each; the entity name X is a prefix of the form and resolves it.
    "阿里方面": ("阿里巴巴", "prefix"),
    "淘宝方面": ("淘宝", "prefix"),
    "腾讯相关部门": ("腾讯", "prefix"),
    "淘宝部门": ("淘宝", "prefix"),
    # A garbled stock ticker glued to the name: the name itself is the prefix.
    "阿里巴巴(BABA.;.HK)": ("阿里巴巴", "prefix"),
    # Book-title marks around a name: the name inside is matched.
    "《王者荣耀》": ("王者荣耀", "inner"),
    # A mistranslation in seed 002: 王海 is another well-known person, so as a
    # general alias it would be wrong.  Discovery finds 王海 (title before the
    # name) and the evaluation folds it through aliases.json.
    "王海": ("汪海", "not an alias"),
}

#: Entities whose name alone is also an ordinary word (kg:ambiguous).
MUST_BE_AMBIGUOUS = {"快的", "来往", "口碑", "得物", "怪兽", "鱼塘", "菜鸟", "贝壳", "去哪儿", "360"}

#: The core set: never removed by the ablation test.
MUST_BE_CORE = {"阿里巴巴", "腾讯", "微信", "淘宝", "支付宝", "微信支付", "京东", "拼多多", "抖音", "字节跳动",
                "百度", "美团", "市场监管总局", "工信部", "央行"}

#: Words that must never be an alias: generic, or shared by many bodies.
NEVER_ALIASES = {"小程序", "平台", "公司", "集团", "电商", "支付", "市场监管局", "发改委", "界面", "头条",
                 "蚂蚁", "朋友圈", "荣耀", "王海", "阿里方面", "腾讯相关部门", "微信小程序平台方面"}


@pytest.fixture(scope="module")
def gaz() -> lexicon.Gazetteer:
    return load_gazetteer(ONTOLOGY)


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted(ONTOLOGY.glob("entities*.ttl")):
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def aliases() -> dict[str, list[str]]:
    return json.loads(ALIASES.read_text(encoding="utf-8"))


def _entity_subjects(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if str(s).startswith(ENT)}


# ---------------------------------------------------------------------------- the file


def test_entities_ttl_parses(graph):
    assert len(graph) > 1000


def test_at_least_150_entities(gaz, graph):
    assert len(gaz) >= 150
    assert len(_entity_subjects(graph)) == len(gaz)


def test_iris_are_hand_made_ascii_names(graph):
    for s in _entity_subjects(graph):
        local = str(s)[len(ENT):]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", local), local
        assert not local.startswith("x-"), f"{local}: x- is reserved for discovered entities"


def test_one_class_one_zh_pref_label(graph):
    for s in _entity_subjects(graph):
        types = list(graph.objects(s, RDF.type))
        assert len(types) == 1, (s, types)
        prefs = list(graph.objects(s, SKOS.prefLabel))
        langs = Counter(p.language for p in prefs)
        assert langs["zh"] == 1, (s, prefs)
        assert all(n == 1 for n in langs.values()), (s, prefs)
        assert set(langs) <= {"zh", "en"}, (s, prefs)


def test_every_entity_class_is_an_entity_class_of_kg_ttl(gaz):
    assert gaz.classes, "kg.ttl classes were not read"
    for entity in gaz.entities.values():
        assert entity.type in gaz.classes, (entity.iri, entity.type)
        assert any(gaz.is_a(entity.type, top) for top in ("Organization", "Product", "Person")), entity


def test_no_alias_names_two_entities(gaz, graph):
    assert gaz.conflicts == {}
    claimed: dict[str, set[str]] = {}
    for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for s, o in graph.subject_objects(p):
            claimed.setdefault(str(o), set()).add(str(s))
    shared = {alias: iris for alias, iris in claimed.items() if len(iris) > 1}
    assert shared == {}


def test_wikidata_ids_only_from_the_checked_list(graph, gaz):
    rows = list(csv.DictReader(WIKIDATA.open(encoding="utf-8")))
    allowed = {row["wikidata"]: row["label"] for row in rows}
    seen = {}
    for s, q in graph.subject_objects(KGNS.wikidata):
        assert str(q) in allowed, f"{s}: {q} is not in wikidata.csv"
        seen[str(q)] = s
        assert gaz.entities[str(s)].label == allowed[str(q)]
        assert (s, OWL.sameAs, rdflib.URIRef(WD + str(q))) in graph
    for s, o in graph.subject_objects(OWL.sameAs):
        assert str(o).startswith(WD)
        assert (s, KGNS.wikidata, rdflib.Literal(str(o)[len(WD):])) in graph
    # every id of the list is used
    assert set(seen) == set(allowed)


def test_owners_exist_and_have_no_cycles(gaz):
    for entity in gaz.entities.values():
        if entity.owner:
            assert entity.owner in gaz.entities, (entity.iri, entity.owner)
            assert entity.iri not in gaz.owner_chain(entity.iri)
            assert gaz.entities[entity.owner].type != "Person"


def test_known_ownership(gaz):
    def owner(name):
        entity = gaz.lookup(name)
        return gaz.entities[entity.owner].label if entity.owner else None

    assert owner("淘宝") == "阿里巴巴"
    assert owner("微信") == "腾讯"
    assert owner("淘宝特价版") == "阿里巴巴"
    assert owner("抖音") == "字节跳动"
    assert owner("支付宝") == "蚂蚁集团"
    assert owner("蚂蚁集团") is None  # an affiliate of 阿里巴巴, not a subsidiary
    assert "https://w3id.org/kg/entity/alibaba" in gaz.owner_chain(gaz.lookup("菜鸟裹裹").iri)


# ---------------------------------------------------------------------------- the seeds' names


def test_every_canonical_name_is_a_pref_label(gaz, aliases):
    pref = {e.label: e for e in gaz.entities.values()}
    missing = [name for name in aliases if name not in pref]
    assert missing == []


def test_every_alias_resolves_to_its_canonical_name(gaz, aliases):
    wrong = {}
    for canonical, forms in aliases.items():
        for form in forms:
            if form in CONTEXTUAL:
                continue
            iri = gaz.alias_index.get(form)
            label = gaz.entities[iri].label if iri else None
            if label != canonical:
                wrong[form] = (canonical, label)
    assert wrong == {}


def test_contextual_forms_are_left_to_rules(gaz, aliases):
    listed = {form: name for name, forms in aliases.items() for form in forms}
    for form, (canonical, how) in CONTEXTUAL.items():
        assert listed.get(form) == canonical, f"{form} is not a form of {canonical} in aliases.json"
        assert form not in gaz.alias_index, f"{form} is meant to be handled by a rule, not an alias"
        if how == "prefix":
            prefix = max((a for a in gaz.alias_index if form.startswith(a)), key=len)
            assert gaz.entities[gaz.alias_index[prefix]].label == canonical, form
        elif how == "inner":
            assert gaz.lookup(form.strip("《》“”\"")).label == canonical


def test_jd_is_not_read_inside_boe(gaz):
    # 京东方 (BOE) is another company: 京东方面 must be an alias of 京东 so that the
    # longest match does not read 京东方 + 面.
    assert gaz.lookup("京东方面").label == "京东"
    assert gaz.lookup("京东方").label == "京东方"


def test_generic_words_are_never_aliases(gaz):
    assert NEVER_ALIASES & set(gaz.alias_index) == set()


def test_wechat_mini_programs_fold_into_the_platform(gaz):
    assert gaz.lookup("微信小程序").label == "微信"
    assert gaz.lookup("支付宝小程序").label == "支付宝"
    assert gaz.lookup("淘宝特价版微信小程序").label == "淘宝特价版"
    assert gaz.lookup("微信支付").label == "微信支付"
    assert gaz.lookup("TikTok").label != gaz.lookup("抖音").label


def test_names_named_in_the_seeds_beyond_the_gold(gaz):
    for name in ("马云", "庄帅", "唯品会", "艾瑞咨询", "易观", "QuestMobile", "彭博社", "时代周报", "亿邦动力",
                 "虎嗅", "京喜事业群", "淘宝事业群", "天猫超市", "视频号", "芝麻信用", "抖音小店", "蚂蚁集团"):
        assert gaz.lookup(name) is not None, name


def test_the_wider_field_is_covered(gaz):
    for name in ("美团", "滴滴", "小红书", "B站", "网易", "新浪", "搜狐", "360", "小米", "华为", "苹果", "App Store",
                 "谷歌", "阿里云", "腾讯云", "QQ", "QQ浏览器", "UC浏览器", "优酷", "爱奇艺", "腾讯视频", "微视",
                 "西瓜视频", "今日头条", "抖音电商", "快手电商", "唯品会", "苏宁易购", "携程", "去哪儿", "饿了么",
                 "美团外卖", "口碑", "钉钉", "企业微信", "飞书", "云闪付", "银联", "财付通", "网商银行", "微众银行",
                 "得物", "闲鱼", "转转", "识货", "贝壳", "链家", "58同城", "知乎", "豆瓣", "网易云音乐", "QQ音乐",
                 "酷狗", "虾米", "腾讯音乐", "斗鱼", "虎牙", "快看", "多多买菜", "美团优选", "兴盛优选", "淘菜菜",
                 "京东到家", "达达", "盒马", "菜鸟", "顺丰", "中通", "高德地图", "百度地图", "滴滴出行", "哈啰",
                 "摩拜", "ofo", "百度网盘", "微博", "国家市场监督管理总局", "国家市场监管总局", "工业和信息化部",
                 "国家互联网信息办公室", "国家网信办", "网信办", "中国人民银行", "人民银行", "证监会", "银保监会",
                 "国家发改委", "商务部", "最高人民法院", "北京市高级人民法院", "马化腾", "张勇", "蒋凡", "刘强东",
                 "黄峥", "王兴", "张一鸣", "李彦宏", "程维", "雷军", "丁磊", "宿华",
                 "Alibaba", "Tencent", "WeChat", "Taobao", "JD.com", "Pinduoduo", "Meituan", "ByteDance",
                 "Douyin", "Alipay"):
        assert gaz.lookup(name) is not None, name


def test_local_bureaus_are_not_the_national_regulator(gaz):
    assert "市场监管局" not in gaz.alias_index
    assert gaz.lookup("北京市市场监管局").iri != gaz.lookup("市场监管总局").iri


def test_traditional_script_labels(gaz):
    assert gaz.lookup("騰訊").label == "腾讯"
    assert gaz.lookup("阿里巴巴集團").label == "阿里巴巴"
    assert gaz.lookup("淘寶").label == "淘宝"
    assert gaz.lookup("字節跳動").label == "字节跳动"
    assert gaz.lookup("位元組跳動").label == "字节跳动"


def test_misspellings_are_hidden_labels(gaz, graph):
    assert gaz.lookup("邝雨晴").label == "邝玉清"
    assert (None, SKOS.hiddenLabel, rdflib.Literal("邝雨晴", lang="zh")) in graph
    assert gaz.lookup("向值").label == "拣值了"


# ---------------------------------------------------------------------------- flags


def test_ambiguous_names(gaz, graph):
    assert MUST_BE_AMBIGUOUS <= gaz.ambiguous_aliases
    for surface in MUST_BE_AMBIGUOUS:
        assert gaz.alias_index[surface] in gaz.ambiguous
        assert gaz.needs_context(surface)
    # the longer names of an ambiguous entity do not need context
    assert not gaz.needs_context("快的打车")
    assert not gaz.needs_context("怪兽充电")
    # every ambiguous label is a label of its entity, on an entity flagged ambiguous
    for s, label in graph.subject_objects(KGNS.ambiguousLabel):
        entity = gaz.entities[str(s)]
        assert str(label) in entity.aliases
        assert str(s) in gaz.ambiguous


def test_core_set(gaz):
    core_labels = {gaz.entities[iri].label for iri in gaz.core}
    assert MUST_BE_CORE <= core_labels
    assert len(gaz.core) < len(gaz) / 5


# ---------------------------------------------------------------------------- the reader


def test_entity_records(gaz):
    ali = gaz.lookup("阿里")
    assert ali.iri == ENT + "alibaba"
    assert ali.label == "阿里巴巴" and ali.aliases[0] == "阿里巴巴"
    assert ali.label_en == "Alibaba Group"
    assert ali.type == "Company"
    assert ali.wikidata == "Q1359568"
    assert {"阿里", "阿里巴巴集团", "Alibaba", "阿里巴巴集團"} <= set(ali.aliases)
    assert gaz.lookup("alibaba").iri == ali.iri  # case-insensitive Latin
    assert gaz.lookup("ent:alibaba").iri == ali.iri
    assert gaz.lookup(ENT + "alibaba").iri == ali.iri
    assert gaz.lookup("不存在的公司") is None
    for entity in gaz.entities.values():
        for alias in entity.aliases:
            assert gaz.alias_index[alias] == entity.iri


def test_class_tree(gaz):
    assert gaz.class_parents["MiniProgram"] == "Product"
    assert gaz.class_parents["Regulator"] == "Organization"
    assert gaz.class_parents["Fine"] == "Event"
    assert gaz.class_parents["Person"] is None and gaz.class_parents["Organization"] is None
    assert set(gaz.class_parents) == gaz.classes
    assert gaz.is_a("MiniProgram", "Product") and gaz.is_a("Company", "Company")
    assert not gaz.is_a("Person", "Organization")
    assert gaz.ancestors("PaymentService") == ["PaymentService", "Product"]


def test_loads_fast_and_is_cached(tmp_path):
    for f in ONTOLOGY.glob("*.ttl"):
        shutil.copy(f, tmp_path / f.name)
    t0 = time.perf_counter()
    first = load_gazetteer(tmp_path)
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.5, f"loading the gazetteer took {elapsed:.2f} s"
    assert load_gazetteer(tmp_path) is first
    assert load_gazetteer(str(tmp_path)) is first


def test_default_folder_and_env_override(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_ONTOLOGY_DIR", raising=False)
    kg_ttl, files = gazetteer_files()
    assert kg_ttl == ONTOLOGY / "kg.ttl" and files[0] == ONTOLOGY / "entities.ttl"
    for f in ONTOLOGY.glob("*.ttl"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(tmp_path))
    assert gazetteer_files()[1][0] == tmp_path / "entities.ttl"
    assert len(load_gazetteer()) == len(load_gazetteer(ONTOLOGY))


def test_extra_gazetteer_files_are_loaded(tmp_path):
    for f in ONTOLOGY.glob("*.ttl"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "entities-local.ttl").write_text(
        """@prefix ent: <https://w3id.org/kg/entity/> .
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ent:zhaoliangji-app a kg:App ;
    skos:prefLabel "找靓机App"@zh , "Zhaoliangji app"@en ;
    skos:altLabel "找靓机APP"@zh ; kg:ownedBy ent:zhaoliangji .
ent:xianyu skos:altLabel "闲鱼二手"@zh .
""",
        encoding="utf-8",
    )
    gaz = load_gazetteer(tmp_path)
    assert gaz.lookup("找靓机APP").label == "找靓机App"
    assert gaz.entities[gaz.lookup("找靓机App").owner].label == "找靓机"
    assert gaz.lookup("闲鱼二手").label == "闲鱼"
    assert len(gaz.sources) == 2
    # a single file can be loaded on its own too
    only = load_gazetteer(tmp_path / "entities-local.ttl")
    assert only.lookup("找靓机App") is not None and only.lookup("阿里巴巴") is None


def test_exclude(gaz):
    smaller = load_gazetteer(ONTOLOGY, exclude={"闲鱼", "ent:cainiao", ENT + "amap"})
    assert len(smaller) == len(gaz) - 3
    assert smaller.lookup("闲鱼") is None and smaller.lookup("菜鸟网络") is None and smaller.lookup("高德") is None
    assert smaller.lookup("菜鸟裹裹").owner is None  # its owner was removed
    assert gaz.lookup("闲鱼") is not None  # the cached full gazetteer is untouched


def test_ablation_exclusions_are_seeded_and_spare_the_core(gaz):
    chosen = ablation_exclusions(gaz)
    assert chosen == ablation_exclusions(gaz)
    assert not chosen & gaz.core
    non_core = len(gaz) - len(gaz.core)
    assert len(chosen) == round(non_core / 3)
    assert ablation_exclusions(gaz, seed=1) != chosen
    assert len(load_gazetteer(ONTOLOGY, exclude=chosen)) == len(gaz) - len(chosen)


def test_user_words(gaz):
    words = user_words(gaz)
    surfaces = {s for s, _ in words}
    assert ("淘宝特价版", ENT + "taobao-special-edition") in words
    assert "市场监管总局" in surfaces
    assert "快的" not in surfaces and "快的打车" in surfaces
    assert all(len(s) > 1 for s in surfaces)
    assert "快的" in {s for s, _ in user_words(gaz, include_ambiguous=True)}
