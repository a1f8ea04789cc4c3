"""Masked sentences: what extraction rules match against.

Every entity mention of a sentence is replaced by one private-use character
standing for its class (amounts by another), parenthetical asides disappear,
and the mapping back to the sentence is kept. This module also knows how names
are coordinated (盒马、菜鸟和饿了么), how an owner's slot moves to what it
owns (阿里旗下“快的”), and which of several matches of one trigger to keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.coref import Reference
from kg.models import Entity, Mention, Sentence
from kg.quantity import Quantity
from kg.rules import PAIR_CHAR, QUANTITY_CHAR, TypeAlphabet
from kg.sentences import ASIDE
from kg.timex import TimeExpr

COORDINATORS = ("以及", "还有", "、", "和", "与", "及", "或", "跟", "")
_OWNED_AFTER = re.compile(r"旗下(?:的)?[^\ue000-\ue0ff，。；“\"「]{0,6}?[“\"「]?(?=[\ue000-\ue0ef])|旗下|系(?=[\ue000-\ue0ef])")
#: Where a medium only carries the words: 接受X(记者)采访, 告诉X, 对X表示, 据X报道, X援引.
_INTERVIEW = re.compile(r"(?:接受|告诉|对|向|据|在)[^，。；：,;:]{0,14}?(?:采访|专访|访问|记者|报道|透露|表示|说)|"
                        r"[^，。；：,;:]{0,12}?(?:援引|报道称|消息称)")
#: After the source of figures: X(的)(最新)数据显示 / 报告指出 / 统计 (not 财报显示: a company's own report).
_SOURCE_AFTER = re.compile(r"(?:发布)?的?(?:最新)?(?:一份)?(?:数据|报告|调查|统计|研究|研报)(?:显示|统计|指出|称|表明|发现)")
#: After a source of news: X援引, X报道称, X消息称 (美国媒体Axios援引知情人士消息称).
_REPORTS_AFTER = re.compile(r"(?:援引|报道称|消息称|独家报道|报道指出)")
#: After the medium of a byline: 新浪科技讯 11月7日, 腾讯科技讯 北京时间…
_BYLINE_AFTER = re.compile(r"(?:科技|娱乐|财经|体育|教育|数码|手机|美股|港股|时尚|汽车|游戏|健康|新闻|网)?讯(?=[\s\u3000\d])")
_TITLE = re.compile(r"《[^《》]{1,60}》")


#: Connectors that may also mean "with": 抖音与京东签署 (a partner, not a second member).
_PARTNER_JOIN = re.compile("[与跟][“\"「《]?$")  # the connector itself, not an 等… filler before it
#: Adverbs that may stand between a partner and its verb (与京东正式签署).
_BEFORE_PARTNER_VERB = re.compile(r"(?:正式|共同|一起|再次|已经|已|将|宣布)?")


def _partner_verb_follows(text: str, at: int, verbs: tuple[str, ...]) -> bool:
    """True when a verb of ``verbs`` (maybe after an adverb) starts at ``at``."""
    return text.startswith(verbs, _BEFORE_PARTNER_VERB.match(text, at).end()) or text.startswith(verbs, at)


@lru_cache(maxsize=8)
def _coordination_patterns(connectors: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for what may stand between two coordinated names (right of one, left of the other)."""
    words = "|".join(re.escape(c) for c in sorted(connectors, key=len, reverse=True) if c)
    if connectors == ("",):
        return re.compile(r"(?=[\ue000-\ue0ef])"), re.compile(r"(?<=[\ue000-\ue0ef])$")
    adjacent = "|" if "" in connectors else ""  # an empty connector: names may also touch
    between = rf"(?:[”\"」》]?(?:(?:等[^\ue000-\ue0ff，。、“”\"]{{0,8}})?(?:，以及|{words}){adjacent})[“\"「《]?" \
              r"|[”」》][“「《])"  # “运满满”“货车帮”: quoted names side by side are a list too
    return re.compile(between + r"(?=[\ue000-\ue0ef])"), re.compile(r"(?<=[\ue000-\ue0ef])" + between + "$")


#: The suffix of a platform's mini-program alias (微信小程序, 支付宝小程序).
MINI_PROGRAM_SUFFIX = "小程序"


