"""Find and normalise quantities (money, ratios, counts) in Chinese text.

``182.28亿元`` → 18228000000.0 CNY, ``16.5%`` → 0.165 ratio, ``7.88亿`` next to
用户/买家 → 788000000.0 users, ``破万亿美元`` → 1e12 USD.

Unit words, currency words and context words live in
``ontology/lexicon/units.json`` so an analyst can add a unit without Python.
Arithmetic is done with :class:`decimal.Decimal`, so values compare equal to
hand-written gold numbers (18228000000.0, not 18228000000.000004).

Rules:
- a number is a quantity only with a magnitude (万, 亿, 万亿, 千万 …), a unit
  word right after it (元, 美元, %, 用户, 家 …) or ``百分之`` before it; a bare
  number (``1688``, ``200左右``, ``3比1``) is not returned;
- Chinese numerals count only when they contain 万/亿 and start with a digit
  (一亿, 十亿, 两千万), or when a bare magnitude follows 破/过/超/逾/近/约/达
  (月活破亿 → 1e8, 破万亿美元 → 1e12 USD), or with a money/percent unit;
  after 几/数/上 (几十亿, 数百万, 上百亿) a numeral is vague and not returned;
- a number with a magnitude but no unit takes its unit from the nearest
  context word of the lexicon: before it in the same sentence (≤ 30 chars) or
  right after it (≤ 8 chars): 月活/用户/买家 → users, 营收/GMV/交易额 → CNY;
  with no context word the unit is None and the kind "other";
- years (2021年), month/day numbers (4月, 7日), numbers glued to Latin letters
  (L5级, 5G, iPhone12) and numbers followed by a ``skip_after`` word are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

__all__ = ["Quantity", "find_quantities", "parse_amount", "parse_cn_int", "load_lexicon"]

LEXICON_PATH = Path(__file__).resolve().parent.parent / "ontology" / "lexicon" / "units.json"


@dataclass(frozen=True)
class Quantity:
    """A normalised quantity; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    value: float
    unit: str | None
    kind: str  # "money" | "ratio" | "count" | "other"


_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_MAGNITUDE = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

#: full-width digits and punctuation → ASCII (same length, so offsets hold)
_NORMALISE = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


def parse_cn_int(s: str) -> int | None:
    """Parse a Chinese integer numeral (十三, 两千万, 万亿, 二〇二一); None if invalid."""
    if not s:
        return None
    if all(c in _CN_DIGIT for c in s):  # digit string: 二〇二一
        return int("".join(str(_CN_DIGIT[c]) for c in s)) if len(s) > 1 else _CN_DIGIT[s]
    total = wan = sec = num = 0
    for c in s:
        if c in _CN_DIGIT:
            num = _CN_DIGIT[c]
        elif c in _CN_SMALL:
            sec += (num or 1) * _CN_SMALL[c]
            num = 0
        elif c == "万":
            wan += (sec + num or 1) * 10_000
            sec = num = 0
        elif c == "亿":
            total = (total + wan + sec + num or 1) * 100_000_000
            wan = sec = num = 0
        else:
            return None
    return total + wan + sec + num


def _cn_decimal(s: str) -> Decimal | None:
    """Chinese numeral with an optional 点 fraction: 十六点五 → 16.5."""
    if "点" in s:
        head, _, frac = s.partition("点")
        whole = parse_cn_int(head) if head else 0
        if whole is None or not frac or any(c not in _CN_DIGIT for c in frac):
            return None
        return Decimal(f"{whole}.{''.join(str(_CN_DIGIT[c]) for c in frac)}")
    v = parse_cn_int(s)
    return None if v is None else Decimal(v)


