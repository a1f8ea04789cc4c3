"""Entities the gazetteer lacks, found from how the text names them.

* a quoted name after or before a type word: 名为“拣值了”的小程序, “群买买”小程序
* a company name with a legal suffix: 杭州好超电子商务有限公司
* a person after a title: CEO陈镭, 团长裴培 (surnames and titles are word lists)

A discovered entity gets a stable minted IRI, a class, ``discovered=True`` and
a lower confidence. Type words, titles and surnames live in
``ontology/lexicon/``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from kg.lexicon import Gazetteer
from kg.models import Entity, Mention
from kg.vocabulary import discovered_entity_iri
from kg.wordlists import table, word_lists

_OPEN_QUOTES = "“\"「『《‘"
_CLOSE_QUOTES = "”\"」』》’"
_NAME = r"[\u4e00-\u9fffA-Za-z0-9·\-]{2,12}"
#: Characters that end the left edge of a company name (verbs and function words).
_COMPANY_LEFT_STOP = set("为是的由和与在对向被将把从及、，。；：:;,（）()“”\"了曾或")
#: A company "name" with these is a description (全球第二大奢侈品集团), not a name.
_DESCRIPTIVE = re.compile(r"第|的|多家|各大|全球|国内|国外|大型|这家|该|此|其")
_PERSON_STOP = set("在曾表称说的也等指认透向和与对就是于将把被从已亦还都则即所")


@lru_cache(maxsize=4)
def _patterns(base: str | None) -> dict[str, re.Pattern[str] | dict[str, str]]:
    types: dict[str, str] = table("type_words", base)
    words = word_lists(base)
    type_alt = "|".join(sorted(map(re.escape, types), key=len, reverse=True))
    titles = "|".join(sorted(map(re.escape, words.get("titles", ())), key=len, reverse=True))
    surnames = "".join(s for s in words.get("surnames", ()) if len(s) == 1)
    double = "|".join(re.escape(s) for s in words.get("surnames", ()) if len(s) == 2)
    surname = f"(?:{double}|[{surnames}])" if double else f"[{surnames}]"
    suffixes = "|".join(sorted(map(re.escape, words.get("company_suffixes", ())), key=len, reverse=True))
    heads = "|".join(sorted(map(re.escape, words.get("regulator_heads", ())), key=len, reverse=True))
    return {
        "types": types,
        # 名为“X”的小程序 / 一款名为“X”的App / “X”小程序 / 小程序“X”
        "quoted_before": re.compile(rf"[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}](?:的)?(?P<type>{type_alt})"),
        "quoted_after": re.compile(rf"(?P<type>{type_alt})[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}]"),
        "company": re.compile(rf"(?P<body>[\u4e00-\u9fff]{{2,14}}?)(?P<suffix>(?:{suffixes})+)") if suffixes else re.compile(r"(?!)"),
        # 北京市网信办, 上海市文化市场行政执法总队: a place and a regulator head
        "regulator": re.compile(rf"(?:[\u4e00-\u9fff]{{2,5}}(?:省|市|自治区))?[\u4e00-\u9fff]{{0,5}}(?:市|区|县|省)"
                                rf"(?:{heads})") if heads else re.compile(r"(?!)"),
        # 阿里旗下“快的”: a quoted name right after 旗下 is a product
        "owned_quoted": re.compile(rf"旗下(?:的)?[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}]"),
        "person": re.compile(rf"(?:{titles})(?:的)?(?P<name>{surname}[\u4e00-\u9fff]{{1,2}})") if titles else re.compile(r"(?!)"),
    }


def _unknown_name(word: str) -> bool:
    """A word the segmenter's dictionary does not know (or a Latin/number name): likely a name."""
    import jieba

    if len(word) < 2 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", word) or word.isdigit():
        return False
    if word.isascii():  # Keep, Soul: a capitalised word with small letters (not B2B, C2M, AI)
        return word[0].isupper() and any(c.islower() for c in word)
    return jieba.dt.FREQ.get(word, 0) == 0


def _entity(label: str, type_name: str, confidence: float) -> Entity:
    return Entity(iri=discovered_entity_iri(label), label=label, type=type_name,
                  discovered=True, confidence=confidence)


def _free(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in spans)


def discover_mentions(text: str, known: Sequence[Mention], gazetteer: Gazetteer,
                      base: str | None = None, tokens: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Mentions of entities absent from the gazetteer (never overlapping ``known``).

    ``tokens`` are the (start, end) offsets of the segmenter's words; with them
    an unknown word right before a type head (某某小程序, 某某App) is a name too.
    """
    pats = _patterns(base)
    regulator = pats["regulator"]
    assert isinstance(regulator, re.Pattern)
    local = [m.span() for m in regulator.finditer(text)]
    # A local regulator's name swallows the national alias inside it (北京市网信办 ⊃ 网信办).
    known = [k for k in known if not any(a <= k.start and k.end <= b and (a, b) != (k.start, k.end) for a, b in local)]
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []

    def add(start: int, end: int, type_name: str, confidence: float) -> None:
        label = text[start:end]
        if not _free(taken, start, end) or label in gazetteer.alias_index:
            return
        taken.append((start, end))
        found.append(Mention(start, end, label, _entity(label, type_name, confidence), "discovered", confidence))

    for start, end in local:
        add(start, end, "Regulator", 0.7)
    types = pats["types"]
    assert isinstance(types, dict)
    for key in ("quoted_before", "quoted_after"):
        pattern = pats[key]
        assert isinstance(pattern, re.Pattern)
        for m in pattern.finditer(text):
            add(m.start("name"), m.end("name"), types[m.group("type")], 0.7)
    company = pats["company"]
    assert isinstance(company, re.Pattern)
    for m in company.finditer(text):
        start = m.start("body")
        # Walk the left edge back to the last function word inside the match.
        for i in range(m.end("body") - 1, m.start("body") - 1, -1):
            if text[i] in _COMPANY_LEFT_STOP:
                start = i + 1
                break
        body = text[start:m.start("suffix")]
        if len(body) >= 2 and not _DESCRIPTIVE.search(body) and \
                not (m.group("suffix") == "集团" and len(body) > 6):
            add(start, m.end(), "Company", 0.6)
    owned = pats["owned_quoted"]
    assert isinstance(owned, re.Pattern)
    for m in owned.finditer(text):
        add(m.start("name"), m.end("name"), "App", 0.6)
    for (start, end), (h_start, h_end) in zip(tokens, tokens[1:]):
        head = text[h_start:h_end]
        word = text[start:end]
        if end == h_start and head in types and types[head] != "Company" and _unknown_name(word):
            add(start, end, types[head], 0.5)
    person = pats["person"]
    assert isinstance(person, re.Pattern)
    for m in person.finditer(text):
        start, end = m.start("name"), m.end("name")
        if end - start == 3 and text[end - 1] in _PERSON_STOP:
            end -= 1
        add(start, end, "Person", 0.5)
    return found
