"""Short names an article defines for itself: 上海怡乐食食品科技有限公司（下称“怡乐食”）.

Decisions, filings and business news name a company in full once and then use
the short name the text gives it (以下简称/下称/简称).  Every later occurrence of
that short name in the document is a mention of the same entity.  A short name
found by discovery as a name of its own gives way to the defined one; a
gazetteer name is kept (it already names a known entity).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence

import jieba
import jieba.posseg as pseg

from kg.models import Mention

#: ``（以下简称“X”）``, ``（下称X）``, ``(简称: X)``: the short name after the name it shortens.
DEFINITION = re.compile(
    r"[（(]\s*(?:以下|下文|下)?简?称(?:为)?[:：]?\s*[“\"「『]?"
    r"(?P<short>[^“”\"「」『』（）()，,。；;：:、\s]{2,12}?)[”\"」』]?\s*[）)]")
#: A cheap test before the regex: a sentence that may define a short name.
CUES = ("简称", "下称")
SOURCE = "abbreviation"
#: A short name this frequent in the segmenter's dictionary is a common word (公司, 当事人).
COMMON_WORD_FREQ = 50


def defines_short_name(text: str) -> bool:
    """Does ``text`` hold a definition such as （以下简称“怡乐食”）?"""
    return any(cue in text for cue in CUES) and DEFINITION.search(text) is not None


def with_abbreviations(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` (in text order) and every later occurrence of a short name the text defines
    right after one of them, as mentions of that one's entity (up to where the text defines the
    same short name again: 当事人 may name one party, then another)."""
    definitions = sorted(_definitions(text, mentions), key=lambda d: d[2])
    if not definitions:
        return list(mentions)
    added: list[Mention] = []
    for i, (short, full, _, after) in enumerate(definitions):
        until = next((start for s, _, start, _ in definitions[i + 1:] if s == short), len(text))
        at = text.find(short, after)
        while 0 <= at < until:
            added.append(Mention(at, at + len(short), short, full.entity, SOURCE, full.confidence))
            at = text.find(short, at + len(short))
    return _merge(mentions, added)


def _definitions(text: str, mentions: Iterable[Mention]) -> Iterable[tuple[str, Mention, int, int]]:
    """(short name, the mention it shortens, where the definition starts and ends)."""
    by_end = {m.end: m for m in mentions if m.source != "coref"}
    for match in DEFINITION.finditer(text):
        full = by_end.get(match.start())
        short = match.group("short")
        if full is not None and short != full.text and _shortens(short, full) and not _common_word(short):
            yield short, full, match.start(), match.end()


def _common_word(short: str) -> bool:
    """公司, 当事人, 本行: a word of the language, which also occurs inside other words
    (子公司), is no name to look for in the text."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(short, 0) >= COMMON_WORD_FREQ


def _shortens(short: str, full: Mention) -> bool:
    """Is ``short`` a plausible short form of the name found before it?  A known name always
    is (北京三快在线科技有限公司（以下简称“美团”）); a discovered one only when the short name
    starts at its beginning or after a place name (上海怡乐食食品科技有限公司 → 怡乐食):
    otherwise discovery took words before the name into it (民营宽带运营商鹏博士…有限公司)."""
    if full.source != "discovered":
        return True
    at = full.text.find(short[0])
    if at < 0:
        return False
    return at == 0 or all(flag == "ns" for _, flag in pseg.lcut(full.text[:at]))


def _merge(mentions: Sequence[Mention], added: Sequence[Mention]) -> list[Mention]:
    """The mentions with the added ones.  An added one is dropped where it overlaps a gazetteer
    mention, an earlier added one, or a mention that reaches beyond it (怡乐食 inside
    怡乐食品牌研究院 names the institute); it replaces the discovered mentions inside it.
    ``mentions`` do not overlap (kg.nlp keeps one per span), so the ones an added mention
    meets are found by bisection: linear in the number of mentions."""
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    starts = [m.start for m in ordered]
    replaced: set[int] = set()
    kept_added: list[Mention] = []
    for m in sorted(added, key=lambda m: (m.start, -m.end)):
        if kept_added and kept_added[-1].end > m.start:
            continue
        crossed = []
        i = bisect_left(starts, m.end) - 1
        while i >= 0 and ordered[i].end > m.start:
            crossed.append(i)
            i -= 1
        if any(ordered[j].source == "gazetteer" or ordered[j].start < m.start or ordered[j].end > m.end
               for j in crossed):
            continue
        kept_added.append(m)
        replaced.update(crossed)
    out = [m for i, m in enumerate(ordered) if i not in replaced] + kept_added
    out.sort(key=lambda m: (m.start, -m.end))
    return out
