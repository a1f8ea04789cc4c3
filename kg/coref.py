"""Coreference-lite: 该小程序, 其, 后者, 双方 … resolved to a nearby entity.

The referring words and the classes they may point at are data
(``ontology/lexicon/coref.json``): ``{"word": {"types": [...], "pair": bool,
"skip_after": [...], "prefer": bool}}``; with ``prefer`` the
types are tried in order (该小程序: a mini program before an app), else the
nearest name of any of them wins; ``skip_after`` words (开通, 向 …) mark a name in the
same sentence as an object, which 其/它 do not point back to. Candidates are the mentions earlier in the
same sentence, then those of the previous sentence; the nearest one of a
compatible class wins. ``pair`` words (双方, 两者) take the two most recent
distinct entities; ``former`` words (前者) the one before the most recent.
``prefer_subject``: the word opening a sentence that names nobody before it (目前其虽然是…)
points first at the first name of the sentence before (its topic), not its nearest one; opening
a later clause that names nobody before it (拼多多依靠微信起家，其营收…), at the name that opens
the clause before.
``object_between`` (``{"after": [...], "before": [...]}``): 其 between such words
(对其实施, 向其处以) is the object of its own clause, so the names of that
clause (its actor: 网络安全审查办公室宣布对其实施审查) are no candidates; so is 其
right after an ``after_verb`` word (责令其停止违法行为, 要求其整改).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.models import Entity, Mention
from kg.wordlists import table

#: Characters around 其 that make it part of another word (其中, 尤其, 其他 …).
_QI_AFTER = set("中他它实余次后间一二三所")
_QI_BEFORE = set("尤极与及充何")
#: Characters before 它/他 that make it part of another word (其它, 其他: "other").
_TA_BEFORE = set("其")


@dataclass(frozen=True)
class Reference:
    """A referring expression and what it resolved to (one entity, or two for a pair)."""

    start: int  # offsets in the document text
    end: int
    text: str
    entities: tuple[Entity, ...]


#: Punctuation that ends a clause (the actor of 对其… stands in the same clause); also used by kg.cues.
CLAUSE_ENDS = "，,；;：:。！？!?\n"


def opens_clause(text: str, start: int) -> bool:
    """Does a name at ``start`` open its clause (at most four characters after the clause's start)?"""
    return start <= 4 or any(ch in CLAUSE_ENDS for ch in text[start - 5:start])


#: Words that join two names (菜鸟与顺丰, 美团和京东上市后); also used by kg.nlp.
NAME_JOINERS = "和与及跟"
#: … and in a list, the enumeration comma too (美团、京东上市后: both are subjects).
_LIST_JOINERS = NAME_JOINERS + "、"


#: What follows 其 as a subject rather than a possessive: an adverb, an auxiliary, a preposition.
_AS_SUBJECT = re.compile(r"随后|随即|[将也已在于正还并则又被曾仍就会可能要即均都亦]")


def _subjects(document: str, mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions (in the given order) that open their clause, or are joined by 和/与/、 to
    one that does (美团和京东上市后)."""
    by_end = {m.end: m for m in mentions}
    memo: dict[int, bool] = {}

    def subject(m: Mention) -> bool:
        if m.start not in memo:
            memo[m.start] = False  # no cycles
            head = by_end.get(m.start - 1)
            memo[m.start] = opens_clause(document, m.start) or (
                head is not None and document[m.start - 1:m.start] in _LIST_JOINERS and subject(head))
        return memo[m.start]

    return [m for m in mentions if subject(m)]


def _object_of_clause(text: str, start: int, end: int, between: Mapping[str, Sequence[str]] | None) -> bool:
    """True when the word at ``text[start:end]`` stands between an ``after`` word and a
    ``before`` word of ``between`` (对其实施: the object of its clause); right after an
    ``after_verb`` word (责令其停止) see :func:`_directed`."""
    if not between:
        return False
    return (text[:start].endswith(tuple(between.get("after", ())))
            and text[end:].startswith(tuple(between.get("before", ()))))


def _directed(text: str, start: int, between: Mapping[str, Sequence[str]] | None) -> bool:
    """Does the word at ``start`` follow a directive verb (责令, 要求 …: ``after_verb``)? Then it
    names the one directed, never the one directing."""
    return bool(between) and text[:start].endswith(
        tuple(between.get("after_verb", ())) + tuple(between.get("after_holding_verb", ())))


def _parallel_object(text: str, start: int, names: Sequence[Mention], offset: int,
                     between: Mapping[str, Sequence[str]] | None) -> list[Mention]:
    """对X处以罚款，对其董事长…: a word right after a preposition of ``between["after"]``
    (对, 向) that opens a clause points at the name after the same preposition in the
    clause before (X), not at that clause's subject."""
    if not between:
        return []
    word = next((w for w in between.get("after", ()) if text[:start].endswith(w)), None)
    if word is None:
        return []
    return [x for x in names if text[:x.start - offset].rstrip("“\"「").endswith(word)][:1]


def _in_list(text: str, start: int, end: int) -> bool:
    """Is the name at ``text[start:end]`` a member of a 、-list (顺丰、申通、普洛斯等)?"""
    return text[start - 1:start] == "、" or text[end:end + 1] == "、"


#: Between an owner and what it owns: 字节跳动旗下的社交App多闪.
#: (旗下拥有QQ音乐: a verb, and the clause is about the owner.)
_OWNED_BETWEEN = re.compile(r"旗下(?:的[^，。；,;：:]{0,8}?)?[“\"「]?")


def _owned_head(text: str, topic: Mention, names: Sequence[Mention], offset: int = 0) -> Mention:
    """The name a clause that opens with ``topic`` is about: what it owns when the clause says
    so right away (字节跳动旗下的社交App多闪刚刚发布 is about 多闪), else ``topic`` itself."""
    if not text:
        return topic
    for name in names:
        if name.start >= topic.end and _OWNED_BETWEEN.fullmatch(text, topic.end - offset, name.start - offset):
            return name
    return topic


@lru_cache(maxsize=4)
def _word_pattern(base: str | None) -> tuple[re.Pattern[str], dict]:
    words: dict = table("coref", base)
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(alt), words


def coref_words(base: str | None = None) -> list[str]:
    """Every referring word of ``coref.json``."""
    return list(_word_pattern(base)[1])


def resolve_references(text: str, offset: int, here: Sequence[Mention], previous: Sequence[Mention],
                       is_a: Callable[[str, str], bool], base: str | None = None,
                       last_sentence: Sequence[Mention] = (), document: str = "") -> list[Reference]:
    """References inside the sentence ``text`` (starting at document ``offset``); ``previous``
    are the mentions of the sentences before, ``last_sentence`` those of the one right before;
    ``document`` (the whole text) tells which of them open their clause (for pairs)."""
    pattern, words = _word_pattern(base)
    taken = [(m.start - offset, m.end - offset) for m in here]
    refs: list[Reference] = []
    for m in pattern.finditer(text):
        if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
            continue
        spec = words[m.group()]
        directed = _directed(text, m.start(), spec.get("object_between"))  # 责令其停止: whatever follows
        object_of_clause = directed or _object_of_clause(text, m.start(), m.end(), spec.get("object_between"))
        if m.group() == "其" and not object_of_clause and (
                text[m.end():m.end() + 1] in _QI_AFTER or text[m.start() - 1:m.start()] in _QI_BEFORE):
            continue  # 其实 ("in fact"), 尤其 …; but 对其实施 is 其 + 实施
        if m.group() == "它" and text[m.start() - 1:m.start()] in _TA_BEFORE:
            continue  # 其它收入: "other income", no reference
        before = [x for x in here if x.end - offset <= m.start()]
        markers = tuple(spec.get("skip_after", ()))
        clause_start = max(text.rfind(p, 0, m.start()) for p in CLAUSE_ENDS) + 1
        named_right_before = bool(before) and text[before[-1].end - offset:m.start()] in ("", "这")  # 阿里和腾讯二者
        if object_of_clause and not directed:  # 对其实施: the clause's own names act on it
            before = [x for x in before if x.start - offset < clause_start]
            head = text[:m.start()]
            if head.endswith(tuple(spec["object_between"].get("topic_after", ()))) \
                    and not head.endswith(tuple(spec["object_between"].get("topic_after_except", ()))):
                # 丰巢是由顺丰、申通…普洛斯等成立的，顺丰为其第一大股东: the sentence's topic, not the
                # last member of a list (阿里投资了苏宁，随后淘宝成为其股东: the last name, 苏宁)
                opening = [x for x in before if opens_clause(text, x.start - offset)][:1]
                if before and _in_list(text, before[-1].start - offset, before[-1].end - offset):
                    before = [x for x in before if x not in opening] + opening
        elif spec.get("pair") and not named_right_before:
            # 腾讯也是二者的大股东: the pair is named before; the clause's own name is not in it
            # (but 阿里和腾讯二者 names it right before the word)
            before = [x for x in before if x.start - offset < clause_start]
        ordered = list(reversed(list(previous) + before))
        if spec.get("prefer_subject") and not before and opens_clause(text, m.start()):
            # 目前其虽然是…: opening a sentence that names nobody before it, 其 is the topic
            # of the sentence before, its first name, not its nearest one
            topics = [_owned_head(document, x, last_sentence) for x in sorted(last_sentence, key=lambda x: x.start)[:1]]
            ordered = topics + [x for x in ordered if x not in topics]
        elif spec.get("prefer_subject") and not object_of_clause and opens_clause(text, m.start()) \
                and not _AS_SUBJECT.match(text, m.end()) \
                and not any(x.start - offset >= clause_start for x in before):
            # 拼多多依靠微信起家，其营收…: a possessive opening a later clause that names nobody
            # before it is the topic of the clause before (the name opening it), not that clause's
            # last name; as a subject (其随后被微信封禁) it stays the nearest
            previous_start = max(text.rfind(p, 0, max(0, clause_start - 1)) for p in CLAUSE_ENDS) + 1
            in_previous = [x for x in before if previous_start <= x.start - offset < clause_start]
            parallel = _parallel_object(text, m.start(), in_previous, offset, spec.get("object_between"))
            topics = parallel or [_owned_head(text, x, before, offset) for x in in_previous
                                  if opens_clause(text, x.start - offset)][:1]
            ordered = topics + [x for x in ordered if x not in topics]
            if parallel:
                ordered, markers = parallel, ()  # the object after 对 is meant, though 对 marks objects
        if directed and document:
            # 向美团发出《行政指导书》，要求其整改: the one directed, not the subject who directs
            directing = {id(x) for x in _subjects(document, ordered)}
            kept = [x for x in ordered if id(x) not in directing]
            if not kept and text[:m.start()].endswith(tuple(spec["object_between"].get("after_holding_verb", ()))):
                # 拼多多上市时，腾讯持有其股份: every name before opens a clause; the held one is not
                # its own clause's subject (a directive's 其 is never the one directing: no fallback)
                kept = [x for x in ordered if x.start - offset < clause_start]
            ordered, markers = kept, ()
        candidates = [x.entity for x in ordered
                      if not (markers and x in before and text[:x.start - offset].endswith(markers))]
        wanted = spec.get("types", ["Actor"])

        def fits(entity: Entity, kind: str) -> bool:
            return is_a(entity.type, kind) or (kind == "Actor" and not is_a(entity.type, "Person"))

        picked: list[Entity] = []
        if spec.get("pair"):  # 二者: the latest name and the latest other one of the same class
            fitting = [e for e in candidates if any(fits(e, k) for k in wanted)]
            subjects = list(dict.fromkeys(  # names in subject position: the two subjects named before
                x.entity for x in _subjects(document, ordered) if x.entity in fitting
            )) if document and not named_right_before else []
            if len(subjects) >= 2:
                picked = subjects[:2]
            elif fitting:
                first = fitting[0]
                others = [e for e in fitting if e.iri != first.iri]
                same = [e for e in others if e.type == first.type]
                picked = [first] + (same or others)[:1]
        elif spec.get("former"):  # 前者: of the last two names, the earlier one
            nearest_first: dict[str, Entity] = {}
            for e in candidates:
                if any(fits(e, k) for k in wanted):
                    nearest_first.setdefault(e.iri, e)
            picked = list(nearest_first.values())[1:2]
        elif spec.get("prefer"):  # types in order of preference: 该小程序 → a mini program before an app
            picked = next(([e] for kind in wanted for e in candidates if fits(e, kind)), [])
        else:  # the nearest name of any of the types
            picked = next(([e] for e in candidates if any(fits(e, kind) for kind in wanted)), [])
        if len(picked) == (2 if spec.get("pair") else 1):
            refs.append(Reference(offset + m.start(), offset + m.end(), m.group(), tuple(reversed(picked))))
    return refs
