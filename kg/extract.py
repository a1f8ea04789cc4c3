"""Sentences with entity mentions → :class:`~kg.models.EventFact`.

For each sentence the extractor builds a *masked* string (every mention
replaced by one placeholder character for its class, amounts by another),
runs every compiled rule of :mod:`kg.rules` over it, and turns each match
into facts: slots become subject and object (following coordinated lists),
and the words around the match decide modality, status, means, date and
amount. All of those words are data under ``ontology/lexicon/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.coref import resolve_references
from kg.lexicon import Gazetteer
from kg.models import Document, Entity, EventFact, Mention, Sentence
from kg.nlp import EntityTagger, get_tagger
from kg.quantity import Quantity, find_quantities
from kg.rules import PAIR_CHAR, QUANTITY_CHAR, Rule, TypeAlphabet, cached_rules
from kg.sentences import split_sentences
from kg.timex import DateContext, TimeExpr
from kg.wordlists import table, word_lists, word_map

_COORDINATORS = ("以及", "还有", "、", "和", "与", "及", "或", "跟", "")
_OWNED_AFTER = re.compile(r"旗下(?:的)?[^\ue000-\ue0ff，。；“\"「]{0,6}?[“\"「]?(?=[\ue000-\ue0ef])|旗下|系(?=[\ue000-\ue0ef])")
_ASIDE = re.compile(r"（[^（）]{0,40}）")


@lru_cache(maxsize=8)
def _coordination_patterns(connectors: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for what may stand between two coordinated names (right of one, left of the other)."""
    words = "|".join(re.escape(c) for c in sorted(connectors, key=len, reverse=True) if c)
    if connectors == ("",):
        return re.compile(r"(?=[\ue000-\ue0ef])"), re.compile(r"(?<=[\ue000-\ue0ef])$")
    between = rf"[”\"」》]?(?:(?:等[^\ue000-\ue0ff，。、“”\"]{{0,8}})?(?:，以及|{words})|){'' if '' in connectors else '(?!)'}[“\"「《]?"
    return re.compile(between + r"(?=[\ue000-\ue0ef])"), re.compile(r"(?<=[\ue000-\ue0ef])" + between + "$")


def _outside_asides(sentence: Sentence, mentions: Sequence[Mention]) -> list[Mention]:
    """Drop mentions inside a parenthetical aside （小程序、视频号带货等）: they are not arguments."""
    asides = [(sentence.start + m.start(), sentence.start + m.end()) for m in _ASIDE.finditer(sentence.text)]
    if not asides:
        return list(mentions)
    return [m for m in mentions if not any(a < m.start and m.end < b for a, b in asides)]


def _nearest_matches(patterns: Sequence[re.Pattern[str]], text: str,
                     valid: Callable[[re.Match[str]], bool] = lambda m: True) -> list[re.Match[str]]:
    """Every valid match of a rule's patterns; of matches sharing a trigger only the shortest (nearest slots)."""
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
            if old is None or _closeness(match) < _closeness(old):
                best[key] = match
    return [best[k] for k in sorted(best)]


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


@lru_cache(maxsize=4)
def _cue_tables(base: str | None) -> tuple[dict, list, dict]:
    return table("modality", base), table("means", base), table("status", base)


