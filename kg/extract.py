"""Sentences with entity mentions → :class:`~kg.models.EventFact`.

For each sentence the extractor builds a *masked* string (every mention
replaced by one placeholder character for its class, amounts by another),
runs every compiled rule of :mod:`kg.rules` over it, and turns each match
into facts: slots become subject and object (following coordinated lists),
and the words around the match decide modality, status, means, date and
amount. All of those words are data under ``ontology/lexicon/``.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from kg.abbreviations import defines_short_name, with_abbreviations
from kg.coref import CLAUSE_ENDS, coref_words, opens_clause, resolve_references
from kg.cues import Cues, pick_amount, pick_date
from kg.lexicon import Gazetteer
from kg.masking import (COORDINATORS, SentenceContext, coordinated, distinct, mask_sentence, nearest_matches,
                        outside_asides, owned_member, without_fused_platforms)
from kg.models import Document, Entity, EventFact, Mention, Sentence
from kg.nlp import EntityTagger, get_tagger
from kg.quantity import Quantity, find_quantities
from kg.rule_index import RuleIndex
from kg.rules import Rule, TypeAlphabet, cached_rules, word_regex
from kg.sentences import split_sentences
from kg.timex import DateContext, TimeExpr
from kg.wordlists import word_lists

#: What joins the names of a joint figure: the list words, and 加/+ (抖音加TikTok全球月活).
SOLO_CONNECTORS = tuple(c for c in COORDINATORS if c) + ("加", "+", "＋")


@lru_cache(maxsize=4)
def _cues(base: str | None) -> Cues:
    return Cues(base)


class Extractor:
    """Applies the rule set to documents."""

    def __init__(self, tagger: EntityTagger | None = None, ontology_dir: str | None = None) -> None:
        self.tagger = tagger or get_tagger(ontology_dir)
        self.gazetteer: Gazetteer = self.tagger.gazetteer
        key = tuple(sorted(self.gazetteer.class_parents.items()))
        self.alphabet = TypeAlphabet(dict(key))
        self.rules = cached_rules(key, ontology_dir)
        self.base = ontology_dir
        self.person_chars = frozenset(c for n, c in self.alphabet.chars.items() if self.alphabet.is_a(n, "Person"))
        self.cues = _cues(ontology_dir)
        lists = word_lists(ontology_dir)
        self.visible_suffixes = lists.get("visible_suffixes", ())
        self.distributive = lists.get("distributive", ())
        self.continuation = lists.get("continuation", ())
        # verbs (not the prepositions 与/对/向/在 of the list) that start a new clause after a list of names
        self.clause_verbs = tuple(w for w in lists.get("verbs", ()) if len(w) > 1 and w not in ("还是", "或者")) \
            + tuple(lists.get("clause_prepositions", ()))
        self.partner_verbs = tuple(lists.get("partner_verbs", ()))
        self.list_governors = tuple(lists.get("list_governors", ()))
        self.price_words = tuple(lists.get("price_words", ()))
        self.last_sentence_count = 0
        self.any_trigger = _words_regex([r.trigger_set for r in self.rules])
        # Which sentences are read for names is fixed by the full rule set (a copy given fewer
        # rules, as the rule-example tests make, still sees the names of the same sentences).
        self._tag_index = self.index
        recent_rules = [r.trigger_set for r in self.rules
                        if any(str(v).startswith(("@recent", "@earlier")) for v in r.bind.values())]
        self.needs_context = _words_regex(recent_rules + [frozenset(coref_words(ontology_dir))])

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rule set, in order (setting it also rebuilds the trigger index)."""
        return self._rules

    @rules.setter
    def rules(self, rules: Sequence[Rule]) -> None:
        self._rules = tuple(rules)
        self.index = RuleIndex(self._rules)

    # ---- documents -------------------------------------------------------
    def extract(self, doc: Document) -> list[EventFact]:
        """Every fact of a document, in text order."""
        return list(self.iter_facts(doc))

    def iter_facts(self, doc: Document) -> Iterator[EventFact]:
        sentences = split_sentences(doc.text, doc.paragraphs, doc.captions)
        self.last_sentence_count = len(sentences)
        mentions = tuple(with_abbreviations(doc.text, self._tag(doc.text, sentences)))  # in text order
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
                yield from self.sentence_facts(doc, sentence, here, previous, times, window, mentions,
                                               recent[-1] if recent else ())
            recent = (recent + [here])[-3:]
            own_dates = (own_dates + [stated])[-2:]
            if here:
                previous = here

    def _tag(self, text: str, sentences: Sequence[Sentence]) -> list[Mention]:
        """Entity mentions of the sentences a rule could fire in, and of the two before each when
        a reference (其, 双方) or an implicit argument may need them; segmentation is the costly
        step, and most sentences of a news article hold no trigger word at all."""
        if self.any_trigger is None:
            return self.tagger.mentions(text)
        wanted: set[int] = set()
        for i, sentence in enumerate(sentences):
            if defines_short_name(sentence.text):  # （以下简称“X”）: the full name is needed
                wanted.add(i)
            if self.any_trigger.search(sentence.text) and self._may_fire(sentence.text):
                wanted.add(i)
                if self.needs_context is None or self.needs_context.search(sentence.text):
                    wanted.update((i - 1, i - 2))
        mentions: list[Mention] = []
        for first, last in _runs(sorted(i for i in wanted if 0 <= i < len(sentences))):
            start, end = sentences[first].start, sentences[last].end
            mentions.extend(dataclasses.replace(m, start=m.start + start, end=m.end + start)
                            for m in self.tagger.mentions(text[start:end], text[:start]))
        return mentions

    def _may_fire(self, text: str) -> bool:
        """Could a rule match the sentence: its trigger word and every other piece a pattern
        needs (:mod:`kg.pattern_literals`) are in it?"""
        return any(rule.may_match(text) for rule in self._tag_index.candidates(text))

    def _continues(self, text: str) -> bool:
        """Does the sentence go on with the time of the one before (随后, 当时, 很快 …)?"""
        return any(cue in text for cue in self.continuation)

    def sentence_facts(self, doc: Document, sentence: Sentence, here: Sequence[Mention],
                       previous: Sequence[Mention], times: Sequence[TimeExpr] = (),
                       recent: Sequence[Mention] = (), earlier: tuple[Mention, ...] = (),
                       last_sentence: Sequence[Mention] = ()) -> Iterator[EventFact]:
        """Facts of one sentence given its mentions, those of the last sentence that had any
        (``previous``), of the recent ones, of the document (``earlier``, for ``@earlier``
        binds) and of the sentence right before (``last_sentence``, maybe none)."""
        here = without_fused_platforms(outside_asides(sentence, here))
        refs = resolve_references(sentence.text, sentence.start, here, list(recent) or previous,
                                  self.alphabet.is_a, self.base, last_sentence, doc.text)
        quantities = [q for q in find_quantities(sentence.text)
                      if not any(m.start - sentence.start < q.end and q.start < m.end - sentence.start for m in here)]
        ctx = mask_sentence(sentence, here, refs, quantities, times, self.alphabet, self.visible_suffixes, recent)
        if earlier:
            ctx = dataclasses.replace(ctx, earlier=earlier)
        seen: set[tuple] = set()
        fallbacks: list[EventFact] = []
        with_own_subject: set[tuple] = set()  # (predicate, object) of facts whose subject the sentence names
        for rule in self.index.candidates(sentence.text):
            if not rule.may_match(sentence.text):
                continue
            recalled = str(rule.bind.get("S", "")).startswith(("@recent", "@earlier"))
            for match in nearest_matches(rule.patterns, ctx.masked.text, functools.partial(distinct, ctx.masked)):
                for fact in self._facts_from_match(doc, ctx, rule, match):
                    if recalled:
                        fallbacks.append(fact)
                        continue
                    if fact.subject is not None:
                        with_own_subject.add((fact.predicate, fact.object and fact.object.iri))
                    key = _fact_key(fact)
                    if key not in seen:
                        seen.add(key)
                        yield fact
        for fact in fallbacks:  # a subject recalled from before only where the sentence names none
            key = _fact_key(fact)
            if (fact.predicate, fact.object and fact.object.iri) not in with_own_subject and key not in seen:
                seen.add(key)
                yield fact

    # ---- matches → facts -------------------------------------------------
    def _slot_entities(self, ctx: SentenceContext, match: re.Match[str], name: str | None, rule: Rule,
                       other: int | None | set[int], taken: list[int] | None = None) -> list[tuple[Entity, float]]:
        if name and name in rule.bind and (name not in match.re.groupindex or match.group(name) is None):
            return self._bound(ctx, match, rule.bind[name])
        if not name or name not in match.re.groupindex or match.group(name) is None:
            return []
        index = match.start(name)
        # a trigger right after the slot (阿里旗下, 阿里系App) makes the name itself the argument
        named_itself = "T" in match.re.groupindex and match.group("T") is not None \
            and match.start("T") > index and ctx.masked.text[index + 1:match.start("T")] in ("", "系")
        if not named_itself:
            shifted = owned_member(ctx.masked, index)
            if shifted is None:
                return []  # 阿里旗下核心电商业务: the argument is an unnamed part of 阿里
            index = shifted
        if rule.expand is True or isinstance(rule.expand, tuple) or rule.expand == ("subject" if name == "S" else "object"):
            connectors = rule.expand if isinstance(rule.expand, tuple) else COORDINATORS
            # a list before the trigger leads up to it (王兴和张涛分别出任…): no word after it opens
            # another clause; after the trigger one may (滴滴收购ofo、阿里向ofo提供资金)
            before_trigger = "T" in match.re.groupindex and match.group("T") is not None \
                and match.start("T") > index
            chain = coordinated(ctx.masked, index, other, connectors, self._same_kind,
                                () if before_trigger else self.clause_verbs, self.partner_verbs, self.list_governors)
        else:
            chain = [index]
        chain = (not named_itself and self._members_before_group(ctx, index)) or chain
        chain = [i for i in chain if not self._owner_before(ctx, i, chain)]
        if taken is not None:
            taken.extend(chain)
        return [(e, ctx.masked.confidence.get(i, 1.0)) for i in chain for e in ctx.masked.slots.get(i, ())]

    def _members_before_group(self, ctx: SentenceContext, index: int) -> list[int]:
        """闲鱼、优酷、饿了么等阿里系App: a group named after 等 only says whose the names before
        are, so they are the argument (when the group owns every one of them)."""
        if index < 2 or ctx.masked.text[index - 1] != "等" or index - 2 not in ctx.masked.slots:
            return []
        members = coordinated(ctx.masked, index - 2, None, COORDINATORS, self._same_kind)
        groups = {e.iri for e in ctx.masked.slots.get(index, ())}
        owned = all(groups & set(self.gazetteer.owner_chain(e.iri)) for i in members for e in ctx.masked.slots.get(i, ()))
        return members if groups and owned else []

    def _owner_before(self, ctx: SentenceContext, index: int, chain: list[int]) -> bool:
        """百度好看视频: a name right before a product or unit it owns only says whose it is."""
        if index + 1 not in chain:
            return False
        owners = {e.iri for e in ctx.masked.slots.get(index, ())}
        return any(owners & set(self.gazetteer.owner_chain(e.iri)) for e in ctx.masked.slots.get(index + 1, ()))

    def _in_list(self, ctx: SentenceContext, match: re.Match[str], slot: str) -> bool:
        """Does slot ``slot`` stand in a list of several distinct names (抖音加TikTok, A、B和C)?"""
        index = _slot_index(match, slot)
        if index is None:
            return False
        chain = coordinated(ctx.masked, index, None, SOLO_CONNECTORS, self._same_kind)
        if len({e.iri for i in chain for e in ctx.masked.slots.get(i, ())}) < 2:
            return False
        between = ctx.masked.text[max(chain) + 1:match.end()]
        return not any(w in between for w in self.distributive)  # 微信和QQ的月活都…: each member's

    def _same_kind(self, a: str, b: str) -> bool:
        """May two placeholders share a coordinated list? Not a person and an organisation or product."""
        return self._is_person_char(a) == self._is_person_char(b)

    def _is_person_char(self, char: str) -> bool:
        return char in self.person_chars

    def _bound(self, ctx: SentenceContext, match: re.Match[str], target: str) -> list[tuple[Entity, float]]:
        """A slot the pattern leaves out: a fixed entity, ``@recent:Class`` (the latest such mention
        of this or the two sentences before) or ``@earlier:Class`` (of the document so far)."""
        if target.startswith("@owner:"):
            slot = target.split(":", 1)[1]
            owned = [e for e, _ in self._slot_entities(ctx, match, slot, _NO_EXPAND, None)] if slot in match.re.groupindex else []
            owners = [self.gazetteer.entities.get(e.owner or "") for e in owned]
            return [(o, 0.6) for o in owners if o is not None]
        if target.startswith("@topic:"):
            return self._topic(ctx, match, target.split(":", 1)[1].split("|"))
        if target.startswith(("@recent:", "@earlier:")):
            wanted = target.split(":", 1)[1].split("|")
            limit = ctx.sentence.start + ctx.masked_to_text[min(match.start(), len(ctx.masked_to_text) - 1)]
            named = [e.label for slot in ("S", "O") if slot in match.re.groupindex
                     for e, _ in self._slot_entities(ctx, match, slot, _NO_EXPAND, None)]
            pool: Iterable[Mention] = reversed(ctx.recent)  # this sentence's (filtered) and the two before
            if target.startswith("@earlier:"):  # then the document's before those, nearest first
                first = ctx.recent[0].start if ctx.recent else ctx.sentence.start
                pool = itertools.chain(pool, reversed(ctx.earlier[:bisect.bisect_left(ctx.earlier, first, key=_start)]))
            for mention in pool:
                if mention.start < limit and any(self.alphabet.is_a(mention.entity.type, w) for w in wanted):
                    if any(n != mention.entity.label and n.startswith(mention.entity.label) for n in named):
                        continue  # 只能使用微信支付: not 微信 itself, the namesake of the payment service
                    return [(mention.entity, 0.6)]
            return []
        entity = self.gazetteer.entities.get(self.gazetteer.alias_index.get(target, ""))
        return [(entity, 1.0)] if entity else []

    def _topic(self, ctx: SentenceContext, match: re.Match[str], wanted: Sequence[str]) -> list[tuple[Entity, float]]:
        """``@topic:Class``: the one name of that class in the sentence before the match, when
        it opens a clause (月之暗面成立于2023年，创始人兼CEO杨植麟…); none when another one
        stands between."""
        limit = ctx.sentence.start + ctx.masked_to_text[min(match.start(), len(ctx.masked_to_text) - 1)]
        fitting = [m for m in ctx.recent if ctx.sentence.start <= m.start < limit
                   and any(self.alphabet.is_a(m.entity.type, w) for w in wanted)]
        if len({m.entity.iri for m in fitting}) != 1 or not opens_clause(ctx.sentence.text, fitting[0].start - ctx.sentence.start):
            return []  # none, or two (腾讯投资了拼多多，董事长黄峥…: whose chairman?)
        return [(fitting[0].entity, 0.6)]

    def _facts_from_match(self, doc: Document, ctx: SentenceContext, rule: Rule,
                          match: re.Match[str]) -> Iterator[EventFact]:
        trigger = (match.start("T"), match.end("T")) if "T" in match.re.groupindex and match.group("T") is not None \
            else (match.start(), match.end())
        if any(self._in_list(ctx, match, slot) for slot in rule.solo):
            return  # 华为、小米和vivo占据54.9%: a joint figure, nobody's own
        modality = rule.modality or self.cues.modality(ctx.masked.text, match, trigger, rule)
        for subj_slot, obj_slot, role_group, q_slot in rule.emit:
            q_slot = q_slot or "Q"
            if rule.amount == "slot" and not self.cues.metric_fits(self._metric(match, ctx, rule),
                                                                   _quantity(ctx, match, q_slot)):
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
                if rule.same_group and subject is not None and obj is not None and obj.owner \
                        and not self._group(subject) & self._group(obj):
                    continue  # 百度上线微信支付功能: not a product of 百度's group
                yield self._fact(doc, ctx, rule, match, trigger, subject, obj, modality, role,
                                 rule.confidence * min(s_conf, o_conf), q_slot)

    def _group(self, entity: Entity) -> set[str]:
        """The IRIs of ``entity`` and of its owners up the chain (the gazetteer's kg:ownedBy)."""
        group: set[str] = set()
        current: Entity | None = entity
        while current is not None and current.iri not in group:
            group.add(current.iri)
            current = self.gazetteer.entities.get(current.owner or "")
        return group

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
        trigger_start = ctx.masked_to_text[min(trigger[0], len(ctx.masked_to_text) - 1)] if ctx.masked_to_text else 0
        if rule.amount == "slot":
            quantity = _quantity(ctx, match, q_slot)
        else:
            quantity = pick_amount(ctx.quantities, trigger_start, rule.amount,
                                   within=_match_clause(ctx, match, trigger, self.price_words
                                                        if rule.amount.endswith("_clause") else None)) \
                if rule.amount else None
        return EventFact(
            predicate=rule.predicate, subject=subject, object=obj, doc_id=doc.id,
            sentence=sentence.text, span=(sentence.start, sentence.end), rule=rule.id,
            confidence=round(confidence, 3), modality=modality,
            date=pick_date(ctx.times, trigger_start, sentence.text,
                           None if rule.predicate == "reports_metric" else self.cues.period_of_figure)
            if rule.date else None,
            amount=quantity.value if quantity else None, unit=quantity.unit if quantity else None,
            status=self.cues.status(ctx.masked.text, rule), role=role, metric=self._metric(match, ctx, rule),
            means=rule.means or self.cues.means(ctx.masked.text, rule, trigger), doc_date=doc.date,
        )

    def _metric(self, match: re.Match[str], ctx: SentenceContext, rule: Rule) -> str | None:
        """The normalised metric of a match (the rule's metric group, or its fixed metric name)."""
        if not rule.metric:
            return None
        surface = match.group(rule.metric) if rule.metric in match.re.groupindex else rule.metric
        name = self.cues.metric(surface, ctx.masked.text, match)
        segment = match.group("seg") if "seg" in match.re.groupindex else None
        if name and segment:  # 核心电商收入, B2B业务营业收入, 大中华区营收: the figure of a segment
            return re.sub(r"(?:实现|取得|录得|达到)$", "", segment) + name
        return name


