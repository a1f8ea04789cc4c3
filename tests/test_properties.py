"""Property-based tests across the text pipeline (hypothesis).

The module tests already check each parser alone on arbitrary text
(test_clean, test_sentences, test_timex, test_quantity, test_ingest); these
properties chain them the way a build does, on text shaped like scraped news
(Chinese, digits, date and amount words, punctuation, HTML, entities, control
and zero-width characters, anything else): nothing raises, every offset points
inside its text and ``text[start:end] == .text``; plus round trips of the
decoder and idempotence of the cleaner.
"""

from __future__ import annotations

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import clean
from kg.ingest import decode_bytes, ingest_text, parse_date, SkipDocument
from kg.quantity import find_quantities
from kg.sentences import split_sentences
from kg.timex import DateContext

NEWS_BITS = [
    "阿里巴巴", "腾讯", "微信", "闲鱼", "市场监管总局", "处以", "罚款", "182.28", "亿元", "万", "美元", "%", "％",
    "2021年", "4月", "12日", "去年", "今年", "明天", "同年", "上月", "春节前夕", "双十一", "618", "第一季度",
    "。", "！", "？", "!", "?", "；", "，", ",", "、", "：", ":", "“", "”", "（", "）", "(", ")", "《", "》", "…",
    "\n", "\r\n", "\r", " ", "\t", "\u3000", "\xa0", "\u200b", "\ufeff", "\x00", "\x07", "\x85",
    "<p>", "</p>", "<div>", "<br>", "<a href='x'>", "</a>", "<script>", "</script>", "<!--", "-->",
    "&nbsp;", "&amp;", "&#x4e2d;", "---\n", "# ", "> ", "- ", "[链接](http://e)", "△", "图：",
    "原标题：", "责任编辑：", "相关阅读", "發佈", "騰訊", "與", "0", "1", "9", ".", "-", "/",
]
news_text = st.lists(st.one_of(st.sampled_from(NEWS_BITS), st.text(max_size=3)), max_size=80).map("".join)
ARTICLE_DATES = st.one_of(st.none(), st.sampled_from(["2021-04-12", "2024-02-29", "1999-12-31"]),
                          st.text(max_size=12))


def check_spans(source: str, items) -> None:
    for item in items:
        assert 0 <= item.start <= item.end <= len(source), item
        assert source[item.start:item.end] == item.text, item


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_text, ARTICLE_DATES)
def test_pipeline_on_arbitrary_news_text(text, article_date):
    """ingest → sentences → dates and amounts, as a build chains them: never raises, offsets exact."""
    doc = ingest_text(text, "x")
    if doc is None:
        return
    # paragraphs tile the canonical text
    assert "\n".join(doc.text[s:e] for s, e in doc.paragraphs) == doc.text
    sentences = split_sentences(doc.text, doc.paragraphs, doc.captions)
    check_spans(doc.text, sentences)
    previous_end = 0
    for sentence in sentences:
        p_start, p_end = doc.paragraphs[sentence.paragraph]
        assert p_start <= sentence.start < sentence.end <= p_end  # never crosses a paragraph
        assert sentence.start >= previous_end  # in order, no overlap
        previous_end = sentence.end
        assert sentence.text == sentence.text.strip() and "\n" not in sentence.text
    context = DateContext(doc.date if article_date is None else article_date)
    for sentence in sentences:
        dates = context.resolve(sentence.text)
        check_spans(sentence.text, dates)
        for found in dates:
            assert found.value is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", found.value), found
        amounts = find_quantities(sentence.text)
        check_spans(sentence.text, amounts)
        for amount in amounts:
            assert math.isfinite(amount.value) and amount.kind in ("money", "ratio", "count", "other")


@settings(max_examples=300, deadline=None)
@given(news_text)
def test_cleaning_is_idempotent(text):
    """Cleaning cleaned text changes nothing (re-ingesting an export keeps every offset)."""
    once = clean.clean_paragraphs(clean.text_to_paragraphs(text))
    twice = clean.clean_paragraphs(once)
    assert [p for p, _ in twice] == [p for p, _ in once]
    for para, _ in once:
        assert clean.normalize_text(para) == para


@settings(max_examples=300, deadline=None)
@given(news_text, st.integers(1, 60))
def test_sentences_respect_max_length(text, limit):
    paragraphs, pos = [], 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    sentences = split_sentences(text, paragraphs, max_length=limit)
    check_spans(text, sentences)
    assert all(len(s.text) <= limit for s in sentences)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_utf8_round_trip(text):
    """Any valid UTF-8 decodes to exactly itself (a leading BOM only is dropped)."""
    decoded, encoding, warning = decode_bytes(text.encode("utf-8"))
    expected = text[1:] if text.startswith("\ufeff") else text
    assert decoded == expected and encoding == "utf-8" and warning is None


COMMON = "阿里巴巴腾讯微信闲鱼市场监管总局处以亿元罚款向提交了小程序申请今年月日与合作开放生态系统，。：“”"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=COMMON + "0123456789 \n", min_size=4, max_size=200), st.sampled_from(["gb18030", "gbk"]))
def test_chinese_in_gb_encodings_round_trips(text, encoding):
    """Chinese news text saved as GBK/GB18030 decodes to the same text, unless its
    bytes are also valid UTF-8 (小微微系 is D0A1 CEA2 CEA2 CFB5, which UTF-8 reads as
    U+0421 U+03A2 U+03A2 U+03F5): strict UTF-8 comes first, and only short runs of
    some characters can be read both ways."""
    if sum(ch in COMMON for ch in text) < 4:
        return
    data = text.encode(encoding)
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError:
        pass
    try:
        decoded, _, _ = decode_bytes(data)
    except SkipDocument:
        raise AssertionError(f"skipped {text!r}") from None
    assert decoded == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(-10**15, 10**15), st.floats(allow_nan=True), st.none(),
                 st.booleans()))
def test_parse_date_never_raises(value):
    result = parse_date(value)
    assert result is None or re.fullmatch(r"(19|20)\d\d-\d\d-\d\d|2100-\d\d-\d\d", result)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_decode_bytes_decodes_or_skips(data):
    try:
        text, _, _ = decode_bytes(data)
    except SkipDocument as exc:
        assert str(exc).startswith("undecodable")
    else:
        assert isinstance(text, str)
