"""Read articles from files, folders, globs and stdin into cleaned Documents.

Formats are detected by content, never by extension:

* YAML front matter (``---`` … ``---``) followed by an HTML, Markdown or text body;
* bare HTML (metadata from ``<title>``, ``og:*`` and ``article:published_time``);
* plain text whose first lines are a title and a date (seed 002);
* Markdown;
* JSONL, one article per line (``title``, ``date``, ``url``, ``author``,
  ``categories``, and ``html``/``content``/``text``/``body``), streamed line by
  line; a whole-file JSON array or object works as well.

Document ids
    A document's id is its path relative to the *input root* it was found under,
    with ``/`` separators: for a folder argument the folder itself
    (``kg build seeds/`` → ``000_e901d874b565968c.txt``), for a glob the folder part
    before the first wildcard, for a file argument its parent folder (so the same
    file gets the same id whichever way it is named).  ``root=`` overrides this for
    every file below it.  When the metadata gives a ``url`` (front matter, JSON,
    HTML canonical/og:url) the id is that URL.  A JSONL line's id is
    ``<file id>#<its "id" field>`` or ``<file id>#<1-based line number>``.
    Standard input is ``-``.

Errors
    Nothing here raises for bad input: ``on_error(where, reason)`` is called once
    per problem (``where`` is a path, or ``path:line`` for JSONL) and the build goes
    on.  Reasons starting with ``"warning:"`` did not stop the document from being
    ingested (bad date, broken front matter, replaced bytes); every other reason
    means the file or line was skipped.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import glob as globlib
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

import yaml

from kg import clean
from kg.models import Document

ErrorHandler = Callable[[str, str], None]

#: Files larger than this are skipped (JSONL is streamed and has no limit).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: A single document whose cleaned text is longer than this is skipped: no news
#: article is that long (the longest of the 12,461 Sina articles has 40,885
#: characters); it is a dump of many articles, and extracting it as one document
#: would take minutes and gigabytes (a 50 MB text file: ~18.6 M characters).
MAX_DOCUMENT_CHARS = 2_000_000
_SNIFF_BYTES = 64 * 1024


class SkipDocument(Exception):
    """Raised inside ingest when a file or line must be skipped; ``str(e)`` is the reason."""


@dataclass
class _Context:
    """Where a piece of input came from, and how to report on it."""

    where: str  # path (or path:line) used in error reports
    doc_id: str
    source_path: str | None
    report: ErrorHandler
    warnings: list[str] = field(default_factory=list)
    #: ``unchanged(doc_id, content_hash)``: True skips cleaning (a rebuild of a stored document)
    unchanged: Callable[[str, str], bool] | None = None

    def warn(self, reason: str) -> None:
        self.report(self.where, "warning: " + reason)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_YMD = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:(?:[T\s]|$).*)?$"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_DATE_LINE_PREFIX = re.compile(r"^(发布时间|发布日期|发表时间|发表于|日期|时间|date|Date)\s*[：:]?\s*")


def _valid_date(year: int, month: int, day: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: Any) -> str | None:
    """Normalise a date to ISO ``YYYY-MM-DD``; ``None`` when absent or impossible.

    Accepts ``date``/``datetime`` objects, Unix timestamps, RFC 2822
    (``Mon, 12 Apr 2021 06:42:53 GMT``, the day as written, no time-zone shift),
    ISO 8601, ``2021/4/12``, ``2021.4.12``, ``2021年4月12日`` and ``20210412``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return _valid_date(value.year, value.month, value.day)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            stamp = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return _valid_date(stamp.year, stamp.month, stamp.day)
    text = str(value).strip()
    if not text or len(text) > 80:
        return None
    for pattern in (_YMD, _COMPACT):
        match = pattern.match(text)
        if match:
            return _valid_date(*(int(g) for g in match.groups()))
    parsed = email.utils.parsedate_tz(text) if re.search(r"[A-Za-z]{3}", text) else None
    if parsed:
        return _valid_date(parsed[0], parsed[1], parsed[2])
    return None


def _date_from_line(line: str) -> str | None:
    """A date when the whole line is a date (optionally 发布时间： and a time)."""
    return parse_date(_DATE_LINE_PREFIX.sub("", line.strip()))


