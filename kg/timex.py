"""Find and resolve Chinese date expressions, one sentence at a time.

Create one :class:`DateContext` per document with the article date and call
:meth:`DateContext.resolve` on each sentence in document order.  Each returned
:class:`TimeExpr` has offsets into the sentence and an ISO ``value`` at the
precision the text gives ("2021", "2021-04", "2021-04-07"), or None when the
expression is temporal but cannot be placed (此前, 当年 with no context,
2021年13月45日).

State carried between sentences (and updated left to right inside one):

- *context*: the last year-bearing date.  Explicit dates (2021年4月, 2013年,
  2021-04-07) set it; so do resolved relative years (去年, 同年11月, 4年前).
  4月7日, 同年, 那一年, 次年, Q3, 年底 … take their year from it.
- *anchor*: the last resolved date of any kind (also 4月7日); 当天/同日/次日 and
  同月26日 refer to it.
- *present year*: the article year, used by 今年/去年/明年/N年前 and by a
  month/day with no context.

Rules for the ambiguous cases:

1. 4月7日 / 3月 / 春节 / 双11 with no context take the present year; if that
   lands more than 7 days after the article date and no future cue (将, 计划,
   预计, 拟, 有望 + 于/在) precedes, the previous year is taken.
2. Deictic words that move the narrative back to "now" (近期, 不久前, 最近, 目前,
   如今, 现在, 当前, 眼下, 现阶段, 时至今日, 近日, 日前, 前几天 …) clear the
   context, so a later "1月21日起" takes the article year again (002 →
   2024-01-21).  The context also goes stale for month/day inference after
   ``max_age`` sentences (default 3) without a new year-bearing date: a
   "4月25日，…" lede after a section break then takes the article year
   (同年/那一年/当年 still use the stale context).  Quarters and halves (Q3,
   三季度, 下半年) with no context roll back like rule 1.
3. 今年/去年/明年 are relative to the article year, except in one situation:
   when the context year Y was stated with a future cue ("将在2021年…") and Y is
   earlier than the article year, the text was evidently written no later than
   Y and the article date is a later repost date; while the context stays in
   year Y, the present year is Y.  (002: "将在2021年密集进军…" then
   "今年春节前夕" → 2021-02.)  A plain earlier year ("2020年营收…。今年…") does
   not trigger it.
4. 当天/当日/同日 → the anchor at its precision, else the article date.
   次日/第二天 → anchor + 1 day (needs a day-precision anchor).
5. 前几天/近日/日前/前些天 → the article month (YYYY-MM).  昨天/今天 → the day.
   此前 is returned with value None: it only says "before the anchor", and
   guessing would fabricate a date; callers may look at the anchor themselves.
   当时 is not returned (anaphoric; see :attr:`DateContext.anchor`).
6. 年底/年末 → YYYY-12; 年初, 年中, 上半年, 下半年, quarters (Q4, 第四季度,
   3季度) and 财年 → the year only; 月底/月初/上旬… → that month; 春节前夕 → the
   month two days before that year's Spring Festival (2021 → 2021-02, 2020 →
   2020-01); 春节 → its month; 618 → YYYY-06; 双11 → YYYY-11.
7. N年前 → present year − N; N个月前 / 至今已经N个多月 → article month − N;
   N天前 → article date − N days.
8. Durations and other numbers are never dates: 十三年之久, 5年, 近十年, 2000亿,
   1688, 3比1, bare 618, 24小时, L5级.  A 4-digit year needs 年 (or an ISO form).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = ["TimeExpr", "DateContext", "SPRING_FESTIVAL"]


@dataclass(frozen=True)
class TimeExpr:
    """A date expression of a sentence; ``text == sentence[start:end]``."""

    start: int
    end: int
    text: str
    value: str | None
    explicit: bool


#: Spring Festival (lunar new year) dates.
SPRING_FESTIVAL: dict[int, tuple[int, int]] = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22),
    2005: (2, 9), 2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26),
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31),
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3),
}

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NORMALISE = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")

_CNN = r"[〇零一二两三四五六七八九十]"
_MON = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:\d{1,2}|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_FEST = (r"“?(?:春节|除夕|元旦|国庆|双11|双十一|双12|双十二|618|6·18|6\.18)”?"
         r"(?:前夕|前后|期间|前|后|当天|假期|大促)?")
_TAIL = (r"(?:\s*" + _MON + r"\s*月份?(?:\s*" + _DAY + r"\s*[日号])?(?:底|末|初|[上中下]旬)?"
         r"|第?[一二三四1-4]季度?|[Qq][1-4](?![0-9A-Za-z])|[上下]半年|年?底|年?末|年?初"
         r"|" + _FEST + r")?")

#: every expression starts with one of these characters; checking it first
#: lets the scanner skip most positions quickly
_GATE = r"(?=[\d〇零一二两三四五六七八九十今去前明后同当那次翌本上下第Qq近日这昨此春除元国双“至年月不最目如现眼时])"
_MASTER = re.compile(
    _GATE + r"(?:(?P<iso>(?<![\d.])(?:19|20)\d\d([-/.])\d{1,2}\2\d{1,2}(?!\d))"
    r"|(?P<abs>(?<![\d.])(?<![近约超逾数几第])(?:(?:19|20)\d\d|[〇零一二三四五六七八九]{4})\s*(?:年财年|财年|年度|年)(?!之久)"
    + _TAIL + r")"
    r"|(?P<rel>(?:今年|去年|前年|明年|后年|同年|当年|那一年|那年|次年|翌年|本年|上一年|前一年|第二年)"
    + _TAIL + r")"
    r"|(?P<ago>(?<![\d多几])(?:\d+|[一两二三四五六七八九十]+)(?:年前|个多?月前|天前)"
    r"|至今(?:已经有|已经|已有|已|有)?(?:\d+|[一两二三四五六七八九十]+)个多?月)"
    r"|(?P<md>(?<![\d.年同当本个])\d{1,2}\s*月份?(?:\s*\d{1,2}\s*[日号])?(?:底|末|初|[上中下]旬)?"
    r"|(?<![一二三四五六七八九十年同当本个])(?:十[一二]?|[一二三四五六七八九])月"
    r"(?:份|" + _DAY + r"[日号])(?:底|末|初|[上中下]旬)?)"
    r"|(?P<same>(?:同月|当月|本月)(?:\s*\d{1,2}\s*[日号]|" + _DAY + r"[日号])?(?:底|末|初|[上中下]旬)?)"
    r"|(?P<day>当天|当日|同日|同一天|次日|翌日|第二天|前一天|前一日)"
    r"|(?P<relmonth>上个月|上月|下个月|下月|这个月)"
    r"|(?P<recent>近日|(?<![\d一二三四五六七八九十节生期末工假])日前|前几天|前些天|前些日子|近几天|这几天"
    r"|昨天|昨日|前天(?!猫)|今天|今日(?!头条))"
    r"|(?P<prior>此前)"
    r"|(?P<fest>(?<!年)“?(?:春节|除夕|元旦|国庆|双11|双十一|双12|双十二)”?(?:前夕|前后|期间|前|后|当天|假期)?"
    r"|(?<![\d.])“?(?:618|6·18)”?(?:前夕|期间|当天|大促|购物节|狂欢节))"
    r"|(?P<part>(?<![\d一二三四五六七八九十两几多数每个半今去明前同当本年])"
    r"(?:年底|年末|年初|年中(?![国华])|[上下]半年|月底|月初|月末|第?[一二三四]季度)"
    r"|(?<![0-9A-Za-z])[Qq][1-4](?![0-9A-Za-z]))"
    r"|(?P<reset>近期|不久前|最近|目前|如今|现在|当前|眼下|现阶段|时至今日))"
)

_FUTURE_CUE = re.compile(r"(?:将|将会|将要|计划|预计|拟|有望|准备|争取)(?:于|在|到)?\s*$")
_YEAR_RE = re.compile(r"(?:19|20)\d\d|[〇零一二三四五六七八九]{4}")
_MD_RE = re.compile(r"(" + _MON + r")\s*月份?(?:\s*(" + _DAY + r")\s*[日号])?")
_DAYONLY_RE = re.compile(r"(\d{1,2}|" + _DAY + r")\s*[日号]")
_NUM_RE = re.compile(r"\d+|[一两二三四五六七八九十]+")
_END_PART = re.compile(r"(?:年底|年末|^底|^末)")
_FEST_RE = re.compile(r"春节|除夕|元旦|国庆|双11|双十一|双12|双十二|618|6·18|6\.18")

_QUARTER_START = {"一": 1, "二": 4, "三": 7, "四": 10, "1": 1, "2": 4, "3": 7, "4": 10}


def _part_start(text: str) -> int | None:
    """First month of a quarter or half-year expression (三季度 → 7, Q2 → 4, 下半年 → 7)."""
    if text[:1] in "Qq":
        return _QUARTER_START.get(text[1:2])
    if "季" in text:
        return _QUARTER_START.get(text.lstrip("第")[:1])
    if text.endswith("半年"):
        return 1 if text.startswith("上") else 7
    return None

_REL_OFFSET = {"今年": 0, "本年": 0, "去年": -1, "前年": -2, "明年": 1, "后年": 2}
_CTX_OFFSET = {"同年": 0, "当年": 0, "那一年": 0, "那年": 0, "次年": 1, "翌年": 1,
               "第二年": 1, "上一年": -1, "前一年": -1}


def _small_int(s: str) -> int | None:
    """12 / 十二 / 二十三 / 两 → int (small numbers only)."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        tens = _CN_DIGIT.get(a, None) if a else 1
        ones = _CN_DIGIT.get(b, None) if b else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    if len(s) == 1 and s in _CN_DIGIT:
        return _CN_DIGIT[s]
    return None


