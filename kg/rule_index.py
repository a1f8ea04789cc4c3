"""Which rules may fire in a sentence, found with one scan of the sentence.

Each rule knows its trigger words (:attr:`kg.rules.Rule.trigger_set`); a rule
can only match a sentence that holds one of them. Searching every rule's word
list in every sentence costs one regex search per list (77 lists for 103
rules); this index finds every trigger word of the sentence with one regex
(searched again one past each word found) and looks the rules up from the words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kg.rules import Rule, word_regex


class RuleIndex:
    """The rules of a rule set that a sentence's trigger words allow, in rule-set order."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._always = frozenset(i for i, r in enumerate(self.rules) if r.trigger_set is None)
        by_word: dict[str, set[int]] = defaultdict(set)
        for i, rule in enumerate(self.rules):
            for word in rule.trigger_set or ():
                by_word[word].add(i)
        # At one position the scan reports the longest word found there; every other word
        # found at that position is a prefix of it, so its rules are looked up with it.
        self._rules_at: dict[str, frozenset[int]] = {
            word: frozenset(i for n in range(1, len(word) + 1) for i in by_word.get(word[:n], ()))
            for word in by_word}
        self._scan = word_regex(frozenset(by_word)) if by_word else None  # longest word first

    def candidates(self, text: str) -> list[Rule]:
        """The rules that may match ``text``: those with a trigger word in it, and those without words."""
        found = set(self._always)
        if self._scan is not None:
            # A search (not a finditer) from one past each start: trigger words may overlap.
            match = self._scan.search(text)
            while match is not None:
                found |= self._rules_at[match.group()]
                match = self._scan.search(text, match.start() + 1)
        return [self.rules[i] for i in sorted(found)]