def _start(mention: Mention) -> int:
    return mention.start


def _match_clause(ctx: SentenceContext, match: re.Match[str], trigger: tuple[int, int],
                  price_words: tuple[str, ...] | None = None) -> tuple[int, int]:
    """Sentence offsets from the start of ``match`` to the end of the trigger's clause and of the
    clauses after it that name nobody (处以…罚款，计182.28亿元), not into the next clause about
    someone (…罚款，对程维各处100万元罚款).  With ``price_words`` a clause after it counts only
    when it opens with one of them (收购Pico，交易金额约90亿元; not …，被处以50万元罚款)."""
    back, masked = ctx.masked_to_text, ctx.masked
    if not back:
        return 0, len(ctx.sentence.text)
    text = masked.text
    end = len(text)
    at = max(match.end(), trigger[1])
    while at < len(text):
        stop = next((i for i in range(at, len(text)) if text[i] in CLAUSE_ENDS), len(text))
        if stop >= len(text):
            break
        following = next((i for i in range(stop + 1, len(text)) if text[i] in CLAUSE_ENDS), len(text))
        if any(i in masked.slots for i in range(stop + 1, following)) or (
                price_words is not None and not text.startswith(price_words, stop + 1)):
            end = stop
            break
        at = following
    start = back[min(match.start(), len(back) - 1)]
    return start, (back[end] if end < len(back) else len(ctx.sentence.text))  # at the clause's punctuation


def _fact_key(fact: EventFact) -> tuple:
    """What makes two facts of one sentence the same fact."""
    return (fact.predicate, fact.subject and fact.subject.iri, fact.object and fact.object.iri,
            fact.role, fact.metric, fact.amount)


def _quantity(ctx: SentenceContext, match: re.Match[str], slot: str) -> Quantity | None:
    """The amount standing in slot ``slot`` of a match (None unless it is a real amount)."""
    q = ctx.masked.quantities.get(match.start(slot)) if slot in match.re.groupindex and match.group(slot) else None
    return q if q is not None and q.kind != "other" else None


def _words_regex(word_sets: Sequence[frozenset[str] | None]) -> re.Pattern[str] | None:
    """One regex for every word of ``word_sets`` (None if any is None: then everything must be read)."""
    if not word_sets or any(words is None for words in word_sets):
        return None
    return word_regex(frozenset().union(*word_sets))


def _runs(indexes: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive runs of sorted indexes as (first, last)."""
    run: list[int] = []
    for i in indexes:
        if run and i != run[-1] + 1:
            yield run[0], run[-1]
            run = []
        run.append(i)
    if run:
        yield run[0], run[-1]


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