class Extractor:
    """Applies the rule set to documents."""

    def __init__(self, tagger: EntityTagger | None = None, ontology_dir: str | None = None) -> None:
        self.tagger = tagger or get_tagger(ontology_dir)
        self.gazetteer: Gazetteer = self.tagger.gazetteer
        key = tuple(sorted(self.gazetteer.class_parents.items()))
        self.alphabet = TypeAlphabet(dict(key))
        self.rules: tuple[Rule, ...] = cached_rules(key, ontology_dir)
        self.base = ontology_dir
        self.modality_cues, self.means_cues, self.status_cues = _cue_tables(ontology_dir)
        self.last_sentence_count = 0

    # ---- documents -------------------------------------------------------
    def extract(self, doc: Document) -> list[EventFact]:
        """Every fact of a document, in text order."""
        return list(self.iter_facts(doc))

    def iter_facts(self, doc: Document) -> Iterator[EventFact]:
        sentences = split_sentences(doc.text, doc.paragraphs, doc.captions)
        self.last_sentence_count = len(sentences)
        mentions = self.tagger.mentions(doc.text)
        dates = DateContext(doc.date)
        previous: list[Mention] = []
        recent: list[list[Mention]] = []
        own_dates: list[str | None] = []  # the last date each recent sentence states itself
        cursor = 0
        for sentence in sentences:
            while cursor < len(mentions) and mentions[cursor].end <= sentence.start:
                cursor += 1
            here = [m for m in mentions[cursor:] if m.start < sentence.end and m.start >= sentence.start]
            times = tuple(dates.resolve(sentence.text))
            stated = next((t.value for t in reversed(times) if t.value), None)
            if stated is None and self._continues(sentence.text):
                carried = next((d for d in reversed(own_dates) if d), None)
                if carried:
                    times = (TimeExpr(0, 0, "", carried, False),)
            if here or previous:
                window = [m for block in recent for m in block]
                yield from self.sentence_facts(doc, sentence, here, previous, times, window)
            recent = (recent + [here])[-3:]
            own_dates = (own_dates + [stated])[-2:]
            if here:
                previous = here

    def _continues(self, text: str) -> bool:
        """Does the sentence go on with the time of the one before (随后, 当时, 很快 …)?"""
        return any(cue in text for cue in word_lists(self.base).get("continuation", ()))

    def sentence_facts(self, doc: Document, sentence: Sentence, here: Sequence[Mention],
                       previous: Sequence[Mention], times: Sequence[TimeExpr] = (),
                       recent: Sequence[Mention] = ()) -> Iterator[EventFact]:
        """Facts of one sentence given its mentions, the previous sentence's and the recent ones'."""
        here = _outside_asides(sentence, here)
        refs = resolve_references(sentence.text, sentence.start, here, list(recent) or previous,
                                  self.alphabet.is_a, self.base)
        quantities = [q for q in find_quantities(sentence.text)
                      if not any(m.start - sentence.start < q.end and q.start < m.end - sentence.start for m in here)]
        ctx = self._mask(sentence, here, refs, quantities, times, recent)
        seen: set[tuple] = set()
        for rule in self.rules:
            for match in _nearest_matches(rule.patterns, ctx.masked.text, functools.partial(_distinct, ctx.masked)):
                for fact in self._facts_from_match(doc, ctx, rule, match):
                    key = (fact.predicate, fact.subject and fact.subject.iri, fact.object and fact.object.iri,
                           fact.role, fact.metric, fact.amount)
                    if key not in seen:
                        seen.add(key)
                        yield fact

    # ---- masking ---------------------------------------------------------
    def _mask(self, sentence: Sentence, here: Sequence[Mention], refs: Sequence, quantities: Sequence[Quantity],
              times: Sequence[TimeExpr], recent: Sequence[Mention] = ()) -> SentenceContext:
        items: list[tuple[int, int, str, tuple[Entity, ...] | Quantity, float]] = []
        suffixes = word_lists(self.base).get("visible_suffixes", ())
        for m in here:
            end = m.end - sentence.start
            for suffix in suffixes:
                if m.text.endswith(suffix) and len(m.text) > len(suffix) and m.entity.type != "MiniProgram":
                    end -= len(suffix)
                    break
            items.append((m.start - sentence.start, end, self.alphabet.char(m.entity.type),
                          (m.entity,), m.confidence))
        for r in refs:
            char = PAIR_CHAR if len(r.entities) == 2 else self.alphabet.char(r.entities[0].type)
            items.append((r.start - sentence.start, r.end - sentence.start, char, r.entities, 0.7))
        for q in quantities:
            items.append((q.start, q.end, QUANTITY_CHAR, q, 1.0))
        for aside in _ASIDE.finditer(sentence.text):  # （BABA.HK）, （小程序、视频号带货等）: invisible to rules
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

    # ---- matches → facts -------------------------------------------------
    def _slot_entities(self, ctx: SentenceContext, match: re.Match[str], name: str | None, rule: Rule,
                       other: int | None | set[int], taken: list[int] | None = None) -> list[tuple[Entity, float]]:
        if name and name in rule.bind and (name not in match.re.groupindex or match.group(name) is None):
            return self._bound(ctx, match, rule.bind[name])
        if not name or name not in match.re.groupindex or match.group(name) is None:
            return []
        index = match.start(name)
        if "T" not in match.re.groupindex or match.start("T") != index + 1:
            shifted = self._owned_member(ctx.masked, index)
            if shifted is None:
                return []  # 阿里旗下核心电商业务: the argument is an unnamed part of 阿里
            index = shifted
        if rule.expand is True or isinstance(rule.expand, tuple) or rule.expand == ("subject" if name == "S" else "object"):
            connectors = rule.expand if isinstance(rule.expand, tuple) else _COORDINATORS
            chain = self._coordinated(ctx.masked, index, other, connectors)
        else:
            chain = [index]
        if taken is not None:
            taken.extend(chain)
        return [(e, ctx.masked.confidence.get(i, 1.0)) for i in chain for e in ctx.masked.slots.get(i, ())]

    def _bound(self, ctx: SentenceContext, match: re.Match[str], target: str) -> list[tuple[Entity, float]]:
        """A slot the pattern leaves out: a fixed entity, or ``@recent:Class`` (the latest such mention)."""
        if target.startswith("@owner:"):
            slot = target.split(":", 1)[1]
            owned = [e for e, _ in self._slot_entities(ctx, match, slot, _NO_EXPAND, None)] if slot in match.re.groupindex else []
            owners = [self.gazetteer.entities.get(e.owner or "") for e in owned]
            return [(o, 0.6) for o in owners if o is not None]
        if target.startswith("@recent:"):
            wanted = target.split(":", 1)[1].split("|")
            limit = ctx.sentence.start + ctx.masked_to_text[min(match.start(), len(ctx.masked_to_text) - 1)]
            for mention in reversed(ctx.recent):
                if mention.start < limit and any(self.alphabet.is_a(mention.entity.type, w) for w in wanted):
                    return [(mention.entity, 0.6)]
            return []
        entity = self.gazetteer.entities.get(self.gazetteer.alias_index.get(target, ""))
        return [(entity, 1.0)] if entity else []

    @staticmethod
    def _owned_member(masked: Masked, index: int) -> int | None:
        """``阿里旗下“快的”``: a slot on the owner moves to what it owns (None: an unnamed part)."""
        m = _OWNED_AFTER.match(masked.text, index + 1)
        if not m:
            return index
        if m.end() < len(masked.text) and m.end() in masked.slots:
            return m.end()
        return None

    def _coordinated(self, masked: Masked, index: int, stop: int | None | set[int],
                     connectors: Sequence[str] = _COORDINATORS) -> list[int]:
        """The mention at ``index`` and those joined to it by 、/和/与 … (never into ``stop``).

        Quotes around the names and ``等<noun>`` before a connector are allowed:
        “群买买”和“快团团”, 爱回收等新兴二手电商玩家、快手.
        """
        stops = stop if isinstance(stop, set) else {stop}
        right, left = _coordination_patterns(tuple(connectors))
        chain = [index]
        here = index
        while (m := right.match(masked.text, here + 1)) and m.end() in masked.slots and m.end() not in stops \
                and len(masked.slots[m.end()]) == 1:
            here = m.end()
            chain.append(here)
        here = index
        while here > 0 and (m := left.search(masked.text, 0, here)) and m.start() - 1 in masked.slots \
                and m.start() - 1 not in stops and len(masked.slots[m.start() - 1]) == 1:
            here = m.start() - 1
            chain.append(here)
        return sorted(chain)

    def _facts_from_match(self, doc: Document, ctx: SentenceContext, rule: Rule,
                          match: re.Match[str]) -> Iterator[EventFact]:
        trigger = (match.start("T"), match.end("T")) if "T" in match.re.groupindex and match.group("T") is not None \
            else (match.start(), match.end())
        modality = rule.modality or self._modality(ctx.masked.text, match, trigger, rule)
        for subj_slot, obj_slot, role_group, q_slot in rule.emit:
            q_slot = q_slot or "Q"
            if rule.amount == "slot" and not self._metric_amount_fits(ctx, match, rule, q_slot):
                continue
            s_index = _slot_index(match, subj_slot)
            o_index = _slot_index(match, obj_slot)
            subject_chain: list[int] = []
            subjects = self._slot_entities(ctx, match, subj_slot, rule, o_index, subject_chain)
            objects = self._slot_entities(ctx, match, obj_slot, rule, set(subject_chain) | {s_index})
            pairs = self._pairs(subjects, objects, subj_slot, obj_slot, rule)
            role = match.group(role_group) if role_group and match.group(role_group) else None
            for (subject, s_conf), (obj, o_conf) in pairs:
                if subject is not None and obj is not None and subject.iri == obj.iri:
                    continue
                yield self._fact(doc, ctx, rule, match, trigger, subject, obj, modality, role,
                                 rule.confidence * min(s_conf, o_conf), q_slot)

    def _pairs(self, subjects: list, objects: list, subj_slot: str | None, obj_slot: str | None,
               rule: Rule) -> list[tuple[tuple[Entity | None, float], tuple[Entity | None, float]]]:
        none = (None, 1.0)
        if subj_slot and not subjects or obj_slot and not objects:
            return []
        if not obj_slot and len(subjects) == 2 and rule.mutual:  # 双方相互封禁
            a, b = subjects
            return [(a, b), (b, a)]
        subjects = subjects or [none]
        objects = objects or [none]
        pairs = [(s, o) for s in subjects for o in objects]
        if rule.mutual:
            pairs += [(o, s) for s, o in pairs if o[0] is not None]
        return pairs

    def _fact(self, doc: Document, ctx: SentenceContext, rule: Rule, match: re.Match[str], trigger: tuple[int, int],
              subject: Entity | None, obj: Entity | None, modality: str, role: str | None,
              confidence: float, q_slot: str = "Q") -> EventFact:
        sentence = ctx.sentence
        amount, unit = self._amount(ctx, match, trigger, rule, q_slot)
        metric = None
        if rule.metric:
            metric = self._metric(match.group(rule.metric) if rule.metric in match.re.groupindex else rule.metric,
                                  ctx.masked.text, match)
        return EventFact(
            predicate=rule.predicate, subject=subject, object=obj, doc_id=doc.id,
            sentence=sentence.text, span=(sentence.start, sentence.end), rule=rule.id,
            confidence=round(confidence, 3), modality=modality,
            date=self._date(ctx, trigger) if rule.date else None,
            amount=amount, unit=unit, status=self._status(ctx.masked.text, rule),
            role=role, metric=metric, means=rule.means or self._means(ctx.masked.text, rule, trigger),
            doc_date=doc.date,
        )

    # ---- the words around a match ----------------------------------------
    def _modality(self, text: str, match: re.Match[str], trigger: tuple[int, int], rule: Rule) -> str:
        """hypothetical > negated > planned > reported > asserted, each cue in its scope."""
        subject = match.start("S") if "S" in match.re.groupindex and match.group("S") is not None else None
        starts = [match.start(g) for g in match.re.groupindex if g != "T" and match.group(g) is not None
                  and match.start(g) < trigger[0]]
        if subject is not None and subject < trigger[0]:
            near_start = subject + 1
        elif subject is not None:
            near_start = max(0, trigger[0] - 6)
        else:
            near_start = max(starts) + 1 if starts else max(0, trigger[0] - 6)
        near_start = min(near_start, max(0, trigger[0] - 3)) if trigger[0] - near_start < 3 else near_start
        scopes = {
            "sentence": text[:trigger[0]],
            "near": text[near_start:trigger[0]],
            "after": text[trigger[1]:],
            "trigger": text[trigger[0]:trigger[1]],
            "all": text,
        }
        for modality in rule.modality_cues:
            spec = self.modality_cues.get(modality, {})
            exceptions = spec.get("except", [])
            for scope, words in spec.items():
                if scope == "except":
                    continue
                region = scopes[scope]
                for word in exceptions:
                    region = region.replace(word, "\u3000" * len(word))
                if any(w in region for w in words):
                    return modality
        return "asserted"

    def _status(self, text: str, rule: Rule) -> str | None:
        if rule.predicate not in self.status_cues.get("predicates", []):
            return rule.status
        for status, words in self.status_cues.get("cues", []):
            if any(w in text for w in words):
                return status
        return rule.status

    def _means(self, text: str, rule: Rule, trigger: tuple[int, int]) -> str | None:
        if rule.predicate not in ("blocks", "unblocks"):
            return None
        for means, words in self.means_cues:
            if any(w in text for w in words):
                return means
        return None

    def _date(self, ctx: SentenceContext, trigger: tuple[int, int]) -> str | None:
        start = ctx.masked_to_text[trigger[0]] if trigger[0] < len(ctx.masked_to_text) else len(ctx.sentence.text)
        valued = [t for t in ctx.times if t.value]
        before = [t for t in valued if t.start <= start]
        if before:
            return before[-1].value
        return valued[0].value if valued else None

    def _amount(self, ctx: SentenceContext, match: re.Match[str], trigger: tuple[int, int],
                rule: Rule, q_slot: str = "Q") -> tuple[float | None, str | None]:
        if not rule.amount:
            return None, None
        if rule.amount == "slot":
            q = ctx.masked.quantities.get(match.start(q_slot)) if q_slot in match.re.groupindex else None
            q = q if q is not None and q.kind != "other" else None
        else:
            start = ctx.masked_to_text[min(trigger[0], len(ctx.masked_to_text) - 1)]
            kind, _, which = rule.amount.partition("_")  # "money", "money_last", "ratio" …
            wanted = [q for q in ctx.quantities if kind in ("any", q.kind)]
            after = [q for q in wanted if q.start >= start] or wanted
            q = (after[-1] if which == "last" else after[0]) if after else None
        return (q.value, q.unit) if q else (None, None)

    def _metric_amount_fits(self, ctx: SentenceContext, match: re.Match[str], rule: Rule, q_slot: str) -> bool:
        """A metric needs an amount of its kind: users for 月活, money for 营收, a share for 市场份额."""
        q = ctx.masked.quantities.get(match.start(q_slot)) if q_slot in match.re.groupindex else None
        if q is None or q.kind == "other":
            return False
        surface = match.group(rule.metric) if rule.metric and rule.metric in match.re.groupindex else None
        name = self._metric(surface, ctx.masked.text, match)
        kinds = table("metric_kinds", self.base).get(name or "")
        return kinds is None or q.kind in kinds

    def _metric(self, surface: str | None, text: str, match: re.Match[str]) -> str | None:
        """Normalise a metric word (``words/metric.txt``); 小程序 just before it makes it a mini-program metric."""
        if not surface:
            return None
        names = word_map("metric", self.base)
        name = names.get(surface, surface)
        if "小程序" in text[max(0, match.start() - 10):match.end()]:
            prefixed = "小程序" + name
            if prefixed in names.values():
                return prefixed
        return name