def without_fused_platforms(mentions: Sequence[Mention]) -> list[Mention]:
    """Drop a platform's mini-program mention that directly follows another name
    (饿了么微信小程序): the app's own mini program is meant, so the app is the argument
    and 微信 is neither subject nor object there (the text 小程序 stays for the rules)."""
    kept: list[Mention] = []
    for m in mentions:
        if (kept and kept[-1].end == m.start and m.text.endswith(MINI_PROGRAM_SUFFIX)
                and len(m.text) > len(MINI_PROGRAM_SUFFIX) and m.entity.type != "MiniProgram"
                and kept[-1].entity.type != "Person"):
            continue
        kept.append(m)
    return kept


def outside_asides(sentence: Sentence, mentions: Sequence[Mention]) -> list[Mention]:
    """Drop mentions inside a parenthetical aside （小程序、视频号带货等）: they are not arguments;
    nor are names inside a longer title of a work (文章《围剿顺丰》, 《B站计划收购网易漫画》),
    while a title that is just the name (《王者荣耀》, 《财经》) still names it; nor is a medium
    that only carries the words (在接受第一财经采访时, 告诉36氪, 据路透社报道, Axios援引), nor the source of
    figures (IDC数据显示, Frost & Sullivan的数据显示) or a byline (新浪科技讯 11月7日)."""
    interviews = [(sentence.start + m.start(), sentence.start + m.end()) for m in _INTERVIEW.finditer(sentence.text)]
    mentions = [m for m in mentions if (m.entity.type != "Media"
                                        or not any(a <= m.start and m.end <= b for a, b in interviews))
                and not _SOURCE_AFTER.match(sentence.text, m.end - sentence.start)
                and not _REPORTS_AFTER.match(sentence.text, m.end - sentence.start)
                and not _BYLINE_AFTER.match(sentence.text, m.end - sentence.start)]
    asides = [(sentence.start + m.start(), sentence.start + m.end()) for m in ASIDE.finditer(sentence.text)]
    titles = [(sentence.start + m.start(), sentence.start + m.end()) for m in _TITLE.finditer(sentence.text)]
    if not asides and not titles:
        return list(mentions)
    return [m for m in mentions if not any(a < m.start and m.end < b for a, b in asides)
            and not any(a < m.start and m.end < b and (m.start, m.end) != (a + 1, b - 1) for a, b in titles)]


def nearest_matches(patterns: Sequence[re.Pattern[str]], text: str,
                     valid: Callable[[re.Match[str]], bool] = lambda m: True) -> list[re.Match[str]]:
    """Every valid match of a rule's patterns; of matches sharing a trigger only the nearest one,
    and none whose trigger lies inside another match's longer trigger."""
    best: dict[int, re.Match[str]] = {}
    for pattern in patterns:
        pos = 0
        while pos <= len(text):
            match = pattern.search(text, pos)
            if match is None:
                break
            pos = match.start() + 1
            if not valid(match):
                continue
            key = match.start("T") if "T" in pattern.groupindex and match.group("T") is not None else match.start()
            old = best.get(key)
            if old is None or closeness(match) < closeness(old):
                best[key] = match
    kept = [best[k] for k in sorted(best)]
    return [m for m in kept if not any(_inside(_trigger(m), _trigger(o)) for o in kept if o is not m)]


