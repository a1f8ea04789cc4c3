"""The words around a match: modality, status, means, date and amount.

Cue words are data (``ontology/lexicon/modality.json``, ``status.json``,
``means.json``, ``metric_kinds.json``, ``words/metric.txt``); this module
only knows where each kind of cue counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from kg.coref import CLAUSE_ENDS
from kg.quantity import Quantity
from kg.rules import Rule, RuleError
from kg.timex import TimeExpr
from kg.wordlists import table, word_lists, word_map


class Cues:
    """The cue tables of one ontology folder."""

    def __init__(self, base: str | None = None) -> None:
        self.base = base
        self.modality_cues = table("modality", base)
        for modality, spec in self.modality_cues.items():  # a bad scope or cue pattern fails here, named
            for scope, words in spec.items():
                if scope != "except" and scope.removesuffix("_regex") not in _SCOPES:
                    raise RuleError(f"modality.json: {modality}.{scope}: unknown scope "
                                    f"(known: {', '.join(_SCOPES)}, each also with _regex)")
                if scope.endswith("_regex"):
                    for word in words:
                        try:
                            _cue_regex(word)
                        except re.error as exc:
                            raise RuleError(f"modality.json: {modality}.{scope}: bad regular expression "
                                            f"{word!r}: {exc}") from None
        lists = word_lists(base)
        self.turn = _clause_opening(lists.get("clause_turns", ()))
        self.shift = _clause_opening(lists.get("topic_shifts", ()))
        self.means_cues = table("means", base)
        self.status_cues = table("status", base)
        self.metric_kinds = table("metric_kinds", base)
        self.metric_names = word_map("metric", base)
        words = "|".join(sorted(map(re.escape, self.metric_names), key=len, reverse=True))
        # 2020年中国境内销售额, 2019财年营收, 2023年度净利润: a year that names a figure's period
        self._period = re.compile(
            rf"(?:年度|财年|度)?(?:的)?(?:全年|上半年|下半年|前三季度|第[一二三四]季度|一季度|二季度|三季度|四季度)?"
            rf"(?:的)?(?:中国境内|中国|境内|国内|全球|海外|境外)?(?:的)?(?:{words})") if words else None

    def period_of_figure(self, text: str, end: int) -> bool:
        """Does the date ending at ``end`` name the period of a figure that follows it (其2020年
        中国境内销售额)?  Such a date dates the figure, not the fact the sentence states."""
        return bool(self._period and self._period.match(text, end))

    def modality(self, text: str, match: re.Match[str], trigger: tuple[int, int], rule: Rule) -> str:
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
        for turn in self.turn.finditer(text, near_start, trigger[0]):  # 试图…，但失败后决定收购: another clause's cue
            near_start = turn.end()
        scopes = {
            "sentence": text[:trigger[0]],
            "near": text[near_start:trigger[0]],
            "after": text[trigger[1]:_until(self.shift, text, trigger[1])],
            "clause": text[trigger[1]:_clause_end(text, trigger[1])],  # 能说服LV入驻天猫吗，: a question
            "trigger": text[trigger[0]:trigger[1]],
            "span": text[trigger[1]:match.end()],  # between the trigger and the end of the match (营收预计达到X)
            "all": text,
        }
        for modality in rule.modality_cues:
            spec = self.modality_cues.get(modality, {})
            exceptions = spec.get("except", [])
            for scope, words in spec.items():
                if scope == "except":
                    continue
                region = scopes[scope.removesuffix("_regex")]
                for word in exceptions:
                    region = region.replace(word, "\u3000" * len(word))
                if scope.endswith("_regex"):  # 据…报道: a cue with a gap in it
                    if any(_cue_regex(w).search(region) for w in words):
                        return modality
                elif any(w in region for w in words):
                    return modality
        return "asserted"

    def status(self, text: str, rule: Rule) -> str | None:
        if rule.predicate not in self.status_cues.get("predicates", []):
            return rule.status
        for status, words in self.status_cues.get("cues", []):
            if any(w in text for w in words):
                return status
        return rule.status

    def means(self, text: str, rule: Rule, trigger: tuple[int, int]) -> str | None:
        if rule.predicate not in ("blocks", "unblocks"):
            return None
        for means, words in self.means_cues:
            if any(w in text for w in words):
                return means
        return None

    def metric_fits(self, name: str | None, quantity: Quantity | None) -> bool:
        """A metric needs an amount of its kind: users for 月活, money for 营收, a share for 市场份额."""
        if quantity is None or quantity.kind == "other":
            return False
        kinds = self.metric_kinds.get(name or "")
        if kinds is None and name:  # a segment's figure (核心电商营收) is of its metric's kind
            kinds = next((k for m, k in self.metric_kinds.items() if name.endswith(m)), None)
        return kinds is None or quantity.kind in kinds

    def metric(self, surface: str | None, text: str, match: re.Match[str]) -> str | None:
        """Normalise a metric word (``words/metric.txt``); 小程序 just before it makes it a mini-program metric."""
        if not surface:
            return None
        names = self.metric_names
        name = names.get(surface, surface)
        if "小程序" in text[max(0, match.start() - 10):match.end()]:
            prefixed = "小程序" + name
            if prefixed in names.values():
                return prefixed
        return name


#: Where a modality cue may stand (modality.json's keys), relative to the trigger.
_SCOPES = ("sentence", "near", "after", "clause", "trigger", "span", "all")
_CLAUSE_END = re.compile("[" + re.escape(CLAUSE_ENDS) + "]")


def _clause_opening(words: Sequence[str]) -> re.Pattern[str]:
    """A clause break followed by one of ``words`` (``words/clause_turns.txt``, ``topic_shifts.txt``)."""
    alternation = "|".join(sorted(map(re.escape, words), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"[，,；;](?:{alternation})")


def _clause_end(text: str, start: int) -> int:
    """Where the clause of the trigger ending at ``start`` ends (at its punctuation)."""
    found = _CLAUSE_END.search(text, start)
    return found.start() if found else len(text)


def _until(shift: re.Pattern[str], text: str, start: int) -> int:
    """Where the part of the sentence about the trigger at ``start`` ends (a change of topic)."""
    found = shift.search(text, start)
    return found.start() if found else len(text)


@lru_cache(maxsize=256)
def _cue_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def pick_date(times: Sequence[TimeExpr], trigger_start: int, text: str = "",
              period_of_figure: Callable[[str, int], bool] | None = None) -> str | None:
    """The date nearest before the trigger in the sentence, else the first one after it; a date
    that starts a span (``text``: 自1992年以来, 创下2017年7月以来新低) dates no fact, nor does
    one that ``period_of_figure`` says is the period of a figure (处以其2020年中国境内销售额3%的罚款)."""
    valued = [t for t in times if t.value and not text[t.end:t.end + 4].lstrip().startswith("以来")
              and not (period_of_figure and period_of_figure(text, t.end))]
    before = [t for t in valued if t.start <= trigger_start]
    if before:
        return before[-1].value
    return valued[0].value if valued else None


def pick_amount(quantities: Sequence[Quantity], trigger_start: int, spec: str,
                within: tuple[int, int] | None = None) -> Quantity | None:
    """``spec`` is ``money``, ``ratio``, ``count`` or ``any``, optionally ``_last``: the first (or last)
    amount of that kind after the trigger, else of the whole sentence; ``_clause``: the first one
    ``within`` only (以约40亿美元收购了沐瞳科技, 收购Pico，交易金额约90亿元), else none.  A ``_last`` amount is
    first looked for ``within`` (from the match's start to the end of the trigger's clause):
    对滴滴处80.26亿元罚款，对程维各处100万元罚款 fines 滴滴 the first amount, not the last."""
    kind, _, which = spec.partition("_")
    wanted = [q for q in quantities if kind in ("any", q.kind)]
    inside = [q for q in wanted if within is None or (within[0] <= q.start and q.end <= within[1])]
    if which == "clause":  # only inside the window: a deal's price, never a figure of another clause
        return inside[0] if inside else None
    if which == "last" and within is not None and inside:
        return inside[-1]
    after = [q for q in wanted if q.start >= trigger_start] or wanted
    if not after:
        return None
    return after[-1] if which == "last" else after[0]