def _closeness(match: re.Match[str]) -> tuple[int, int]:
    """Rank matches of one trigger: the subject nearest the trigger first, then the shortest."""
    groups = match.re.groupindex
    if "S" in groups and "T" in groups and match.group("S") is not None and match.group("T") is not None \
            and match.start("S") < match.start("T"):
        return match.start("T") - match.start("S"), match.end() - match.start()
    return 0, match.end() - match.start()


def _distinct(masked: Masked, match: re.Match[str]) -> bool:
    """A match whose subject and object name the same entity (新浪微博 … 在微博) is no match."""
    if "S" not in match.re.groupindex or "O" not in match.re.groupindex:
        return True
    if match.group("S") is None or match.group("O") is None:
        return True
    s, o = masked.slots.get(match.start("S"), ()), masked.slots.get(match.start("O"), ())
    return not (len(s) == 1 and len(o) == 1 and s[0].iri == o[0].iri)


def _slot_index(match: re.Match[str], name: str | None) -> int | None:
    """Where slot ``name`` matched in the masked text (None when absent or bound)."""
    if not name or name not in match.re.groupindex or match.group(name) is None:
        return None
    return match.start(name)


_NO_EXPAND = Rule(id="", predicate="owns", patterns=(), emit=(), expand=False)


@lru_cache(maxsize=4)
def get_extractor(ontology_dir: str | None = None) -> Extractor:
    """One extractor per ontology folder and process."""
    return Extractor(ontology_dir=ontology_dir)
