"""Short names an article defines for itself (kg.abbreviations): 上海怡乐食食品科技有限公司（下称“怡乐食”）."""

from __future__ import annotations

import pytest

from conftest import extract_text, triples
from kg.abbreviations import defines_short_name, with_abbreviations
from kg.models import Entity, Mention

FULL = Entity(iri="x:full", label="上海怡乐食食品科技有限公司", type="Company", discovered=True)
OTHER = Entity(iri="x:other", label="怡乐", type="Company", discovered=True)
KNOWN = Entity(iri="x:known", label="食品", type="Company")


def _at(text: str, name: str, entity: Entity, source: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Mention(start, start + len(name), name, entity, source)


@pytest.mark.parametrize("definition, short", [
    ("（下称“怡乐食”）", "怡乐食"), ("（以下简称“怡乐食”）", "怡乐食"), ("（以下简称怡乐食）", "怡乐食"),
    ("(简称: 怡乐食)", "怡乐食"), ("（简称为「怡乐食」）", "怡乐食"), ("（下文简称“怡乐食”）", "怡乐食")])
def test_every_later_use_of_a_defined_short_name_names_the_full_entity(definition, short):
    text = f"上海怡乐食食品科技有限公司{definition}为学校供餐。市场监管局对{short}立案调查，{short}表示配合。"
    out = with_abbreviations(text, [_at(text, FULL.label, FULL, "discovered")])
    later = [m for m in out if m.source == "abbreviation"]
    assert [(m.text, m.entity) for m in later] == [(short, FULL), (short, FULL)]
    assert all(text[m.start:m.end] == short and m.start > text.index("为学校") for m in later)
    assert defines_short_name(text)


def test_no_definition_no_name_before_it_or_a_group_name_adds_nothing():
    plain = "上海怡乐食食品科技有限公司为学校供餐。怡乐食表示配合。"
    mentions = [_at(plain, FULL.label, FULL, "discovered")]
    assert with_abbreviations(plain, mentions) == mentions
    assert not defines_short_name(plain)
    unnamed = "这家公司（下称“怡乐食”）为学校供餐。怡乐食表示配合。"  # nothing named right before it
    assert with_abbreviations(unnamed, []) == []
    grouped = "上海怡乐食食品科技有限公司等三家企业（统称“供餐企业”）。供餐企业表示配合。"
    assert not [m for m in with_abbreviations(grouped, [_at(grouped, FULL.label, FULL, "discovered")])
                if m.source == "abbreviation"]


def test_a_discovered_name_gives_way_and_a_gazetteer_name_stays():
    text = "上海怡乐食食品科技有限公司（下称“怡乐食”）为学校供餐。怡乐食品质差，怡乐食表示配合。"
    mentions = [_at(text, FULL.label, FULL, "discovered"),
                _at(text, "怡乐", OTHER, "discovered", nth=3),  # discovery's own name for the last use
                _at(text, "食品", KNOWN, "gazetteer", nth=1)]   # 怡乐[食品]质: a known name overlaps the second
    out = with_abbreviations(text, mentions)
    assert OTHER not in {m.entity for m in out}
    assert KNOWN in {m.entity for m in out}
    uses = [m.start for m in out if m.source == "abbreviation"]
    assert uses == [text.index("怡乐食表示")]
    assert out == sorted(out, key=lambda m: (m.start, -m.end))


def test_a_fact_about_the_short_name_is_a_fact_about_the_company(extractor):
    text = ("上海怡乐食食品科技有限公司（以下简称“怡乐食”）为28所学校供餐。"
            "浦东新区市场监管局对涉嫌存在食品安全违法行为的怡乐食立案调查。")
    assert ("浦东新区市场监管局", "investigates", "上海怡乐食食品科技有限公司") in triples(
        extract_text(extractor, text, "2018-10-23"))


def test_a_discovered_name_with_words_before_the_short_name_defines_nothing():
    """Discovery sometimes takes the words before a name into it; such a name is not spread."""
    text = "民营宽带运营商鹏博士电信传媒集团股份有限公司（以下简称“鹏博士”）。鹏博士营业收入为35.2亿元。"
    wrong = Entity(iri="x:w", label="民营宽带运营商鹏博士电信传媒集团股份有限公司", type="Company", discovered=True)
    assert not [m for m in with_abbreviations(text, [_at(text, wrong.label, wrong, "discovered")])
                if m.source == "abbreviation"]


def test_a_longer_name_that_holds_the_short_name_stays_itself():
    text = "上海麦忒教育科技有限公司（以下简称“麦忒”）成立于2014年。麦忒国际早期教育研究院院长朱家雄说，麦忒在扩张。"
    full = Entity(iri="x:m", label="上海麦忒教育科技有限公司", type="Company", discovered=True)
    institute = Entity(iri="x:i", label="麦忒国际早期教育研究院", type="Organization", discovered=True)
    out = with_abbreviations(text, [_at(text, full.label, full, "discovered"),
                                    _at(text, institute.label, institute, "discovered")])
    assert institute in {m.entity for m in out}
    assert [m.start for m in out if m.source == "abbreviation"] == [text.rindex("麦忒在")]


def test_a_common_word_as_short_name_is_not_looked_for():
    """腾讯（以下简称“公司”）: 公司 also sits inside 子公司 and 母公司."""
    text = "腾讯（以下简称“公司”）发布公告。公司旗下子公司阅文集团收购了新丽传媒。"
    tencent = Entity(iri="x:t", label="腾讯", type="Company")
    assert with_abbreviations(text, [_at(text, "腾讯", tencent, "gazetteer")]) == [_at(text, "腾讯", tencent, "gazetteer")]


def test_a_short_name_defined_again_names_the_new_party_from_there_on():
    text = "美团（以下简称“当事方”）先受罚。饿了么（以下简称“当事方”）后受罚，当事方表示接受。"
    first = Entity(iri="x:a", label="美团", type="Company")
    second = Entity(iri="x:b", label="饿了么", type="App")
    out = with_abbreviations(text, [_at(text, "美团", first, "gazetteer"), _at(text, "饿了么", second, "gazetteer")])
    assert [(m.start, m.entity) for m in out if m.source == "abbreviation"] == [(text.rindex("当事方"), second)]


def test_every_one_of_many_uses_is_found_once():
    """A long filing that uses its short name thousands of times, between other names."""
    head = "上海怡乐食食品科技有限公司（下称“怡乐食”）。"
    text = head + "怡乐食与某公司合作，" * 3000
    full = Entity(iri="x:full", label="上海怡乐食食品科技有限公司", type="Company", discovered=True)
    others = [Mention(i, i + 2, "某公", Entity(iri=f"x:{i}", label="某公", type="Company", discovered=True), "discovered")
              for i in range(len(head) + 4, len(text), 10)]
    out = with_abbreviations(text, [_at(text, full.label, full, "discovered"), *others])
    assert sum(m.source == "abbreviation" for m in out) == 3000
    assert len(out) == 1 + len(others) + 3000
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