# --------------------------------------------------------------------------
# Bytes → text
# --------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def binary_reason(data: bytes) -> str | None:
    """Why these bytes are not text (``"binary file (PNG image)"``), or ``None``."""
    head = data[:8192]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return f"binary file ({name})"
    if head[4:12] in (b"ftypisom", b"ftypmp42") or head[4:8] == b"ftyp":
        return "binary file (MP4 video)"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "binary file (RIFF media)"
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    nul = head.count(0)
    if nul and nul / len(head) > 0.05 and _utf16_without_bom(head) is None:
        return "binary file (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27, 0))
    if head and controls / len(head) > 0.05:
        return "binary file (control bytes)"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """Detect BOM-less UTF-16: NULs on one byte parity, printable text beside them."""
    for encoding, zero_side, text_side in (("utf-16-le", 1, 0), ("utf-16-be", 0, 1)):
        zeros = head[zero_side::2]
        others = head[text_side::2]
        half = max(len(zeros), 1)
        if zeros.count(0) / half < 0.3 or others.count(0) / half > 0.05:
            continue
        beside = [b for z, b in zip(zeros, others) if z == 0]
        printable = sum(1 for b in beside if b >= 32 or b in (9, 10, 13))
        if beside and printable / len(beside) > 0.9:
            return encoding
    return None


_COMMON_PUNCT = set("，。、；：？！“”‘’（）《》【】…—·「」『』　％～")


