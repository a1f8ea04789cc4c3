"""Entities the gazetteer lacks, found from how the text names them.

* a quoted name after or before a type word: 名为“拣值了”的小程序, “群买买”和“快团团”两个小程序
* a quoted name after 旗下 or a launch verb: 阿里旗下“快的”, 闲鱼推出“鱼塘”
* a known name with a product suffix: 淘宝 + 特价版, 盒马 + 集市 (the compound replaces the name)
* a place and a regulator head: 北京市网信办 (replaces the national 网信办 inside it)
* a company name with a legal suffix: 杭州好超电子商务有限公司
* an unknown word right before a type head: 某某小程序, Keep App
* a person after a title: CEO陈镭, 团长裴培 (surnames and titles are word lists)

A discovered entity gets a stable minted IRI, a class, ``discovered=True`` and
a lower confidence. Type words, titles, surnames and suffixes live in
``ontology/lexicon/``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba

from kg.lexicon import Gazetteer
from kg.models import Entity, Mention
from kg.vocabulary import discovered_entity_iri
from kg.wordlists import table, word_lists

_OPEN_QUOTES = "“\"「『《‘"
_CLOSE_QUOTES = "”\"」』》’"
_NAME = r"[\u4e00-\u9fffA-Za-z0-9·\-]{2,12}"
_QUOTED = rf"[{_OPEN_QUOTES}]{_NAME}[{_CLOSE_QUOTES}]"
_MEASURE = r"(?:[一两二三四五六七八九十几多]+(?:个|款|家)|一款|这款|该款)?"
#: Characters that end the left edge of a company name (verbs and function words).
_COMPANY_LEFT_STOP = set("为是的由和与在对向被将把从及、，。；：:;,（）()“”\"了曾或让但括原任")
#: After a number these end a date, so the name starts after them (10月23日新宇集团).
_DATE_ENDS = set("年月日号")
#: A company "name" with these is a description (全球第二大奢侈品集团), not a name.
_DESCRIPTIVE = re.compile(r"第|的|多家|各大|全球|国内|国外|大型|这家|该|此|其")
#: A quoted "name" starting with a negation or degree word is a description (“不够积极”).
_NOT_NAME_START = "不够|不太|不是|不会|不能|没有|很|太|非常|比较|更加"
#: A type word followed by these is part of a longer noun (“正常”产品线), not the name's type.
_TYPE_COMPOUND = "线|链|类|型|化"
_PERSON_STOP = set("在曾表称说的也等指认透向和与对就是于将把被从已亦还都则即所有做进")
#: Function words that follow a whole name (汤道生在): not the verbs' first characters 表/称/说 (周源发表).
_AFTER_NAME = set("在曾的也等向和与对就是于将把被从已亦还都则即所")


@dataclass(frozen=True)
class _Patterns:
    types: dict[str, str]  # type word → class
    quoted_list: re.Pattern[str]  # “A”和“B”两个小程序
    quoted_after: re.Pattern[str]  # 小程序“A”
    launched: re.Pattern[str]  # 推出“A”
    owned: re.Pattern[str]  # 旗下“A”
    product_suffix: re.Pattern[str]  # 特价版 | 集市 …
    regulator: re.Pattern[str]
    company: re.Pattern[str]
    person: re.Pattern[str]
    not_product: re.Pattern[str]  # “蓝V计划”, “囤货节”: a quoted programme or campaign, no entity
    generic: re.Pattern[str]  # 科技 + 有限公司: a company body made only of trade words


def _alternation(words: Sequence[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True)) or "(?!)"


@lru_cache(maxsize=4)
def _patterns(base: str | None) -> _Patterns:
    types: dict[str, str] = table("type_words", base)
    words = word_lists(base)
    type_alt = _alternation(list(types))
    surnames = "".join(s for s in words.get("surnames", ()) if len(s) == 1)
    double = _alternation([s for s in words.get("surnames", ()) if len(s) == 2])
    return _Patterns(
        types=types,
        quoted_list=re.compile(rf"(?P<list>(?:{_QUOTED}(?:、|和|与|及))*{_QUOTED})(?:的|等)?{_MEASURE}(?P<type>{type_alt})"
                               rf"(?!{_TYPE_COMPOUND})"),
        quoted_after=re.compile(rf"(?P<type>{type_alt})[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}]"),
        launched=re.compile(rf"(?:{_alternation(words.get('launch', ()))})(?:了)?(?:一款|名为)?"
                            rf"[“\"「](?P<name>{_NAME})[”\"」](?!计划|活动|项目|战略|行动|口号|概念|模式)"),
        owned=re.compile(rf"旗下(?:的)?[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}]"),
        product_suffix=re.compile(_alternation(words.get("product_suffixes", ()))),
        regulator=re.compile(rf"(?:[\u4e00-\u9fff]{{2,5}}(?:省|市|自治区))?[\u4e00-\u9fff]{{0,5}}(?:市|区|县|省)"
                             rf"(?:{_alternation(words.get('regulator_heads', ()))})"),
        company=re.compile(rf"(?P<body>[\u4e00-\u9fff]{{2,14}}?)"
                           rf"(?P<suffix>(?:{_alternation(words.get('company_suffixes', ()))})+)"),
        person=re.compile(rf"(?:{_alternation(words.get('titles', ()))})(?:的)?"
                          rf"(?P<name>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}})"),
        generic=re.compile(rf"(?:{_alternation(words.get('generic_name_parts', ()))})+"),
        not_product=re.compile(rf"(?:{_alternation(words.get('not_product_heads', ()))})$|^(?:{_NOT_NAME_START})"),
    )


def _unknown_name(word: str) -> bool:
    """A word the segmenter's dictionary does not know (or a Latin/number name): likely a name."""
    if len(word) < 2 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", word) or word.isdigit():
        return False
    if word.isascii():  # Keep, Soul: a capitalised word with small letters (not B2B, C2M, AI)
        return word[0].isupper() and any(c.islower() for c in word)
    return jieba.dt.FREQ.get(word, 0) == 0


