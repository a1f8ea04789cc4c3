"""What a rule pattern cannot match without (kg.pattern_literals): right where it is sure,
and never wrong the other way (a text a pattern matches always passes the check)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.pattern_literals import may_match, requirements
from kg.sentences import ASIDE


def _needs(pattern: str) -> list[set[str]]:
    return [set(r) for r in requirements(re.compile(pattern))]


def test_literal_runs_groups_alternations_and_classes_are_required():
    assert _needs("(?<!向)(?P<S>[\ue000-\ue002])用户(?P<T>不能|无法)(?:分享|打开)[^，]{0,4}?[，,]") == [
        {"用户"}, {"不能", "无法"}, {"分享", "打开"}, {"，", ","}]
    assert _needs("根据(?P<S>[\ue000])(?P<T>要求)") == [{"根据"}, {"要求"}]
    assert _needs("在(?P<T>微信)上") == [{"在微信上"}]  # a group of plain letters joins the run
    assert _needs("x+y") == [{"x"}, {"y"}]


def test_optional_parts_ranges_lookarounds_and_placeholders_add_nothing():
    assert _needs("(?:的)?[a-z]{2}(?<!否)(?=是)\ue0e0.*") == []
    assert _needs("a(?:b|)c") == [{"a"}, {"c"}]  # an empty branch makes the alternation optional
    assert _needs("(?i:ceo)总裁") == [{"总裁"}]  # letters of any case are no fixed text
    assert _needs("(?i)ceo") == []


def test_a_sentence_without_a_required_piece_is_skipped():
    needs = [requirements(re.compile("用户(?:不能|无法)打开"))]
    assert may_match(needs, "微信用户无法打开抖音链接")
    assert not may_match(needs, "微信用户无法分享抖音链接")
    assert may_match([], "anything")  # a rule without patterns is always tried
    assert may_match([()], "anything")  # a pattern that needs nothing


def test_pieces_joined_by_dropping_an_aside_still_count():
    """The masked text drops asides such as （BABA.HK）, so 链（注）接 reads as 链接 there."""
    needs = [requirements(re.compile("链接"))]
    assert may_match(needs, "抖音链（注）接被屏蔽")
    assert may_match([requirements(re.compile("旗下的"))], "阿里巴巴旗下（Alibaba Group (BABA)）的饿了么")
    assert not may_match(needs, "抖音链注接被屏蔽")


_PIECES = ["a", "b", "ab", "ba", "[ab]", "(?:a|b)", "(?:ab|b)", "(?:a)?", "b*", "a+", "(?<!a)", "(?=b)",
           ".", "[^a]", "(?P<@>ab)", "(?P<@>a|bb)", "(?:a|[ab]b)", "\ue000", "[\ue000a]", "c{1,2}", "(?:ab){2}", "(?:ba)+"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6),
       st.text(alphabet="abc\ue000（）()", max_size=14))
def test_a_text_the_pattern_matches_always_passes(parts, text):
    """Matched on the text or on it without its asides (as the rules see it)."""
    pattern = re.compile("".join(p.replace("@", f"g{i}") for i, p in enumerate(parts)))
    if pattern.search(text) or pattern.search(ASIDE.sub("", text)):
        assert may_match([requirements(pattern)], text)


def test_every_rule_of_the_rule_set_has_its_needs_read(extractor):
    """Each pattern of the real rules yields a requirement list; most name more than the trigger."""
    with_more = [r for r in extractor.rules if any(len(n) > 1 for n in r.needs)]
    assert all(len(r.needs) == len(r.patterns) for r in extractor.rules)
    assert len(with_more) > len(extractor.rules) / 2