@lru_cache(maxsize=65536)
def _is_common_char(ch: str) -> bool:
    """True for frequent Chinese characters (GB2312 level 1 or Big5 常用字) and CJK punctuation."""
    if ch in _COMMON_PUNCT or "\uff01" <= ch <= "\uff5e":
        return True
    try:
        gb = ch.encode("gb2312")
        if len(gb) == 2 and 0xB0 <= gb[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        b5 = ch.encode("big5")
        return len(b5) == 2 and 0xA4 <= b5[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def plausibility(text: str, limit: int = 20000) -> float:
    """Share of non-ASCII characters that are common Chinese (replacement chars count against)."""
    seen = common = 0
    for ch in text:
        if ch < "\x80":
            continue
        seen += 1
        if ch == "\ufffd":
            common -= 1
        elif _is_common_char(ch):
            common += 1
        if seen >= limit:
            break
    return common / seen if seen else 1.0


def _decode_mixed_lines(data: bytes) -> tuple[str, str, str] | None:
    """Files glued together from UTF-8 and GB18030 parts: decode line by line.

    Only when every line decodes strictly as one or the other, some non-ASCII
    lines are UTF-8, some need GB18030, and both kinds read as plausible Chinese
    (GBK bytes of 讯 are also valid UTF-8 for Ѷ);
    else ``None`` (a file that is all GB18030 is decoded whole further on).
    """
    lines = data.split(b"\n")
    out: list[str] = []
    gb_lines = 0
    gb_text: list[str] = []
    utf8_text: list[str] = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            if not line.isascii():
                utf8_text.append(out[-1])
            continue
        except UnicodeDecodeError:
            pass
        try:
            text = line.decode("gb18030")
        except UnicodeDecodeError:
            return None
        gb_lines += 1
        gb_text.append(text)
        out.append(text)
    if not gb_lines or not utf8_text or min(plausibility("".join(gb_text)), plausibility("".join(utf8_text))) < 0.75:
        return None
    return "\n".join(out), "utf-8", f"mixed encodings ({gb_lines} line(s) decoded as GB18030)"


def decode_bytes(data: bytes) -> tuple[str, str, str | None]:
    """Decode article bytes → ``(text, encoding, warning or None)``.

    BOM first (UTF-8/16/32), then strict UTF-8, then UTF-8 and GB18030 mixed line by
    line (warning), then UTF-8 with a handful of bad bytes replaced (warning), then GB18030 (⊇ GBK, GB2312) or Big5-HKSCS, whichever
    gives the more plausible Chinese (share of common characters >= 0.75).  Anything
    else is skipped as undecodable rather than guessed: raises :class:`SkipDocument`.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", ""), None
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
                return text, encoding, f"invalid {encoding} bytes replaced"
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data[:8192])
    if utf16:
        text = data.decode(utf16, errors="replace")
        if plausibility(text) >= 0.75:
            return text, utf16, "UTF-16 without BOM"
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        return mixed
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    non_ascii = sum(1 for ch in loose if ch >= "\x80") or 1
    if bad <= max(3, non_ascii // 200) and bad / non_ascii < 0.1:  # a few bad bytes in real UTF-8
        return loose, "utf-8", f"{bad} invalid UTF-8 byte sequence(s) replaced"
    best: tuple[float, str, str] | None = None
    for encoding in ("gb18030", "big5hkscs"):
        text = data.decode(encoding, errors="replace")
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, encoding, text)
    assert best is not None
    score, encoding, text = best
    if score >= 0.75:
        bad = text.count("\ufffd")
        return text, encoding, (f"{bad} invalid {encoding} byte sequence(s) replaced" if bad else None)
    if bad / non_ascii < 0.1:
        return loose, "utf-8", f"{bad} invalid UTF-8 byte sequence(s) replaced"
    raise SkipDocument("undecodable text (not UTF-8, UTF-16, GB18030/GBK or Big5)")


# --------------------------------------------------------------------------
# Format detection and parsing of one text
# --------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HTML_HINT = re.compile(
    r"<(?:!doctype|html|body|p|div|br|span|a|img|section|article|h[1-6]|ul|ol|li|table|strong|em|b|i|"
    r"figure|blockquote|font|meta|head)\b[^>]*>",
    re.I,
)
_MD_HINT = re.compile(
    r"^(?:#{1,6}\s+\S|>\s|\s{0,3}(?:[-*+]|\d+\.)\s+\S|```|!?\[[^\]\n]+\]\([^)\n]+\))", re.M
)
_MD_INLINE = re.compile(r"\[[^\]\n]+\]\([^)\n]+\)|\*\*[^*\n]+\*\*")


def looks_like_html(text: str) -> bool:
    """Does the text contain HTML tags (within its first 20 kB)?"""
    return bool(_HTML_HINT.search(text[:20000]))


def looks_like_markdown(text: str) -> bool:
    """Headings, lists, quotes, fences or links in Markdown syntax."""
    head = text[:20000]
    return len(_MD_HINT.findall(head)) >= 2 or bool(re.search(r"^#{1,6}\s+\S", head, re.M) and _MD_INLINE.search(head)) \
        or len(_MD_INLINE.findall(head)) >= 2


_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_MD_BLOCK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")


def markdown_to_paragraphs(text: str) -> list[clean.Paragraph]:
    """Markdown → paragraphs: markup removed, soft-wrapped lines joined, images dropped."""
    paragraphs: list[clean.Paragraph] = []
    buf: list[str] = []
    in_fence = False

    def flush() -> None:
        if buf:
            joined = buf[0]
            for part in buf[1:]:
                glue = "" if (re.match(r"[^\x00-\x7f]", part) or re.search(r"[^\x00-\x7f]$", joined)) else " "
                joined += glue + part
            paragraphs.extend(clean.html_to_paragraphs(joined) if "<" in joined else [(joined, False)])
            buf.clear()

    for line in clean.normalize_newlines(text).split("\n"):
        if line.strip().startswith("```"):
            flush()
            in_fence = not in_fence
            continue
        if in_fence or _MD_RULE.match(line):
            continue
        if not line.strip():
            flush()
            continue
        block = _MD_BLOCK.match(line)
        if block:
            flush()
        line = _MD_BLOCK.sub("", line)
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPH.sub(r"\2", line).strip()
        if line:
            buf.append(line)
            if block:
                flush()
    flush()
    return [(t, c or bool(clean.CAPTION_PREFIX.match(t))) for t, c in paragraphs if t.strip()]


def _title_like(line: str) -> bool:
    return 0 < len(line) <= 80 and not re.search(r"[。；;]$", line)


def _split_title_date(paragraphs: list[clean.Paragraph]) -> tuple[str | None, str | None, list[clean.Paragraph]]:
    """Seed-002 layout: first line a title, one of the next lines a date.

    The title stays the first paragraph (it is part of the body text); the date
    line is metadata and is removed.  Without a date line, a short first line
    that does not end like a sentence is taken as the title.
    """
    if len(paragraphs) < 2:
        return None, None, paragraphs
    first = paragraphs[0][0].lstrip("# ").strip()
    for index in range(1, min(4, len(paragraphs))):
        date = _date_from_line(paragraphs[index][0])
        if date and _title_like(first):
            return first, date, paragraphs[:index] + paragraphs[index + 1:]
    return (first if _title_like(first) and not re.search(r"[。！？!?]$", first) else None), None, paragraphs


def _body_paragraphs(body: str) -> tuple[str, list[clean.Paragraph]]:
    """Pick the body format and turn it into raw paragraphs."""
    if looks_like_html(body):
        return "html", clean.html_to_paragraphs(body)
    if looks_like_markdown(body):
        return "markdown", markdown_to_paragraphs(body)
    return "text", clean.text_to_paragraphs(body)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = "、".join(str(v) for v in value if v is not None)
    text = clean.collapse_whitespace(clean.strip_controls(str(value)))
    return text or None


def _categories(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[,，;；]", str(value))
    cats = (_as_text(v) for v in items)
    return tuple(c for c in cats if c)


def _first(meta: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in meta and meta[key] not in (None, ""):
            return meta[key]
    return None


@dataclass
class _Parsed:
    """A parsed article before it becomes a Document."""

    fmt: str
    paragraphs: list[clean.Paragraph]
    meta: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    date: str | None = None


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps: ``date: 2021-13-45`` stays a string.

    PyYAML turns anything shaped like a date into ``datetime.date`` and raises
    ``ValueError`` for impossible ones, which would lose the whole front matter;
    as strings, dates go through :func:`parse_date` (a warning when impossible).
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_front_matter(text: str, ctx: _Context) -> _Parsed | None:
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    meta: dict[str, Any] = {}
    try:
        loaded = yaml.load(match.group(1), Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader
        if isinstance(loaded, dict):
            meta = {str(k).lower(): v for k, v in loaded.items()}
        elif loaded is not None:
            ctx.warn("front matter is not a mapping; metadata ignored")
    except yaml.YAMLError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        ctx.warn(f"broken YAML front matter ({first_line}); metadata ignored")
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # odd scalars, deep nesting
        ctx.warn(f"broken YAML front matter ({type(exc).__name__}); metadata ignored")
    body = text[match.end():]
    if not body.strip():
        raise SkipDocument("no text (front matter without a body)")
    fmt, paragraphs = _body_paragraphs(body)
    return _Parsed(fmt, paragraphs, meta)


_HTML_META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _html_metadata(markup: str) -> dict[str, Any]:
    """Title, date, url and author from <title>, <meta> and <link rel=canonical>."""
    head = markup[:100000]
    meta: dict[str, Any] = {}
    title = re.search(r"<title[^>]*>(.*?)</title>", head, re.I | re.S)
    if title:
        meta["title"] = clean.unescape_entities(re.sub(r"<[^>]+>", "", title.group(1)))
    for tag in _HTML_META.findall(head):
        attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR.finditer(tag)}
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = clean.unescape_entities(attrs.get("content", ""))
        key = {"og:title": "title", "og:url": "url", "author": "author", "article:author": "author",
               "article:published_time": "date", "pubdate": "date", "publishdate": "date",
               "datepublished": "date", "keywords": "categories"}.get(name)
        if key and content and key not in meta:
            meta[key] = content
    canonical = re.search(r"<link\s[^>]*rel=[\"']?canonical[^>]*>", head, re.I)
    if canonical and "url" not in meta:
        href = re.search(r"href=[\"']?([^\"'\s>]+)", canonical.group(0), re.I)
        if href:
            meta["url"] = clean.unescape_entities(href.group(1))
    meta.pop("categories", None)  # keywords are not categories
    return meta


def parse_text(text: str, ctx: _Context) -> _Parsed:
    """Detect the format of one decoded article and parse it (not JSON)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SkipDocument("only whitespace")
    parsed = _parse_front_matter(text, ctx)
    if parsed:
        return parsed
    if looks_like_html(text):
        return _Parsed("html", clean.html_to_paragraphs(text), _html_metadata(text))
    fmt = "markdown" if looks_like_markdown(text) else "text"
    paragraphs = markdown_to_paragraphs(text) if fmt == "markdown" else clean.text_to_paragraphs(text)
    title, date, paragraphs = _split_title_date(paragraphs)
    return _Parsed(fmt, paragraphs, {}, title=title, date=date)


# --------------------------------------------------------------------------
# Parsed → Document
# --------------------------------------------------------------------------

_URL = re.compile(r"^https?://\S+$", re.I)


def _build_document(parsed: _Parsed, ctx: _Context, content_hash: str) -> Document:
    """Clean the paragraphs, compute offsets and metadata; SkipDocument when nothing is left.

    A document the caller already has (``ctx.unchanged``) comes back uncleaned: only its id
    and content hash, which is all a rebuild needs to skip it.
    """
    early_url = _as_text(_first(parsed.meta, "url", "link", "source_url", "canonical_url"))
    early_id = early_url if early_url and _URL.match(early_url) else ctx.doc_id
    if ctx.unchanged is not None and ctx.unchanged(early_id, content_hash):
        return Document(id=early_id, text="", content_hash=content_hash, source_path=ctx.source_path,
                        format=parsed.fmt)
    simplify = True if clean.document_looks_traditional(p for p, _ in parsed.paragraphs) else None
    paragraphs = clean.clean_paragraphs(parsed.paragraphs, simplify=simplify)
    if not paragraphs:
        raise SkipDocument("no text (nothing left after cleaning)")
    size = sum(len(p) + 1 for p, _ in paragraphs) - 1
    if size > MAX_DOCUMENT_CHARS:
        raise SkipDocument(f"document too long ({size:,} characters of text, limit {MAX_DOCUMENT_CHARS:,}): "
                           "not one article; split it into files or JSONL lines")
    offsets, captions, pos = [], [], 0
    for index, (para, caption) in enumerate(paragraphs):
        offsets.append((pos, pos + len(para)))
        if caption:
            captions.append(index)
        pos += len(para) + 1
    meta = parsed.meta
    title = _as_text(_first(meta, "title", "headline")) or parsed.title
    raw_date = _first(meta, "date", "published", "pubdate", "publish_time", "published_at",
                      "publishdate", "datetime", "time", "created")
    date = parsed.date
    if raw_date is not None:
        date = parse_date(raw_date)
        if date is None:
            ctx.warn(f"unreadable date {str(raw_date)[:40]!r}; date left empty")
    url = _as_text(_first(meta, "url", "link", "source_url", "canonical_url"))
    if url and not _URL.match(url):
        url = None
    return Document(
        id=url or ctx.doc_id,
        text="\n".join(p for p, _ in paragraphs),
        title=clean.normalize_text(title, simplify) if title else None,
        date=date,
        url=url,
        author=_as_text(_first(meta, "author", "authors", "byline")),
        categories=_categories(_first(meta, "categories", "category", "tags")),
        paragraphs=tuple(offsets),
        captions=tuple(captions),
        content_hash=content_hash,
        source_path=ctx.source_path,
        format=parsed.fmt,
    )


def _json_article(obj: Any, fmt: str) -> _Parsed:
    if not isinstance(obj, dict):
        raise SkipDocument("not a JSON object")
    meta = {str(k).lower(): v for k, v in obj.items()}
    body = _first(meta, "html", "content", "text", "body", "article")
    if body is None:
        present = any(k in meta for k in ("html", "content", "text", "body", "article"))
        raise SkipDocument("no text (empty content)" if present else "no text (no html/content/text field)")
    if not isinstance(body, str):
        raise SkipDocument("no text (content is not a string)")
    if "html" in meta or looks_like_html(body):
        return _Parsed(fmt, clean.html_to_paragraphs(body), meta)
    return _Parsed(fmt, clean.text_to_paragraphs(body), meta)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_line_id(base_id: str, obj: Any, number: int) -> str:
    key = obj.get("id") if isinstance(obj, dict) else None
    return f"{base_id}#{key if isinstance(key, str | int) and not isinstance(key, bool) else number}"


def _documents_from_json_line(raw: bytes, number: int, ctx: _Context) -> Iterator[Document]:
    line = raw.rstrip(b"\r\n")
    if not line.strip():
        return
    where = f"{ctx.where}:{number}"
    line_ctx = _Context(where, ctx.doc_id, ctx.source_path, ctx.report, unchanged=ctx.unchanged)
    try:
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            text = line.decode("utf-8", errors="replace")
            line_ctx.warn("invalid UTF-8 bytes replaced")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SkipDocument(f"invalid JSON ({exc.msg}, column {exc.colno})") from None
        line_ctx.doc_id = _json_line_id(ctx.doc_id, obj, number)
        yield _build_document(_json_article(obj, "jsonl"), line_ctx, _sha256(line))
    except SkipDocument as exc:
        ctx.report(where, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bad line must never stop the build
        ctx.report(where, f"cannot parse: {type(exc).__name__}: {exc}")


def _looks_like_jsonl(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"{")


def _documents_from_stream(stream: IO[bytes], ctx: _Context) -> Iterator[Document]:
    """All documents of one binary stream (file or stdin)."""
    head = stream.read(_SNIFF_BYTES)
    if _looks_like_jsonl(head):
        first_line, _, rest = head.partition(b"\n")
        if rest or len(head) < _SNIFF_BYTES:
            try:
                json.loads(first_line.decode("utf-8-sig"))
                is_jsonl = True
            except (UnicodeDecodeError, json.JSONDecodeError):
                is_jsonl = False
            if is_jsonl:
                yield from _iter_jsonl(head, stream, ctx)
                return
    data = head + stream.read(MAX_FILE_BYTES + 1 - len(head))
    if len(data) > MAX_FILE_BYTES:
        raise SkipDocument(f"file larger than {MAX_FILE_BYTES // 2**20} MB")
    yield from _documents_from_bytes(data, ctx)


def _iter_jsonl(head: bytes, stream: IO[bytes], ctx: _Context) -> Iterator[Document]:
    """Stream JSONL line by line (the sniffed head first)."""
    lines = head.split(b"\n")
    pending = lines.pop()
    number = 0
    for line in lines:
        number += 1
        yield from _documents_from_json_line(line, number, ctx)
    for line in stream:
        if pending:
            line, pending = pending + line, b""
        if not line.endswith(b"\n"):
            pending = line
            break
        number += 1
        yield from _documents_from_json_line(line, number, ctx)
    if pending:
        yield from _documents_from_json_line(pending, number + 1, ctx)


def _documents_from_bytes(data: bytes, ctx: _Context) -> Iterator[Document]:
    """Documents of a whole (non-streamed) file."""
    if not data:
        raise SkipDocument("empty file")
    reason = binary_reason(data)
    if reason:
        raise SkipDocument(reason)
    text, _encoding, warning = decode_bytes(data)
    if warning:
        ctx.warn(warning)
    if not text.strip():
        raise SkipDocument("only whitespace")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "[{":
        try:
            loaded = json.loads(stripped)
        except json.JSONDecodeError:
            loaded = None
        if loaded is not None:
            yield from _documents_from_json(loaded, data, ctx)
            return
        if stripped.startswith("{"):  # JSONL that is not UTF-8 (e.g. UTF-16)
            for number, line in enumerate(stripped.split("\n"), 1):
                yield from _documents_from_json_line(line.encode("utf-8"), number, ctx)
            return
    yield _build_document(parse_text(text, ctx), ctx, _sha256(data))


def _documents_from_json(loaded: Any, data: bytes, ctx: _Context) -> Iterator[Document]:
    """A whole-file JSON object, or an array of them."""
    if isinstance(loaded, dict):
        yield _build_document(_json_article(loaded, "json"), ctx, _sha256(data))
        return
    if not isinstance(loaded, list):
        raise SkipDocument("JSON is neither an object nor an array of objects")
    for number, obj in enumerate(loaded, 1):
        item_ctx = _Context(f"{ctx.where}[{number}]", _json_line_id(ctx.doc_id, obj, number), ctx.source_path,
                            ctx.report, unchanged=ctx.unchanged)
        try:
            raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
            yield _build_document(_json_article(obj, "json"), item_ctx, _sha256(raw))
        except SkipDocument as exc:
            ctx.report(item_ctx.where, str(exc))


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------

_GLOB_CHARS = re.compile(r"[*?\[]")


def _glob_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard."""
    parts = re.split(r"[/\\]", pattern)
    fixed = []
    for part in parts:
        if _GLOB_CHARS.search(part):
            break
        fixed.append(part)
    root = os.sep.join(fixed) if fixed else "."
    return root or os.sep


def _walk_dir(top: str, report: ErrorHandler, seen_dirs: set[str]) -> Iterator[str]:
    """Files under ``top``: sorted, recursive, hidden entries skipped, symlink loops cut."""
    stack: list[Iterator[str]] = [iter([top])]
    first = True
    while stack:
        try:
            path = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if not first and not os.path.isdir(path):
            yield path
            continue
        first = False
        real = os.path.realpath(path)
        if real in seen_dirs:
            continue  # a symlink loop or a folder already read
        seen_dirs.add(real)
        try:
            names = sorted(name for name in os.listdir(path) if not name.startswith("."))
        except OSError as exc:
            report(path, f"cannot read: {exc.strerror or exc}")
            continue
        stack.append(iter([os.path.join(path, name) for name in names]))


def _expand(arg: str, report: ErrorHandler, seen_dirs: set[str]) -> Iterator[tuple[str, str | None]]:
    """(file path, input root) pairs for one command-line argument."""
    if arg == "-":
        yield "-", None
    elif os.path.isdir(arg):
        for path in _walk_dir(arg, report, seen_dirs):
            yield path, arg
    elif os.path.lexists(arg):
        yield arg, os.path.dirname(arg) or "."
    elif _GLOB_CHARS.search(arg):
        matches = sorted(globlib.glob(arg, recursive=True))
        if not matches:
            report(arg, "no file matches this pattern")
        root = _glob_root(arg)
        for match in matches:
            if os.path.isdir(match):
                for path in _walk_dir(match, report, seen_dirs):
                    yield path, root
            elif not os.path.basename(match).startswith("."):
                yield match, root
    else:
        report(arg, "no such file or directory")


def _relative_id(path: str, arg_root: str | None, root: str | None) -> str:
    """Document id of a file: its path relative to ``root`` (if under it) or its input root."""
    absolute = os.path.abspath(path)
    for base in (root, arg_root):
        if base is None:
            continue
        rel = os.path.relpath(absolute, os.path.abspath(base))
        if not rel.startswith(os.pardir):
            return _printable_id(rel.replace(os.sep, "/"))
    return _printable_id(os.path.basename(path))


def _printable_id(name: str) -> str:
    """A file name as valid Unicode: bytes that are not UTF-8 (``surrogateescape``) → ``\\xff``."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def _ignore(_where: str, _reason: str) -> None:
    return None


def _documents_from_path(path: str, arg_root: str | None, root: str | None, report: ErrorHandler,
                         unchanged: Callable[[str, str], bool] | None = None) -> Iterator[Document]:
    """All documents of one file (or stdin), reporting instead of raising."""
    doc_id = "-" if path == "-" else _relative_id(path, arg_root, root)
    ctx = _Context(path, doc_id, None if path == "-" else path, report, unchanged=unchanged)
    try:
        if path == "-":
            yield from _documents_from_stream(sys.stdin.buffer, ctx)
            return
        if not os.path.isfile(path):
            if os.path.exists(path):
                raise SkipDocument("not a regular file")
            raise OSError(2, "file disappeared or is a broken link")
        with open(path, "rb") as stream:
            yield from _documents_from_stream(stream, ctx)
    except SkipDocument as exc:
        report(path, str(exc))
    except OSError as exc:
        report(path, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a build
        report(path, f"cannot parse: {type(exc).__name__}: {exc}")


def iter_documents(
    paths: Iterable[str],
    on_error: ErrorHandler | None = None,
    root: str | None = None,
    unchanged: Callable[[str, str], bool] | None = None,
) -> Iterator[Document]:
    """Yield a cleaned :class:`Document` for every article under ``paths``.

    ``paths`` are files, folders (recursive, sorted, hidden entries skipped),
    globs, or ``-`` for stdin.  Streams: one file in memory at a time, JSONL line
    by line.  Problems go to ``on_error(where, reason)``; nothing is raised for
    bad input.  See the module docstring for ids and reasons.  ``unchanged(id,
    content_hash)`` lets a rebuild skip the cleaning of documents it already has:
    those come back with empty text and their content hash.
    """
    report = on_error if on_error is not None else _ignore
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for arg in paths:
        for path, arg_root in _expand(str(arg), report, seen_dirs):
            if path != "-":
                real = os.path.realpath(path)
                if real in seen_files:
                    continue
                seen_files.add(real)
            yield from _documents_from_path(path, arg_root, root, report, unchanged)


def ingest_text(text: str, doc_id: str = "-", on_error: ErrorHandler | None = None) -> Document | None:
    """Ingest one article given as a string (any supported format except JSONL)."""
    report = on_error if on_error is not None else _ignore
    ctx = _Context(doc_id, doc_id, None, report)
    data = text.encode("utf-8", errors="replace")
    try:
        return next(_documents_from_bytes(data, ctx), None)
    except SkipDocument as exc:
        report(doc_id, str(exc))
        return None
