"""The text a compiled rule pattern cannot match without, read off its parse tree.

A rule's trigger word says which sentences may hold a match; most patterns also
need other words (用户 in ``{S}用户(不能|无法)(分享|打开)…``, 系 in ``{S}系…比如``).
Segmenting a sentence is the costly step of extraction, so a sentence is only
segmented when, for some rule its trigger words allow, every required piece of
some pattern is in it.

A requirement is a set of alternatives, one of which must occur in the text:
``{"用户"}``, ``{"分享", "打开"}``.  Only what every match must contain is
collected: a run of literal characters (groups included), a class of literal
characters (``[，,]``), an alternation of literal strings, the body of a repeat
with a minimum of one or more.  Optional parts, lookarounds, character ranges
and the name placeholders (U+E000–U+F8FF: names, amounts and references are
masked before the rules run) end a run and add nothing.  So the check errs
only one way: a pattern it lets through may still not match, never the reverse.

Matches run on the *masked* sentence: the text with names, amounts and
references replaced by one placeholder each, and asides such as （BABA.HK）
dropped.  Every literal piece of the masked text is a piece of the sentence,
except across a dropped aside; :func:`may_match` also looks at the text
without its asides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser as sre_parse  # type: ignore[attr-defined]  # stable since 3.11 (was sre_parse)

from kg.sentences import ASIDE

Requirement = frozenset[str]

_PRIVATE_USE = range(0xE000, 0xF900)


def requirements(pattern: re.Pattern[str]) -> tuple[Requirement, ...]:
    """What a match of ``pattern`` must contain (one string of each requirement)."""
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply always tried
        return ()
    if pattern.flags & re.IGNORECASE:
        return ()  # the text would have to be case-folded too; rules do not use it
    found: list[Requirement] = []
    _walk(list(tree), found)
    return tuple(dict.fromkeys(r for r in found if r and all(r)))


def _walk(items: Sequence[tuple[object, object]], found: list[Requirement]) -> None:
    """Append the requirements of a sequence of parse items to ``found``."""
    run: list[str] = []

    def flush() -> None:
        if run:
            found.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        char = _literal(op, av)
        if char is not None:
            run.append(char)
            continue
        if op is sre_parse.SUBPATTERN:  # a group is matched once: its items go on the run
            _, add_flags, _, body = av  # type: ignore[misc]
            if add_flags & re.IGNORECASE:  # (?i:…): its letters may come in any case
                flush()
                continue
            inner: list[Requirement] = []
            if _inline(list(body), run, inner):
                continue
            flush()
            found.extend(inner)
            continue
        flush()
        alternatives = _alternatives(op, av)
        if alternatives:
            found.append(alternatives)
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            low, _, body = av  # type: ignore[misc]
            if low >= 1:
                _walk(list(body), found)
    flush()


def _inline(body: list[tuple[object, object]], run: list[str], inner: list[Requirement]) -> bool:
    """Add a group of plain literals to the current run (True), or collect its requirements
    into ``inner`` (False)."""
    chars = [_literal(op, av) for op, av in body]
    if body and all(c is not None for c in chars):
        run.extend(chars)  # type: ignore[arg-type]
        return True
    _walk(body, inner)
    return False


def _literal(op: object, av: object) -> str | None:
    """The character of a LITERAL item (or a one-character class), None for anything else."""
    if op is sre_parse.LITERAL and av not in _PRIVATE_USE:
        return chr(av)  # type: ignore[arg-type]
    if op is sre_parse.IN and len(av) == 1:  # type: ignore[arg-type]
        (inner_op, inner_av), = av  # type: ignore[misc]
        if inner_op is sre_parse.LITERAL and inner_av not in _PRIVATE_USE:
            return chr(inner_av)
    return None


def _alternatives(op: object, av: object) -> Requirement | None:
    """The strings of an alternation of plain literals, or the characters of a class of literals."""
    if op is sre_parse.IN:
        chars = [_literal(sre_parse.LITERAL, a) if o is sre_parse.LITERAL else None for o, a in av]  # type: ignore[union-attr]
        return frozenset(chars) if chars and all(chars) else None  # type: ignore[arg-type]
    if op is sre_parse.BRANCH:
        _, branches = av  # type: ignore[misc]
        words = []
        for branch in branches:
            chars = [_literal(o, a) for o, a in branch]
            if not chars or not all(chars):
                return None
            words.append("".join(chars))  # type: ignore[arg-type]
        return frozenset(words)
    return None


def may_match(needs: Sequence[tuple[Requirement, ...]], text: str) -> bool:
    """Could one of the patterns with these requirements match (the masked form of) ``text``?"""
    if not needs:
        return True
    texts = (text, ASIDE.sub("", text)) if "（" in text else (text,)
    return any(all(any(piece in t for t in texts for piece in need) for need in pattern_needs)
               for pattern_needs in needs)
