"""Tests of kg.sentences.split_sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.sentences import MAX_SENTENCE, split_sentences, split_text


def test_splits_at_end_marks():
    assert split_text("阿里被罚。腾讯回应！真的吗？好") == ["阿里被罚。", "腾讯回应！", "真的吗？", "好"]


def test_closing_quotes_and_brackets_stay_with_sentence():
    assert split_text("他说：“我们走吧。”然后走了。") == ["他说：“我们走吧。”", "然后走了。"]
    assert split_text("真的吗？！”他问。（完。）下一句。") == ["真的吗？！”", "他问。", "（完。）", "下一句。"]


def test_numbers_tickers_and_domains_not_split():
    text = "阿里巴巴（BABA.HK）营收4557.12亿元，规模达1.6万亿。访问1688.com看看。"
    assert split_text(text) == ["阿里巴巴（BABA.HK）营收4557.12亿元，规模达1.6万亿。", "访问1688.com看看。"]


def test_semicolon_does_not_split_short_sentences():
    assert split_text("在后端，平台聚合需求；在前端，平台集单。") == ["在后端，平台聚合需求；在前端，平台集单。"]


def test_never_crosses_a_paragraph():
    text = "第一段没有句号\n第二段。"
    sentences = split_sentences(text, [(0, 7), (8, 12)], captions=[0])
    assert [(s.text, s.paragraph, s.is_caption) for s in sentences] == [
        ("第一段没有句号", 0, True), ("第二段。", 1, False)]


def test_long_paragraph_without_newlines():
    sentence = "阿里巴巴向微信提交了淘宝特价版小程序的申请，目前还没有通过审核。"
    text = sentence * 100  # 3,200 characters, one paragraph
    sentences = split_sentences(text, [(0, len(text))])
    assert len(sentences) == 100
    assert all(s.text == sentence for s in sentences)


def test_overlong_sentence_cut_at_semicolon_then_comma():
    text = "甲" * 300 + "；" + "乙" * 300 + "，" + "丙" * 300 + "。"
    sentences = split_sentences(text, [(0, len(text))])
    assert [len(s.text) for s in sentences] == [301, 301, 301]
    assert all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert sentences[0].text.endswith("；")


def test_overlong_sentence_without_punctuation_cut_hard():
    text = "字" * 1000
    assert [len(s) for s in split_text(text)] == [400, 400, 200]


def test_whitespace_trimmed_offsets_exact():
    text = "  开头有空格。  中间。 "
    sentences = split_sentences(text, [(0, len(text))])
    assert [s.text for s in sentences] == ["开头有空格。", "中间。"]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_empty_and_bad_paragraph_offsets():
    assert split_sentences("", []) == []
    assert [s.text for s in split_sentences("abc。", [(2, 99), (-5, 1)])] == ["c。", "a"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("阿里。！？!?；，,.”）)“ \n\u3000a1")) | st.characters(), max_size=1200))
def test_offsets_always_match(text):
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    for s in split_sentences(text, lines, captions={0}):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip()
        p_start, p_end = lines[s.paragraph]
        assert p_start <= s.start and s.end <= p_end
        assert len(s.text) <= MAX_SENTENCE


@settings(max_examples=200, deadline=None)
@given(st.text(), st.lists(st.tuples(st.integers(-5, 50), st.integers(-5, 50)), max_size=5))
def test_arbitrary_paragraphs_never_raise(text, paragraphs):
    for s in split_sentences(text, paragraphs):
        assert text[s.start:s.end] == s.text


def test_half_width_full_stops_split_after_cleaning():
    from kg.clean import normalize_text

    text = normalize_text("闲鱼正在寻求微信小程序的合作.4月7日,闲鱼也向微信提交了小程序申请.访问1688.com看看.")
    assert split_text(text) == ["闲鱼正在寻求微信小程序的合作。", "4月7日，闲鱼也向微信提交了小程序申请。",
                                "访问1688.com看看。"]
