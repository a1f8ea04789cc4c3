"""The spaCy pipeline: jieba's words as tokens, gazetteer spans at the right offsets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def tagger(extractor):
    return extractor.tagger


TEXTS = ["阿里巴巴  和 腾讯 \n 微信", "Apple Music与QQ音乐", "Alibaba Group宣布，\u3000淘宝将接入微信支付。", "", "   "]


@pytest.mark.parametrize("text", TEXTS)
def test_the_doc_keeps_the_text_exactly(tagger, text):
    doc = tagger.doc(text)
    assert doc.text == text
    assert "".join(t.text for t in doc) == text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["阿里巴巴", "腾讯", " ", "  ", "\n", "\t", "Alibaba Group", "微信支付", "的", "A", "，"]),
                max_size=10))
def test_mentions_sit_at_their_offsets_whatever_the_spacing(tagger, parts):
    text = "".join(parts)
    assert tagger.doc(text).text == text
    for mention in tagger.mentions(text):
        assert text[mention.start:mention.end] == mention.text


def test_names_are_found_next_to_runs_of_spaces(tagger):
    found = {(m.text, m.entity.label) for m in tagger.mentions("Alibaba Group  与  腾讯\n微信支付")}
    assert {("Alibaba Group", "阿里巴巴"), ("腾讯", "腾讯"), ("微信支付", "微信支付")} <= found


def test_discoveries_sit_at_their_offsets_after_spaces(tagger):
    """Discovery reads offsets from the tokens: spaces before a name shift nothing."""
    for text in ("用户可以在Zepp小程序下单", "用户可以在 Zepp小程序 下单", "用户  可以在\nZepp小程序下单"):
        found = [(m.text, m.source) for m in tagger.mentions(text)]
        assert found == [("Zepp", "discovered")], text