def _year_of(s: str) -> int:
    if s.isdigit():
        return int(s)
    return int("".join(str(_CN_DIGIT[c]) for c in s))


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    """ISO string at the given precision, None when the date is impossible."""
    if not 1 <= y <= 9999:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        _dt.date(y, m, d)
    except ValueError:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _parse_iso(v: str | None) -> tuple[int, int | None, int | None] | None:
    if not v:
        return None
    parts = v.split("-")
    try:
        return (int(parts[0]), int(parts[1]) if len(parts) > 1 else None,
                int(parts[2]) if len(parts) > 2 else None)
    except ValueError:
        return None


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


class DateContext:
    """Resolves the date expressions of one document, sentence by sentence."""

    def __init__(self, article_date: str | None = None, max_age: int = 3) -> None:
        self.article: _dt.date | None = None
        if article_date:
            try:
                self.article = _dt.date.fromisoformat(article_date[:10])
            except ValueError:
                self.article = None
        self.context: str | None = None  # last year-bearing value
        self.anchor: str | None = None  # last resolved value of any kind
        self._present_override: int | None = None
        self.max_age = max_age
        self._age = 0  # sentences since the context was set

    # -- state -----------------------------------------------------------
    @property
    def present_year(self) -> int | None:
        """The year 今年 refers to (see rule 3 of the module docstring)."""
        if self._present_override is not None:
            return self._present_override
        return self.article.year if self.article else None

    @property
    def context_year(self) -> int | None:
        p = _parse_iso(self.context)
        return p[0] if p else None

    def reset(self) -> None:
        """Forget the context (call at a section break if the caller knows one)."""
        self.context = None
        self._present_override = None

    def _set_context(self, value: str, future: bool = False) -> None:
        y = _parse_iso(value)[0]  # type: ignore[index]
        if future and self.article and y < self.article.year:
            self._present_override = y
        elif self._present_override is not None and y != self._present_override:
            self._present_override = None
        self.context = value
        self.anchor = value
        self._age = 0

    # -- resolution --------------------------------------------------------
    def resolve(self, sentence: str) -> list[TimeExpr]:
        """Find, resolve and return the date expressions of ``sentence`` in order."""
        norm = sentence.translate(_NORMALISE)
        if norm.strip():
            self._age += 1
        out: list[TimeExpr] = []
        for m in _MASTER.finditer(norm):
            kind = m.lastgroup
            s, e = m.start(kind), m.end(kind)
            text = norm[s:e]
            if kind == "reset":
                self.reset()
                continue
            value, explicit = getattr(self, "_r_" + kind)(text, norm, s)
            out.append(TimeExpr(s, e, sentence[s:e], value, explicit))
        return out

    def _future_before(self, norm: str, s: int) -> bool:
        return bool(_FUTURE_CUE.search(norm[max(0, s - 5):s]))

    def _tail(self, y: int, tail: str) -> str | None:
        """Apply the part after a year (月/日, 底, 季度, 春节…) to year ``y``."""
        tail = tail.strip()
        if not tail:
            return _iso(y)
        md = _MD_RE.match(tail)
        if md:
            mo = _small_int(md.group(1))
            d = _small_int(md.group(2)) if md.group(2) else None
            if mo is None:
                return None
            if md.group(2) and d is None:
                return None
            return _iso(y, mo, d)
        if _END_PART.search(tail):
            return _iso(y, 12)
        f = _FEST_RE.search(tail)
        if f:
            return self._festival(y, f.group(), tail)
        return _iso(y)  # 年初, 上半年, Q4, 第四季度, 财年 …

    @staticmethod
    def _festival(y: int, name: str, text: str) -> str | None:
        if name in ("春节", "除夕"):
            md = SPRING_FESTIVAL.get(y)
            if md is None:
                return _iso(y, 2)
            day = _dt.date(y, *md)
            if name == "除夕" or "前" in text:
                day -= _dt.timedelta(days=2 if "前夕" in text or "前" in text else 1)
            return _iso(day.year, day.month)
        if name == "元旦":
            return _iso(y, 1, 1)
        if name == "国庆":
            return _iso(y, 10)
        if name in ("双11", "双十一"):
            return _iso(y, 11)
        if name in ("双12", "双十二"):
            return _iso(y, 12)
        return _iso(y, 6)  # 618

    def _infer_year(self, m: int, d: int | None, norm: str, s: int) -> int | None:
        """Year of a month/day without one (rule 1)."""
        cy = self.context_year
        if cy is not None and self._age <= self.max_age:
            return cy
        y = self.present_year
        if y is None or self.article is None:
            return None
        if self._present_override is None and not self._future_before(norm, s):
            try:
                cand = _dt.date(y, m, d or 1)
            except ValueError:
                return y
            if cand > self.article + _dt.timedelta(days=7):
                y -= 1
        return y

    def _r_iso(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        y, mo, d = re.split(r"[-/.]", text)
        v = _iso(int(y), int(mo), int(d))
        if v:
            self._set_context(v, self._future_before(norm, s))
        return v, True

    def _r_abs(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        ym = _YEAR_RE.match(text)
        y = _year_of(ym.group())  # type: ignore[union-attr]
        rest = text[ym.end():].lstrip()  # type: ignore[union-attr]
        rest = re.sub(r"^(?:年财年|财年|年度|年)", "", rest)
        v = self._tail(y, rest)
        if v:
            self._set_context(v, self._future_before(norm, s))
        return v, True

    def _r_rel(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        for word, off in _REL_OFFSET.items():
            if text.startswith(word):
                base = self.present_year
                break
        else:
            for word, off in _CTX_OFFSET.items():
                if text.startswith(word):
                    base = self.context_year
                    if base is None:
                        a = _parse_iso(self.anchor)
                        base = a[0] if a else None
                    break
            else:  # pragma: no cover - regex and tables agree
                return None, False
        if base is None:
            return None, False
        v = self._tail(base + off, text[len(word):])
        if v:
            self._set_context(v)
        return v, False

    def _r_ago(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        n = _small_int(_NUM_RE.search(text).group())  # type: ignore[union-attr]
        if n is None or self.article is None:
            return None, False
        if text.endswith("年前"):
            py = self.present_year
            v = _iso(py - n) if py is not None else None
            if v:
                self._set_context(v)
            return v, False
        if text.endswith("天前"):
            d = self.article - _dt.timedelta(days=n)
            return _iso(d.year, d.month, d.day), False
        y, mo = _add_months(self.article.year, self.article.month, -n)
        return _iso(y, mo), False

    def _r_md(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        md = _MD_RE.match(text)
        if md is None:
            return None, False
        mo = _small_int(md.group(1))
        d = _small_int(md.group(2)) if md.group(2) else None
        if mo is None or not 1 <= mo <= 12 or (md.group(2) and d is None):
            return None, False
        y = self._infer_year(mo, d, norm, s)
        v = _iso(y, mo, d) if y is not None else None
        if v:
            self.anchor = v
        return v, False

    def _r_same(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        if text.startswith("本月"):
            if self.article is None:
                return None, False
            y, mo = self.article.year, self.article.month
        else:
            a = _parse_iso(self.anchor)
            if not a or a[1] is None:
                return None, False
            y, mo = a[0], a[1]
        dm = _DAYONLY_RE.search(text)
        d = _small_int(dm.group(1)) if dm else None
        if dm and d is None:
            return None, False
        v = _iso(y, mo, d)
        if v:
            self.anchor = v
        return v, False

    def _r_day(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        a = _parse_iso(self.anchor)
        if text in ("当天", "当日", "同日", "同一天"):
            if a:
                return self.anchor, False
            if self.article:
                return self.article.isoformat(), False
            return None, False
        if not a or a[2] is None:
            return None, False
        delta = 1 if text in ("次日", "翌日", "第二天") else -1
        d = _dt.date(*a) + _dt.timedelta(days=delta)  # type: ignore[arg-type]
        v = d.isoformat()
        self.anchor = v
        return v, False

    def _r_recent(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        self.reset()
        if self.article is None:
            return None, False
        off = {"昨天": 1, "昨日": 1, "前天": 2, "今天": 0, "今日": 0}.get(text)
        if off is None:
            return _iso(self.article.year, self.article.month), False
        d = self.article - _dt.timedelta(days=off)
        return d.isoformat(), False

    def _r_relmonth(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        """上个月 / 下个月 / 这个月: the month before, after or of the article."""
        self.reset()
        if self.article is None:
            return None, False
        step = -1 if text.startswith("上") else 1 if text.startswith("下") else 0
        index = self.article.year * 12 + self.article.month - 1 + step
        return _iso(index // 12, index % 12 + 1), False

    def _r_prior(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        return None, False

    def _r_fest(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        name = _FEST_RE.search(text).group()  # type: ignore[union-attr]
        y = self.context_year
        if y is None:
            y = self.present_year
            if y is None:
                return None, False
            v = self._festival(y, name, text)
            p = _parse_iso(v)
            if (p and self.article and self._present_override is None
                    and not self._future_before(norm, s)
                    and _dt.date(p[0], p[1] or 1, p[2] or 1) > self.article + _dt.timedelta(days=7)):
                v = self._festival(y - 1, name, text)
        else:
            v = self._festival(y, name, text)
        if v:
            self.anchor = v
        return v, False

    def _r_part(self, text: str, norm: str, s: int) -> tuple[str | None, bool]:
        if text.startswith("月"):
            a = _parse_iso(self.anchor)
            if a and a[1] is not None:
                return _iso(a[0], a[1]), False
            if self.article:
                return _iso(self.article.year, self.article.month), False
            return None, False
        y = self.context_year
        if y is None:
            y = self.present_year
            if y is None:
                return None, False
            start = _part_start(text)
            if (start and self.article and self._present_override is None
                    and not self._future_before(norm, s)
                    and _dt.date(y, start, 1) > self.article + _dt.timedelta(days=7)):
                y -= 1
        return (_iso(y, 12) if text in ("年底", "年末") else _iso(y)), False