def _person_end(text: str, start: int, end: int) -> int:
    """A three-character name loses its last character when that is a function word (龚宇有话 → 龚宇)
    or starts a word (蒋凡发布 → 蒋凡), unless a function word follows the three (汤道生在 stays)."""
    if end - start == 3 and (text[end - 1] in _PERSON_STOP or (
            jieba.dt.FREQ.get(text[end - 1:end + 1], 0) > 0 and text[end:end + 1] not in _AFTER_NAME)):
        return end - 1
    return end


def _left_trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A discovered name starts after the last function word inside it (票是由深圳市税务局 → 深圳市税务局)."""
    for i in range(end - 1, start - 1, -1):
        if text[i] in _COMPANY_LEFT_STOP:
            return i + 1, end
    return start, end


def _entity(label: str, type_name: str, confidence: float) -> Entity:
    return Entity(iri=discovered_entity_iri(label), label=label, type=type_name,
                  discovered=True, confidence=confidence)


def _swallowed(known: Sequence[Mention], spans: Sequence[tuple[int, int]]) -> list[Mention]:
    """``known`` without the mentions that lie inside (and are shorter than) one of ``spans``."""
    return [k for k in known if not any(a <= k.start and k.end <= b and (a, b) != (k.start, k.end)
                                        for a, b in spans)]


def _compounds(text: str, known: Sequence[Mention], pats: _Patterns, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """淘宝 + 特价版: a known product or company followed by a product suffix names a new product."""
    spans = []
    for k in known:
        m = pats.product_suffix.match(text, k.end)
        if m and text[k.start:m.end()] not in gazetteer.alias_index and k.entity.type != "Person":
            spans.append((k.start, m.end()))
    return spans


def discover_mentions(text: str, known: Sequence[Mention], gazetteer: Gazetteer,
                      base: str | None = None, tokens: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Mentions of entities absent from the gazetteer (never overlapping the kept ``known``).

    ``tokens`` are the (start, end) offsets of the segmenter's words; with them
    an unknown word right before a type head (某某小程序, 某某App) is a name too.
    Known mentions swallowed by a longer discovery (北京市网信办, 淘宝特价版) are
    left out of the kept set; the caller drops them by overlap.
    """
    pats = _patterns(base)
    local = [_left_trimmed(text, *m.span()) for m in pats.regulator.finditer(text)]
    compounds = _compounds(text, known, pats, gazetteer)
    quoted = [(m.start("list") + q.start(), m.start("list") + q.end()) for m in pats.quoted_list.finditer(text)
              for q in re.finditer(_NAME, m.group("list"))]  # “京东购物”小程序: a quoted name beats the 京东 inside it
    known = _swallowed(known, local + compounds + quoted)
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []

    def add(start: int, end: int, type_name: str, confidence: float) -> None:
        label = text[start:end]
        if not label or any(not (end <= s or start >= e) for s, e in taken) or label in gazetteer.alias_index:
            return
        taken.append((start, end))
        found.append(Mention(start, end, label, _entity(label, type_name, confidence), "discovered", confidence))

    for start, end in local:
        add(start, end, "Regulator", 0.7)
    for start, end in compounds:
        add(start, end, "App", 0.6)
    def add_quoted(start: int, end: int, type_name: str, confidence: float) -> None:
        if not pats.not_product.search(text[start:end]):
            add(start, end, type_name, confidence)

    for m in pats.quoted_list.finditer(text):
        for q in re.finditer(_NAME, m.group("list")):
            add_quoted(m.start("list") + q.start(), m.start("list") + q.end(), pats.types[m.group("type")], 0.7)
    for m in pats.quoted_after.finditer(text):
        add_quoted(m.start("name"), m.end("name"), pats.types[m.group("type")], 0.7)
    for pattern in (pats.owned, pats.launched):
        for m in pattern.finditer(text):
            add_quoted(m.start("name"), m.end("name"), "App", 0.6)
    for m in pats.company.finditer(text):
        start = m.start("body")
        for i in range(m.end("body") - 1, m.start("body") - 1, -1):  # the left edge: after the last function word
            if text[i] in _COMPANY_LEFT_STOP or (text[i] in _DATE_ENDS and text[i - 1:i].isdigit()):
                start = i + 1
                break
        body = text[start:m.start("suffix")]
        if len(body) >= 2 and not _DESCRIPTIVE.search(body) and not (m.group("suffix") == "集团" and len(body) > 6) \
                and not pats.generic.fullmatch(body):
            add(start, m.end(), "Company", 0.6)
    for (start, end), (h_start, h_end) in zip(tokens, tokens[1:]):
        head = text[h_start:h_end]
        if end == h_start and pats.types.get(head, "Company") != "Company" and _unknown_name(text[start:end]):
            add(start, end, pats.types[head], 0.5)
    for m in pats.person.finditer(text):
        add(m.start("name"), _person_end(text, m.start("name"), m.end("name")), "Person", 0.5)
    return found
