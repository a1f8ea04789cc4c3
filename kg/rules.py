"""Extraction rules: read, validate and compile ``ontology/rules/*.jsonl``.

A rule is one JSON object a line. Its ``pattern`` is a regular expression over
a *masked* sentence, in which every entity mention has been replaced by one
private-use character standing for its class, plus three shorthands:

* ``{S:Company|App}``: a slot named ``S`` that matches one mention of those
  classes (or their subclasses; ``Actor`` = any organisation or product,
  ``Any`` = any entity, ``Pair`` = 双方/两者, ``Quantity`` = an amount);
* ``@block``: any word of ``ontology/lexicon/words/block.txt``;
  the first ``@list`` of a pattern is the trigger unless ``(?P<T>…)`` is given;
* ``<2,8>`` / ``<8>``: a lazy gap of that many characters inside a clause
  (no ，；：), ``<<0,20>>``: a lazy gap that may cross clause punctuation,
  ``<0,10!verbs>``: a gap that never crosses a word of ``words/verbs.txt``,
  ``<<0,24!mentions>>``: a gap that never crosses another entity mention;
  in a stop list, ``{Any}`` stands for any mention (``在{Any}``: 在 before a name),
  and so it does bare in a pattern, with no slot (``{O:Actor}(?!{Any})``: no name next);
  any bare class does (``以{Quantity}入股``: an amount, not an argument).
  Of several matches of one trigger, the shortest (nearest slots) is kept.
* a pattern that starts with the subject slot ``{S:…}`` never takes a
  subject right after a preposition or instrument word
  (``words/not_before_subject.txt``: 向, 在, 通过 …) unless the rule says
  ``"subject_guard": false`` (入驻腾讯旗下微信: 腾讯 still owns 微信).

Other fields: ``predicate``, ``emit`` (slot pairs, default ``[["S", "O"]]``;
a third element names the group holding the ``role``, a fourth the amount
slot of that fact, for 分别为65.3%、60%), ``mutual`` (also emit
the reverse), ``expand`` (follow coordinated lists 盒马、菜鸟和饿了么, default
true), ``status``, ``means``, ``modality`` (fixed), ``metric`` (group name),
``amount`` (``money``/``ratio``/``count``/``slot``, ``_last``/``_clause``: see :func:`kg.cues.pick_amount`), ``date`` (default true),
``confidence``, ``bind`` (a slot absent from the pattern bound to a fixed
entity label, e.g. ``{"O": "微信"}`` for 入驻小程序, or to ``@recent:Class``, the
latest mention of that class in this or the two sentences before: the
implicit subject of 很快就被暂停服务, or ``@earlier:Class``, the latest of the
document so far, among the sentences that were read for names (those with a trigger word
of some rule): the regulator of 美团被处以34.42亿元罚款; a bound subject counts
only where no other rule finds the sentence's own for that object), ``expand`` may also be ``"object"`` or
``"subject"`` (follow lists on that side only), or a list of
connector words (``[""]``: only adjacent names, 淘宝天猫总裁), ``modality_cues``
(the modality tiers whose cue words apply: ownership is background, so a
"据报道" in its sentence does not make it reported), ``solo`` (slots that
must name one entity: when the name stands in a list of several, 华为、小米和
vivo占据54.9%的份额, the figure is joint and the match gives no fact), ``same_group``
(true: an object whose owner the gazetteer knows must belong to the subject or one
of its owners: 百度App上线微信支付功能 is no launch of 腾讯's product), ``topic_chain``
(true: each pattern that starts with ``{S:…}<gap>`` also matches with its subject
opening an earlier clause, when the trigger's clause names nobody before the trigger:
微信对外链的管控由来已久，早在2013年就封杀了淘宝的外链), and ``examples`` (``positive``: text with the expected
``[subject, predicate, object]`` triples, ``negative``: texts that must not
give this rule's predicate).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.models import PREDICATES
from kg.pattern_literals import Requirement, may_match, requirements
from kg.wordlists import ontology_dir, word_lists

#: Placeholders for things that are not gazetteer classes.
PAIR_CHAR = "\ue0f1"
QUANTITY_CHAR = "\ue0f0"
_FIRST_TYPE_CHAR = 0xE000

_SLOT = re.compile(r"\{([A-Z][A-Z0-9]*):([A-Za-z|]+)\}")
#: A class with no slot name (``以{Quantity}入股``): one mention of it, not captured.
_BARE_CLASS = re.compile(r"\{([A-Z][A-Za-z]*(?:\|[A-Z][A-Za-z]*)*)\}")
_LEADING_SUBJECT = re.compile(r"^(?:\(\?<![^()]*\))*(\(\?:[^)]*\)\??)?\{S:")
#: A pattern's leading subject slot, its lookaheads and its clause gap: {S:Company|App}(?!版)<0,14>.
_SUBJECT_AND_GAP = re.compile(
    r"^((?:\(\?<![^()]*\))*)\{S:([A-Za-z|]+)\}((?:\(\?![^()]*\))*)<\d+(?:,\d+)?(?:![A-Za-z_]+)?>")
#: How a topic-chain variant starts: the subject opens an earlier clause of the sentence.
TOPIC_START = "(?:^|[，,；;])"
#: From the subject to the trigger's clause: up to three more clauses, none of which opens
#: with a name of its own (a new subject) and none inside a quote or after a colon; the
#: subject's own clause is not passive (抖音等五家公司被约谈，暂停…: 抖音 suspends nothing).
_TOPIC_GAP = ("[^，,；;。：:“”\"被]{0,30}?"
              "(?:[，,；;](?![^，,；;。：:“”\"\ue000-\ue0ef]{0,4}[\ue000-\ue0ef])[^，,；;。：:“”\"]{0,30}?){0,3}"
              "[，,]"
              # the trigger's clause: no name and no personal pronoun (他指责了…禁止) before the trigger
              "(?:(?![他她它我你])[^，,；;。：:“”\"\ue000-\ue0ef]){0,12}?")


def topic_chain(text: str, openers: Iterable[str] = ()) -> str | None:
    """The variant of a pattern whose subject opens an earlier clause and carries over
    to the trigger's clause, which names nobody before the trigger (微信对外链的管控由来已久，
    早在2013年就封杀了淘宝的外链); the subject's clause may open with one of ``openers``
    (而, 随后 …: ``words/topic_openers.txt``). None when the pattern does not start with
    ``{S:…}<gap>``."""
    m = _SUBJECT_AND_GAP.match(text)
    if not m:
        return None
    behind, classes, ahead = m.groups()
    opener = "(?:" + "|".join(sorted(map(re.escape, openers), key=len, reverse=True)) + ")?" if openers else ""
    return f"{TOPIC_START}{opener}{behind}{{S:{classes}}}{ahead}{_TOPIC_GAP}{text[m.end():]}"
_LIST = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")
_GAP = re.compile(r"<(<)?(\d+)(?:,(\d+))?(?:!([A-Za-z_]+))?(>)?>")
#: A plain gap never crosses clause punctuation; gaps are lazy, so the nearest slot wins.
_CLAUSE_FREE = "[^，；：,;:。]"

_KNOWN_FIELDS = {"id", "predicate", "pattern", "emit", "mutual", "expand", "status", "means", "modality",
                 "metric", "amount", "date", "confidence", "examples", "note", "bind",
                 "modality_cues", "subject_guard", "solo", "same_group", "topic_chain"}


class RuleError(ValueError):
    """A rule file is malformed; the message names the file, line and problem."""


class TypeAlphabet:
    """Maps entity classes to placeholder characters and slot types to character classes."""

    def __init__(self, class_parents: Mapping[str, str | None]) -> None:
        names = sorted(set(class_parents) | {p for p in class_parents.values() if p})
        self.parents = dict(class_parents)
        self.chars = {name: chr(_FIRST_TYPE_CHAR + i) for i, name in enumerate(names)}

    def char(self, type_name: str) -> str:
        """The placeholder character of a class (unknown classes count as ``Organization``)."""
        return self.chars.get(type_name) or self.chars.get("Organization") or chr(_FIRST_TYPE_CHAR)

    def is_a(self, type_name: str, ancestor: str) -> bool:
        seen = set()
        while type_name and type_name not in seen:
            if type_name == ancestor:
                return True
            seen.add(type_name)
            type_name = self.parents.get(type_name) or ""
        return False

    def char_class(self, spec: str) -> str:
        """``Company|App`` → a regex character class of every matching placeholder."""
        chars: set[str] = set()
        for want in spec.split("|"):
            if want == "Pair":
                chars.add(PAIR_CHAR)
            elif want == "Quantity":
                chars.add(QUANTITY_CHAR)
            elif want == "Any":
                chars.update(self.chars.values())
            elif want == "Actor":
                chars.update(c for n, c in self.chars.items() if not self.is_a(n, "Person"))
            elif want in self.chars:
                chars.update(c for n, c in self.chars.items() if self.is_a(n, want))
            else:
                raise KeyError(want)
        return "[" + "".join(sorted(chars)) + "]"


@dataclass(frozen=True)
class Rule:
    """One compiled extraction rule."""

    id: str
    predicate: str
    patterns: tuple[re.Pattern[str], ...]
    emit: tuple[tuple[str | None, str | None, str | None, str | None], ...]
    mutual: bool = False
    expand: bool | str | tuple[str, ...] = True
    status: str | None = None
    means: str | None = None
    modality: str | None = None
    metric: str | None = None
    amount: str | None = None
    date: bool = True
    confidence: float = 0.8
    bind: Mapping[str, str] = field(default_factory=dict)
    modality_cues: tuple[str, ...] = ("hypothetical", "negated", "planned", "reported")
    examples: Mapping[str, Any] = field(default_factory=dict)
    solo: tuple[str, ...] = ()
    #: The object, when the gazetteer knows its owner, must be of the subject's group
    #: (百度App上线微信支付功能: 百度 launches no product of 腾讯).
    same_group: bool = False
    source: str = ""
    #: The trigger words of every pattern, when they can be read off the patterns: a sentence
    #: without any of them cannot match, so the rule is skipped there (None: always try).
    trigger_set: frozenset[str] | None = None
    #: Per pattern, what a match must contain besides names (see :mod:`kg.pattern_literals`).
    needs: tuple[tuple[Requirement, ...], ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs", tuple(requirements(p) for p in self.patterns))

    def may_match(self, text: str) -> bool:
        """False when no pattern can match ``text`` (it lacks a piece every match needs)."""
        return may_match(self.needs, text)

    @property
    def triggers(self) -> re.Pattern[str] | None:
        """The trigger words as one regex (longest first), None when the rule always runs."""
        return word_regex(self.trigger_set) if self.trigger_set is not None else None


def compile_pattern(text: str, alphabet: TypeAlphabet, lists: Mapping[str, Iterable[str]],
                    greedy: bool = False, guard: bool = True, leading_subject: bool | None = None) -> re.Pattern[str]:
    """Expand slots, word lists and gaps of a rule pattern into a regular expression.

    Gaps are lazy (nearest trigger first); the ``greedy`` variant reaches the
    farthest trigger from the same start, so that both are tried.
    """

    def slot(m: re.Match[str]) -> str:
        return f"(?P<{m.group(1)}>{alphabet.char_class(m.group(2))})"

    first_list = [True] if "(?P<T>" not in text else [False]

    def word_list(m: re.Match[str]) -> str:
        words = lists.get(m.group(1))
        if words is None:
            raise KeyError("@" + m.group(1))
        alt = "(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"
        if first_list[0]:
            first_list[0] = False
            return f"(?P<T>{alt})"
        return alt

    def gap(m: re.Match[str]) -> str:
        low, high = (m.group(2), m.group(3)) if m.group(3) else ("0", m.group(2))
        body = "." if m.group(1) else _CLAUSE_FREE
        if m.group(4) == "mentions":
            body = body[:-1] + "\ue000-\ue0ef]" if body != "." else "[^\ue000-\ue0ef]"
        elif m.group(4):
            words = lists.get(m.group(4))
            if words is None:
                raise KeyError("@" + m.group(4))
            any_mention = "[\ue000-\ue0ef]"
            stop = "|".join(re.escape(w).replace(re.escape("{Any}"), any_mention)
                            for w in sorted(words, key=len, reverse=True))
            body = f"(?:(?!{stop}){body})"
        return f"{body}{{{low},{high}}}" + ("" if greedy else "?")

    expanded = _GAP.sub(gap, text)
    expanded = _SLOT.sub(slot, expanded).replace("{Any}", "[\ue000-\ue0ef]")
    expanded = _BARE_CLASS.sub(lambda m: alphabet.char_class(m.group(1)), expanded)  # {Quantity}: no slot
    if leading_subject is None:
        leading_subject = bool(_LEADING_SUBJECT.match(text))
    if guard and leading_subject:
        guards = "".join(f"(?<!{re.escape(w)})" for w in lists.get("not_before_subject", ()))
        expanded = expanded.replace("(?P<S>", guards + "(?P<S>", 1)
    expanded = _LIST.sub(word_list, expanded)
    return re.compile(expanded)


def _parse_rule(obj: dict[str, Any], where: str, alphabet: TypeAlphabet,
                lists: Mapping[str, Iterable[str]]) -> Rule:
    unknown = set(obj) - _KNOWN_FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("id", "predicate", "pattern"):
        if key not in obj:
            raise RuleError(f"{where}: missing field {key!r}")
    if obj["predicate"] not in PREDICATES:
        raise RuleError(f"{where}: unknown predicate {obj['predicate']!r}")
    texts = obj["pattern"] if isinstance(obj["pattern"], list) else [obj["pattern"]]
    variants = [v for v in (topic_chain(t, lists.get("topic_openers", ())) for t in texts) if v] \
        if obj.get("topic_chain") else []
    if obj.get("topic_chain") and not variants:
        raise RuleError(f"{where}: rule {obj['id']}: topic_chain needs a pattern that starts with {{S:…}}<gap>")
    try:
        guard = bool(obj.get("subject_guard", True))
        patterns = tuple(compile_pattern(t, alphabet, lists, greedy, guard, leading_subject=True if t in variants else None)
                         for t in texts + variants for greedy in (False, True) if not greedy or _GAP.search(t))
    except KeyError as exc:
        raise RuleError(f"{where}: rule {obj['id']}: unknown type or word list {exc.args[0]}") from None
    except re.error as exc:
        raise RuleError(f"{where}: rule {obj['id']}: bad pattern: {exc}") from None
    emit = tuple(tuple(list(e) + [None] * (4 - len(e))) for e in obj.get("emit", [["S", "O"]]))
    for s, o, _, _ in emit:
        for name in (s, o):
            if name and name not in obj.get("bind", {}) and not all(f"(?P<{name}>" in p.pattern for p in patterns):
                raise RuleError(f"{where}: rule {obj['id']}: emit names slot {name!r} missing from a pattern")
    return Rule(
        id=obj["id"], predicate=obj["predicate"], patterns=patterns, emit=emit,  # type: ignore[arg-type]
        mutual=bool(obj.get("mutual", False)),
        expand=_expand(obj.get("expand", True)),
        status=obj.get("status"), means=obj.get("means"), modality=obj.get("modality"),
        metric=obj.get("metric"), amount=obj.get("amount"), date=bool(obj.get("date", True)),
        confidence=float(obj.get("confidence", 0.8)), bind=obj.get("bind", {}),
        modality_cues=tuple(obj.get("modality_cues", ("hypothetical", "negated", "planned", "reported"))),
        examples=obj.get("examples", {}), solo=tuple(obj.get("solo", ())), same_group=bool(obj.get("same_group", False)), source=where, trigger_set=trigger_words(texts, lists),
    )


_EXPLICIT_TRIGGER = re.compile(r"\(\?P<T>([^()\[\]\\?*+{}.^$]*)\)")


def trigger_words(texts: Iterable[str], lists: Mapping[str, Iterable[str]]) -> frozenset[str] | None:
    """Every literal trigger word of the patterns (``(?P<T>a|b)`` or the first ``@list``).

    None when some pattern's trigger is not a plain list of words: that rule always runs.
    """
    words: set[str] = set()
    for text in texts:
        explicit = _EXPLICIT_TRIGGER.search(text)
        if explicit:
            for word in explicit.group(1).split("|"):
                found = _LIST.fullmatch(word)
                words.update(lists.get(found.group(1), ()) if found else [word])
            continue
        if "(?P<T>" in text:
            return None
        first = _LIST.search(text)
        if not first:
            return None
        words.update(lists.get(first.group(1), ()))
    words.discard("")
    return frozenset(words) or None


@lru_cache(maxsize=512)
def word_regex(words: frozenset[str]) -> re.Pattern[str]:
    """One regex of ``words``, the longest first (so a match is the longest word at its start)."""
    return re.compile("|".join(sorted(map(re.escape, words), key=lambda w: (-len(w), w))))


def _expand(value: Any) -> bool | str | tuple[str, ...]:
    """``expand``: true/false, "subject"/"object" (that side only), or a list of connector words."""
    if isinstance(value, list):
        return tuple(value)
    if value in ("subject", "object"):
        return str(value)
    return bool(value)


def load_rules(alphabet: TypeAlphabet, base: str | None = None) -> list[Rule]:
    """Every rule of ``ontology/rules/*.jsonl``, compiled; ids must be unique."""
    lists = word_lists(base)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    folder = ontology_dir(base) / "rules"
    for path in sorted(folder.glob("*.jsonl")):
        rules.extend(_read_file(path, alphabet, lists, seen))
    return rules


def _read_file(path: Path, alphabet: TypeAlphabet, lists: Mapping[str, Iterable[str]],
               seen: dict[str, str]) -> list[Rule]:
    rules = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path.name}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from None
        rule = _parse_rule(obj, where, alphabet, lists)
        if rule.id in seen:
            raise RuleError(f"{where}: duplicate rule id {rule.id!r} (first at {seen[rule.id]})")
        seen[rule.id] = where
        rules.append(rule)
    return rules


@lru_cache(maxsize=4)
def cached_rules(alphabet_key: tuple[tuple[str, str | None], ...], base: str | None = None) -> tuple[Rule, ...]:
    """Rules compiled once per process for a class hierarchy."""
    return tuple(load_rules(TypeAlphabet(dict(alphabet_key)), base))
