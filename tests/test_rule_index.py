"""The trigger index picks exactly the rules whose trigger words a sentence holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.rule_index import RuleIndex
from kg.rules import Rule


def _rule(rule_id: str, words: set[str] | None) -> Rule:
    return Rule(id=rule_id, predicate="owns", patterns=(), emit=(),
                trigger_set=frozenset(words) if words is not None else None)


#: Words that overlap and nest: 控股股东 holds 控股 and 股东, 收购 and 并购 share 购.
RULES = (
    _rule("a", {"控股股东"}),
    _rule("b", {"控股"}),
    _rule("c", {"股东", "董事"}),
    _rule("d", None),  # no trigger words: always tried
    _rule("e", {"收购", "并购"}),
    _rule("f", {"购"}),
    _rule("g", {"A+B"}),  # regex characters are words too
)
WORDS = sorted({w for r in RULES for w in r.trigger_set or ()})


def _brute_force(rules: tuple[Rule, ...], text: str) -> list[str]:
    """What the index replaces: one search per rule."""
    return [r.id for r in rules if r.trigger_set is None or r.triggers.search(text)]


def test_nested_words_fire_every_rule_they_hold():
    index = RuleIndex(RULES)
    assert [r.id for r in index.candidates("他是控股股东。")] == ["a", "b", "c", "d"]
    assert [r.id for r in index.candidates("宣布并购")] == ["d", "e", "f"]
    assert [r.id for r in index.candidates("没有触发词")] == ["d"]
    assert [r.id for r in index.candidates("A+B模式")] == ["d", "g"]
    assert [r.id for r in index.candidates("AAB")] == ["d"]


def test_rules_come_in_rule_set_order_once_each():
    index = RuleIndex(RULES)
    ids = [r.id for r in index.candidates("董事收购控股股东，又并购。")]
    assert ids == sorted(set(ids), key=[r.id for r in RULES].index)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS + ["的", "股", "控", "东", "，", "A", "B", "+"]), max_size=12))
def test_same_rules_as_one_search_per_rule(parts):
    text = "".join(parts)
    assert [r.id for r in RuleIndex(RULES).candidates(text)] == _brute_force(RULES, text)


def test_the_real_rule_set_agrees_with_one_search_per_rule(extractor):
    sentences = ["阿里巴巴是饿了么的控股股东。", "市场监管总局对阿里巴巴处以182.28亿元罚款。",
                 "微信封禁了抖音的链接，用户无法分享。", "今天天气很好。", "闲鱼申请入驻微信小程序。"]
    for text in sentences:
        assert [r.id for r in extractor.index.candidates(text)] == _brute_force(extractor.rules, text)


def test_replacing_the_rules_rebuilds_the_index(extractor):
    import copy

    single = copy.copy(extractor)
    single.rules = extractor.rules[:1]
    assert single.index.rules == extractor.rules[:1]
    assert extractor.index.rules == extractor.rules


def test_no_rule_is_triggered_by_a_single_character(extractor):
    """A one-character trigger word (对, 处) is in most sentences of the news: every one of
    them then goes through the segmenter and the rule (对 alone was 27% of the tagged text)."""
    single = sorted((r.id, w) for r in extractor.rules for w in r.trigger_set or () if len(w) < 2)
    assert single == []