def _magnitude(s: str) -> int:
    m = 1
    for c in s:
        m *= _MAGNITUDE[c]
    return m


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict:
    """Load the unit lexicon (cached)."""
    with open(path or LEXICON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


class _Lex:
    """Compiled view of the lexicon."""

    def __init__(self, data: dict) -> None:
        self.word_unit: dict[str, tuple[str, str, Decimal]] = {}
        for unit, spec in data["units"].items():
            scale = Decimal(str(spec.get("scale", 1)))
            for w in spec["words"]:
                self.word_unit[w] = (unit, spec["kind"], scale)
        words = sorted(self.word_unit, key=len, reverse=True)
        self.unit_re = re.compile(r"\s?(?:" + "|".join(map(re.escape, words)) + ")")
        self.ctx_unit: dict[str, str] = {}
        for unit, ws in data.get("context", {}).items():
            for w in ws:
                self.ctx_unit[w] = unit
        cwords = sorted(self.ctx_unit, key=len, reverse=True)
        self.ctx_re = re.compile("|".join(map(re.escape, cwords))) if cwords else None
        self.kind_of = {u: s["kind"] for u, s in data["units"].items()}
        self.skip = tuple(sorted(data.get("skip_after", []), key=len, reverse=True))


@lru_cache(maxsize=4)
def _lex(path: str | None = None) -> _Lex:
    return _Lex(load_lexicon(path))


_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_NUM_RE = re.compile(
    r"(?=[\d零〇一二两三四五六七八九十百千万亿])(?:"
    r"(?P<pct>百分之(?P<pnum>" + _ARABIC + r"|[零〇一二两三四五六七八九十百点]+))"
    r"|(?<![\dA-Za-z.,_/#\-])(?P<ar>" + _ARABIC + r")(?![\dA-Za-z])\s?(?P<mag>[十百千万亿]*)"
    r"|(?P<cn>" + _CN + r"))"
)
_BARE_MAG_PREFIX = frozenset("破过超逾近约达")
#: Before a numeral these make it vague (几十亿, 数百万, 上百亿): no amount.
_VAGUE_PREFIX = frozenset("几数上")
_CLAUSE_STOP = re.compile(r"[。；;！？!?\n]")
_YEARISH = re.compile(r"(?:19|20)\d\d")


def find_quantities(text: str, lexicon: str | None = None) -> list[Quantity]:
    """Return every quantity of ``text`` in order (see the module docstring)."""
    lex = _lex(lexicon)
    norm = text.translate(_NORMALISE)
    out: list[Quantity] = []
    for m in _NUM_RE.finditer(norm):
        start = m.start()
        end = m.end()
        if m.group("pct"):
            p = m.group("pnum")
            val = _to_decimal(p) if p[0].isdigit() else _cn_decimal(p)
            if val is None:
                continue
            out.append(Quantity(start, end, text[start:end], float(val / 100), "ratio", "ratio"))
            continue
        if m.group("ar") is not None:
            raw = m.group("ar")
            mag = m.group("mag") or ""
            val = _to_decimal(raw.replace(",", ""))
            if val is None:
                continue
            if not mag:
                end = m.end("ar")
            cn = False
        else:
            raw = m.group("cn")
            # split trailing magnitude chars off a numeral such as 两千万 / 万亿
            has_mag = "万" in raw or "亿" in raw
            first = raw[0]
            prev = norm[start - 1] if start else ""
            if prev in _VAGUE_PREFIX and first in "十百千":
                continue  # 几十亿美元: a vague order of magnitude, not 十亿
            if first in _CN_DIGIT or first == "十":
                if not has_mag:
                    # only with a money or percent unit right after it (十三元)
                    u = lex.unit_re.match(norm, end)
                    if not u or lex.word_unit[u.group().strip()][1] not in ("money", "ratio"):
                        continue
            elif not (prev in _BARE_MAG_PREFIX and set(raw) <= set("十百千万亿")):
                continue
            val = _cn_decimal(raw)
            if val is None or val == 0:
                continue
            mag = ""
            cn = True
        if mag:
            val = val * _magnitude(mag)
        # unit right after the number
        um = lex.unit_re.match(norm, end)
        if um:
            word = um.group().strip()
            unit, kind, scale = lex.word_unit[word]
            if unit == "years" and not mag and not cn and _YEARISH.fullmatch(raw):
                continue  # a calendar year: 2021年
            if kind == "other" and (mag or cn):
                um = None  # 5000万年? treat as bare
            else:
                end = um.end()
                out.append(Quantity(start, end, text[start:end], float(val * scale), unit, kind))
                continue
        if any(norm.startswith(w, end) for w in lex.skip):
            continue
        if not mag and not cn:
            continue  # bare number: 1688, 200左右, 3比1
        unit = _context_unit(norm, start, end, lex)
        kind = lex.kind_of.get(unit, "other") if unit else "other"
        out.append(Quantity(start, end, text[start:end], float(val), unit, kind))
    return out


def _to_decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _context_unit(norm: str, start: int, end: int, lex: _Lex) -> str | None:
    """Unit from the nearest context word: before (same sentence, ≤30) or after (≤8)."""
    if lex.ctx_re is None:
        return None
    lo = max(0, start - 30)
    before = norm[lo:start]
    stop = None
    for stop in _CLAUSE_STOP.finditer(before):
        pass
    if stop is not None:
        lo += stop.end()
        before = norm[lo:start]
    best: tuple[int, str] | None = None
    for cm in lex.ctx_re.finditer(before):
        d = start - (lo + cm.end())
        best = (d, lex.ctx_unit[cm.group()])  # later match = nearer
    after = norm[end:end + 8]
    stop_a = _CLAUSE_STOP.search(after)
    if stop_a:
        after = after[:stop_a.start()]
    am = lex.ctx_re.search(after)
    if am and (best is None or am.start() < best[0]):
        best = (am.start(), lex.ctx_unit[am.group()])
    return best[1] if best else None


def parse_amount(text: str) -> Quantity | None:
    """Parse one amount string (``182.28亿元``, ``16.5%``): the first quantity, or None."""
    qs = find_quantities(text)
    return qs[0] if qs else None