def _trigger(match: re.Match[str]) -> tuple[int, int]:
    if "T" in match.re.groupindex and match.group("T") is not None:
        return match.span("T")
    return match.span()


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Is span ``a`` strictly inside span ``b`` (活跃用户 inside 月活跃用户)?"""
    return b[0] <= a[0] and a[1] <= b[1] and a != b


def closeness(match: re.Match[str]) -> tuple[int, int, int]:
    """Rank matches of one trigger: the subject nearest the trigger first, then the shortest,
    then the object nearest the trigger (…决定，对A、B分别处以: A of the second 对)."""
    groups = match.re.groupindex
    if "T" not in groups or match.group("T") is None:
        return 0, match.end() - match.start(), 0
    trigger = match.start("T")
    object_gap = trigger - match.start("O") if "O" in groups and match.group("O") is not None \
        and match.start("O") < trigger else 0
    if "S" in groups and match.group("S") is not None and match.start("S") < trigger:
        return trigger - match.start("S"), match.end() - match.start(), object_gap
    return 0, match.end() - match.start(), object_gap


def distinct(masked: Masked, match: re.Match[str]) -> bool:
    """A match whose subject and object name the same entity (新浪微博 … 在微博) is no match."""
    if "S" not in match.re.groupindex or "O" not in match.re.groupindex:
        return True
    if match.group("S") is None or match.group("O") is None:
        return True
    s, o = masked.slots.get(match.start("S"), ()), masked.slots.get(match.start("O"), ())
    return not (len(s) == 1 and len(o) == 1 and s[0].iri == o[0].iri)


@dataclass
class Masked:
    """A sentence with its mentions replaced by placeholder characters."""

    text: str  # the masked string
    slots: dict[int, tuple[Entity, ...]] = field(default_factory=dict)  # masked index → entities
    confidence: dict[int, float] = field(default_factory=dict)
    quantities: dict[int, Quantity] = field(default_factory=dict)


@dataclass(frozen=True)
class SentenceContext:
    """What the rules see of one sentence."""

    sentence: Sentence
    masked: Masked
    times: tuple[TimeExpr, ...]
    quantities: tuple[Quantity, ...]
    masked_to_text: tuple[int, ...]  # masked index → offset in the sentence text
    recent: tuple[Mention, ...] = ()  # mentions of this and the two sentences before, in order
    earlier: tuple[Mention, ...] = ()  # the document's mentions, in order (@earlier binds: those before)


def mask_sentence(sentence: Sentence, here: Sequence[Mention], refs: Sequence[Reference],
                  quantities: Sequence[Quantity], times: Sequence[TimeExpr], alphabet: TypeAlphabet,
                  suffixes: Sequence[str] = (), recent: Sequence[Mention] = ()) -> SentenceContext:
    """Replace mentions, references and amounts by placeholders; drop asides.

    A mention that ends with a visible suffix (微信小程序) keeps the suffix as
    text after its placeholder, so rules can tell the platform from the app.
    """
    items: list[tuple[int, int, str, tuple[Entity, ...] | Quantity, float]] = []
    for m in here:
        end = m.end - sentence.start
        for suffix in suffixes:
            if m.text.endswith(suffix) and len(m.text) > len(suffix) and m.entity.type != "MiniProgram":
                end -= len(suffix)
                break
        items.append((m.start - sentence.start, end, alphabet.char(m.entity.type),
                      (m.entity,), m.confidence))
    for r in refs:
        char = PAIR_CHAR if len(r.entities) == 2 else alphabet.char(r.entities[0].type)
        items.append((r.start - sentence.start, r.end - sentence.start, char, r.entities, 0.7))
    for q in quantities:
        items.append((q.start, q.end, QUANTITY_CHAR, q, 1.0))
    for aside in ASIDE.finditer(sentence.text):  # （BABA.HK）, （小程序、视频号带货等）: invisible to rules
        if not any(aside.start() <= q.start < aside.end() for q in quantities) and \
                not any(aside.start() <= r.start - sentence.start < aside.end() for r in refs):
            items.append((aside.start(), aside.end(), "", None, 1.0))
    items.sort(key=lambda x: (x[0], -x[1]))
    text = sentence.text
    out: list[str] = []
    back: list[int] = []
    masked = Masked("")
    pos = 0
    for start, end, char, payload, conf in items:
        if start < pos:
            continue
        out.append(text[pos:start])
        back.extend(range(pos, start))
        if payload is None:  # an aside: dropped from the masked text
            pos = end
            continue
        index = len(back)
        out.append(char)
        back.append(start)
        if isinstance(payload, Quantity):
            masked.quantities[index] = payload
        else:
            masked.slots[index] = payload
            masked.confidence[index] = conf
        pos = end
    out.append(text[pos:])
    back.extend(range(pos, len(text)))
    masked.text = "".join(out)
    return SentenceContext(sentence, masked, tuple(times), tuple(quantities), tuple(back),
                           tuple(list(recent) + [m for m in here]))


def owned_member(masked: Masked, index: int) -> int | None:
    """``阿里旗下“快的”``: a slot on the owner moves to what it owns (None: an unnamed part)."""
    m = _OWNED_AFTER.match(masked.text, index + 1)
    if not m:
        return index
    if m.end() < len(masked.text) and m.end() in masked.slots:
        return m.end()
    return None


#: After a name, words that make it the owner of what follows (旗下的抖音, 快手自有的快手支付):
#: such a name starts a phrase of its own, it is no member of a list.
_OWNER_WORDS = ("旗下", "自有的", "自家的", "系的")
#: An owner's own product right after it (快手自有的快手支付): the product stays in the list.
_SELF_OWNED = re.compile(r"(?:自有的|自家的)[^\ue000-\ue0ff，。；、]{0,4}?(?=[\ue000-\ue0ef])")


@lru_cache(maxsize=8)
def _clause_opener(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex of the words that open a new clause after a list; ``{Any}`` in a word stands
    for any name (将{Any}: 将 before a name is 把, 将 before a verb is "will")."""
    return re.compile("|".join(re.escape(w).replace(re.escape("{Any}"), "[\ue000-\ue0ef]")
                               for w in sorted(words, key=len, reverse=True)))


def _governed(text: str, index: int, governors: Sequence[str]) -> bool:
    """Whether a word of ``governors`` (对, 向) stands right before the name at ``index``
    (an opening quote between them allowed)."""
    before = text[max(0, index - 6):index].rstrip("“\"「《")
    return any(before.endswith(w) for w in governors)


def coordinated(masked: Masked, index: int, stop: int | None | set[int],
                 connectors: Sequence[str] = COORDINATORS,
                 same_kind: Callable[[str, str], bool] | None = None,
                 clause_verbs: Sequence[str] = (), partner_verbs: Sequence[str] = (),
                 governors: Sequence[str] = ()) -> list[int]:
    """The mention at ``index`` and those joined to it by 、/和/与 … (never into ``stop``).

    Quotes around the names and ``等<noun>`` before a connector are allowed:
    “群买买”和“快团团”, 爱回收等新兴二手电商玩家、快手. With ``same_kind`` (two
    placeholder characters → may they share a list?) the list ends at the first
    name of another kind: 李彦宏以及苏宁…: a person's list stops before a company.
    A name followed by 版 names a version (今日头条安卓版), never a list member.
    Names after it that a verb of ``clause_verbs`` follows start a new clause
    (阿里投资了大搜车、腾讯和百度投资了易鑫): the list to the right is dropped, unless a
    word of ``governors`` opens it (对A、B和C分别处以…: all three are fined).
    A name followed by 旗下 starts a phrase of its own (字节跳动旗下的抖音和腾讯旗下的快手:
    腾讯 is no second product of 字节跳动, and 抖音 no second owner of 快手).
    A name joined by 与/跟/同 that a verb of ``partner_verbs`` follows is a partner,
    not a member (字节跳动旗下的抖音与京东签署了协议): the list ends before it.
    """
    stops = stop if isinstance(stop, set) else {stop}
    right, left = _coordination_patterns(tuple(connectors))
    text = masked.text

    def joins(i: int) -> bool:
        return i in masked.slots and i not in stops and len(masked.slots[i]) == 1 \
            and not text.startswith("版", i + 1) \
            and (same_kind is None or same_kind(text[index], text[i]))

    chain = [index]
    here = index
    partner_at = None  # where the last 与/跟/同 joined a name
    while (m := right.match(text, here + 1)) and joins(m.end()):
        here = m.end()
        if text.startswith(_OWNER_WORDS, here + 1):  # 微信支付和快手自有的快手支付: the owned one
            owned = _SELF_OWNED.match(text, here + 1)
            if not owned or not joins(owned.end()):
                here = chain[-1]
                break
            here = owned.end()
        if _PARTNER_JOIN.search(m.group()):
            partner_at = len(chain)
        chain.append(here)
    if here != index and clause_verbs and _clause_opener(tuple(clause_verbs)).match(text, here + 1) \
            and not _governed(text, index, governors):
        chain = [index]
    elif partner_at is not None and partner_verbs and _partner_verb_follows(text, here + 1, tuple(partner_verbs)):
        chain = chain[:partner_at]
    here = index
    while here > 0 and not text.startswith(_OWNER_WORDS, index + 1) and (m := left.search(text, 0, here)) \
            and joins(m.start() - 1):
        here = m.start() - 1
        chain.append(here)
    return sorted(chain)
