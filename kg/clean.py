"""Text cleaners: HTML → paragraphs, boilerplate removal, normalisation.

Every function here is a plain ``str → str`` (or HTML → paragraph list)
transformation, so they compose and can be tested alone.  The output of
:func:`clean_paragraphs` is the *canonical* text of a document: all offsets
later in the pipeline point into the paragraphs it returns.

Order of the text normalisers (see :func:`normalize_text`):

1. control characters removed, ``\\r\\n`` → ``\\n``, zero-width characters dropped;
2. left-over HTML entities unescaped (``&nbsp;`` in scraped plain text);
3. whitespace runs (incl. U+3000 and NBSP) collapsed to one space, ends stripped;
4. Traditional → Simplified (OpenCC ``t2s``) when the paragraph looks Traditional;
5. ``...`` next to Chinese text → ``…``;
6. half-width ``, ; : ? ! ( )`` next to a Chinese character → full-width, and a ``.``
   that ends a Chinese sentence → ``。`` (:func:`normalize_punctuation`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

Paragraph = tuple[str, bool]  # (text, is_caption)

# --------------------------------------------------------------------------
# HTML → paragraphs
# --------------------------------------------------------------------------

#: Tags whose start and end break a paragraph.
BLOCK_TAGS: frozenset[str] = frozenset(
    """address article aside blockquote body br caption center dd details div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main
    nav ol p pre section summary table tbody thead tfoot tr ul""".split()
)
#: Tags dropped with everything inside them (their tail text is kept).
DROP_TAGS: frozenset[str] = frozenset(
    """script style noscript iframe head template svg math object embed canvas
    select option textarea button audio video map title""".split()
)
#: Table cells: separated by a space, not a paragraph break.
CELL_TAGS: frozenset[str] = frozenset({"td", "th"})
#: CSS classes that mark an image caption (36kr, Sina, WeChat and others).
CAPTION_CLASSES: frozenset[str] = frozenset(
    {"img_descr", "img-desc", "img_desc", "image-caption", "img-caption", "pic_txt",
     "picinfo", "caption", "wp-caption-text", "imgdesc", "image_desc", "pictext"}
)
#: Text openings that mark a caption paragraph.
CAPTION_PREFIX = re.compile(r"^\s*(△|▲|↑|图[：:丨|｜]|（图[：:]|\(图[：:])")


def _is_caption_element(tag: str, attrib: dict[str, str]) -> bool:
    """True for <figcaption>, caption classes and 36kr/niaoge ``label="图片描述"``."""
    if tag == "figcaption":
        return True
    if attrib.get("label", "").strip() in {"图片描述", "图片说明"}:
        return True
    classes = attrib.get("class", "").split()
    return any(c.lower() in CAPTION_CLASSES for c in classes)


#: Page chrome: elements that are never article text (their whole subtree is dropped,
#: unless it holds the article itself, see :class:`_ParagraphCollector`).
CHROME_TAGS: frozenset[str] = frozenset(
    """nav aside footer form dialog menu""".split()
)
#: Tokens of ``class``/``id`` (split at ``-``, ``_``, spaces and camelCase) that mark page chrome.
CHROME_TOKENS: frozenset[str] = frozenset(
    """comment comments commentlist reply replies share sharing sharebar related relate recommend
    recommends recommended recommendation hot ad ads adv advert adverts advertise advertisement
    adsbygoogle sponsor sponsored sponsors banner breadcrumb breadcrumbs crumbs footer nav navbar
    navigation menu menus sidebar toolbar popup modal login signin subscribe""".split()
)
#: Tokens that make a class/id a layout wrapper, never chrome (``content-sidebar-wrap``, ``has-sidebar``).
WRAPPER_TOKENS: frozenset[str] = frozenset("wrap wrapper container layout has with no without".split())
#: ARIA roles of page chrome.
CHROME_ROLES: frozenset[str] = frozenset(
    "navigation banner contentinfo complementary search menu menubar toolbar dialog alertdialog".split()
)
#: class/id (lower case, ``_`` read as ``-``) containing one of these marks the article body.
ARTICLE_BODY_MARKERS: tuple[str, ...] = (
    "article-content", "articlecontent", "article-body", "articlebody", "post-content", "post-body",
    "entry-content", "entry-body", "rich-media-content", "story-body",
)
#: class/id tokens that make a <header> the article's own header (kept).
ARTICLE_HEADER_TOKENS: frozenset[str] = frozenset("article post entry title headline story news detail".split())
#: The article body must hold at least this share of the remaining text to be kept alone.
MIN_ARTICLE_SHARE = 0.2

_TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def _tokens(value: str) -> set[str]:
    return {t.lower() for t in _TOKEN_SPLIT.split(value) if t}


def _is_article_body(tag: str, attrib: dict[str, str]) -> bool:
    """<article>, itemprop=articleBody, or a class/id such as ``article-content``, ``rich_media_content``."""
    if tag == "article" or attrib.get("itemprop", "").strip().lower() == "articlebody":
        return True
    names = (attrib.get("class", "") + " " + attrib.get("id", "")).lower().replace("_", "-")
    return any(marker in names for marker in ARTICLE_BODY_MARKERS)


def _is_chrome(tag: str, attrib: dict[str, str], in_article: bool) -> bool:
    """Is this element page chrome: a menu, footer, comment widget, ad, share bar…?"""
    if tag in CHROME_TAGS:
        return True
    if tag in {"html", "body", "main", "article"}:
        return False
    tokens = _tokens(attrib.get("class", "") + " " + attrib.get("id", ""))
    if tag == "header":
        return not in_article and not (tokens & ARTICLE_HEADER_TOKENS)
    if attrib.get("role", "").strip().lower() in CHROME_ROLES:
        return True
    return bool(tokens & CHROME_TOKENS) and not (tokens & WRAPPER_TOKENS)


class _Region:
    """An element that is chrome or the article body; paragraphs remember the ones they are in."""

    __slots__ = ("article", "holds_article", "parent")

    def __init__(self, article: bool, parent: _Region | None) -> None:
        self.article = article
        self.holds_article = False  # a chrome element with the article inside is not dropped
        self.parent = parent

    def chain(self) -> Iterator[_Region]:
        region: _Region | None = self
        while region is not None:
            yield region
            region = region.parent


class _ParagraphCollector:
    """lxml parser target: builds paragraphs from SAX-like events, no tree, no recursion.

    Text inside page chrome (:func:`_is_chrome`) and the article body (:func:`_is_article_body`)
    is remembered with its region, and the choice is made at the end (:meth:`close`), when the
    whole page is known:

    * chrome is dropped, unless the article body is inside it (a page wrapped in one
      ``<form>``, ``<div class="has-sidebar">``);
    * when there is an article body outside chrome with at least :data:`MIN_ARTICLE_SHARE` of
      the remaining text, only the text of article bodies is kept (page title lines, spam
      headlines and link lists around it go);
    * if nothing would be left, everything is kept (as before chrome removal existed).
    """

    def __init__(self) -> None:
        # each paragraph: (segments, caption); a segment is [region or None, text pieces]
        self.paragraphs: list[tuple[list[list], bool]] = []
        self._segments: list[list] = []
        self._buf_caption = False
        self._stack: list[tuple[str, bool, bool, bool]] = []  # (tag, dropping, caption, region pushed)
        self._drop_depth = 0
        self._caption_depth = 0
        self._region: _Region | None = None
        self._article_depth = 0

    def _flush(self) -> None:
        if any(piece.strip() for _, pieces in self._segments for piece in pieces):
            self.paragraphs.append((self._segments, self._buf_caption))
        self._segments = []
        self._buf_caption = False

    def start(self, tag: object, attrib: dict[str, str]) -> None:
        name = tag.lower() if isinstance(tag, str) else ""
        drop = name in DROP_TAGS
        if drop or self._drop_depth:
            self._stack.append((name, drop, False, False))
            self._drop_depth += drop
            return
        attrs = dict(attrib)
        caption = _is_caption_element(name, attrs)
        article = _is_article_body(name, attrs)
        chrome = not article and _is_chrome(name, attrs, self._article_depth > 0)
        region = article or chrome
        if name in BLOCK_TAGS or caption:
            self._flush()
        elif name in CELL_TAGS and self._segments:
            self._add(" ")
        self._stack.append((name, False, caption, region))
        if caption:
            self._caption_depth += 1
        if region:
            self._region = _Region(article, self._region)
            if article:
                self._article_depth += 1
                for outer in self._region.chain():
                    if outer.holds_article:
                        break
                    outer.holds_article = True

    def end(self, tag: object) -> None:
        name = tag.lower() if isinstance(tag, str) else ""
        # pop up to the matching open element (lxml already balances, but be safe)
        was_caption = False
        while self._stack:
            open_name, drop, caption, region = self._stack.pop()
            if drop:
                self._drop_depth -= 1
            if caption:
                self._caption_depth -= 1
                was_caption = True
            if region and self._region is not None:
                if self._region.article:
                    self._article_depth -= 1
                self._region = self._region.parent
            if open_name == name:
                break
        if self._drop_depth:
            return
        if name in BLOCK_TAGS or name == "figcaption" or was_caption:
            self._flush()
        elif name in CELL_TAGS:
            self._add(" ")

    def _add(self, text: str) -> None:
        if self._segments and self._segments[-1][0] is self._region:
            self._segments[-1][1].append(text)
        else:
            self._segments.append([self._region, [text]])

    def data(self, text: str) -> None:
        if self._drop_depth or not text:
            return
        self._add(text)
        if self._caption_depth and text.strip():
            self._buf_caption = True

    def comment(self, text: str) -> None:  # comments are never content
        return None

    def close(self) -> list[Paragraph]:
        self._flush()
        return _choose_text(self.paragraphs)


def _dropped(region: _Region | None) -> bool:
    """Inside chrome that does not hold the article?"""
    return region is not None and any(not r.article and not r.holds_article for r in region.chain())


def _in_article(region: _Region | None, outside_chrome: bool) -> bool:
    """Inside an article body (with ``outside_chrome``: one that is not itself inside chrome)?"""
    chain = list(region.chain()) if region is not None else []
    for index, r in enumerate(chain):
        if r.article:
            return not outside_chrome or all(outer.article for outer in chain[index:])
    return False


def _choose_text(paragraphs: list[tuple[list[list], bool]]) -> list[Paragraph]:
    """Drop chrome; keep only the article body when there is one (see :class:`_ParagraphCollector`)."""
    def text(segments: list[list], keep) -> str:
        return "".join(piece for region, pieces in segments if keep(region) for piece in pieces)

    def build(keep) -> list[Paragraph]:
        out = []
        for segments, caption in paragraphs:
            joined = text(segments, keep)
            if joined.strip():
                out.append((joined, caption))
        return out

    no_chrome = build(lambda r: not _dropped(r))
    article = (build(lambda r: not _dropped(r) and _in_article(r, True))
               or build(lambda r: not _dropped(r) and _in_article(r, False)))
    size = sum(len(t.strip()) for t, _ in no_chrome)
    if article and sum(len(t.strip()) for t, _ in article) >= MIN_ARTICLE_SHARE * size:
        return article
    return no_chrome or build(lambda r: True)


def html_to_paragraphs(markup: str) -> list[Paragraph]:
    """Split HTML into ``(text, is_caption)`` paragraphs (raw text, not yet normalised).

    Inline tags are joined without spaces (36kr puts ``<a>`` inside words), block
    tags break paragraphs, script/style/iframe… are dropped, entities unescaped,
    whitespace collapsed, empty paragraphs dropped.  Page chrome (menus, footers, ads,
    comment widgets, share bars…) is dropped and, when the page marks its article body
    (``<article>``, ``itemprop=articleBody``, ``article-content``…), only that is kept
    (see :class:`_ParagraphCollector`).  Event-driven (lxml parser target), so truncated
    HTML, unclosed tags and 10,000 nested ``<div>`` are fine.
    """
    if not markup or not markup.strip():
        return []
    target = _ParagraphCollector()
    parser = etree.HTMLParser(target=target, encoding="utf-8", huge_tree=True,
                              remove_comments=True, remove_pis=True, recover=True)
    data = _strip_controls(markup).encode("utf-8", "replace")
    try:
        result = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        result = target.close()
    paragraphs = []
    for text, caption in result or []:
        text = collapse_whitespace(text)
        if text:
            paragraphs.append((text, caption or bool(CAPTION_PREFIX.match(text))))
    return paragraphs


def text_to_paragraphs(text: str) -> list[Paragraph]:
    """Plain text → one paragraph per non-empty line; △/图： lines flagged as captions."""
    paragraphs = []
    for line in normalize_newlines(text).split("\n"):
        line = collapse_whitespace(line)
        if line:
            paragraphs.append((line, bool(CAPTION_PREFIX.match(line))))
    return paragraphs


# --------------------------------------------------------------------------
# str → str normalisers
# --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\ufffe\uffff]")
_WS = re.compile(r"[\s\u3000\xa0\u2002-\u200a\u202f\u205f]+")
_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` → ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strip_controls(text: str) -> str:
    return _CONTROL.sub("", text.replace("\t", " "))


def strip_controls(text: str) -> str:
    """Drop NUL, C0/C1 control and zero-width characters (``\\n`` kept, tab → space)."""
    return _strip_controls(normalize_newlines(text))


def unescape_entities(text: str) -> str:
    """Unescape HTML entities left in text (``&nbsp;``, ``&amp;``)."""
    return html.unescape(text) if _ENTITY.search(text) else text


def collapse_whitespace(text: str) -> str:
    """Whitespace runs (incl. U+3000, NBSP, newlines) → one space; ends stripped."""
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _is_traditional(text: str, converted: str) -> bool:
    cjk = len(_CJK.findall(text))
    if cjk == 0 or converted == text:
        return False
    if len(converted) != len(text):
        return True
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    return changed >= 2 and changed / cjk >= 0.05


def looks_traditional(text: str) -> bool:
    """Cheap check: does OpenCC t2s change at least 2 characters and >= 5% of the Chinese ones?"""
    return bool(_CJK.search(text)) and _is_traditional(text, _t2s().convert(text))


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s), only when the text looks Traditional.

    Always converting would damage Simplified text (沈→沉, 乾隆→干隆, 覆盖→复盖), so a
    paragraph is converted only when :func:`looks_traditional` says so.  OpenCC runs at
    ~50 M characters/s, so converting every paragraph to decide costs nothing.
    """
    if not text or not _CJK.search(text):
        return text
    converted = _t2s().convert(text)
    return converted if _is_traditional(text, converted) else text


_CJK_CHAR = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’《》【】]"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_PAREN_PAIR = re.compile(r"\(([^()\n]{0,200})\)")
_ADJ_PUNCT = re.compile(rf"(?<={_CJK_CHAR})[,;:?!]+|[,;:?!]+(?={_CJK_CHAR})")
# A "." that ends a Chinese sentence: after a Chinese character, a full-width mark or a
# per cent sign, and not followed by a letter or another dot (1688.com, 微信.AI, 4557.12,
# U.S., "..." stay; "颓势.2021年" and "33.1%.据" end a sentence).
_HALF_STOP = re.compile(rf"(?:(?<={_CJK_CHAR})|(?<=[%‰]))\.(?![A-Za-z.．])")
# "..." (or more) next to Chinese text is an ellipsis.
_DOTS = re.compile(rf"(?<={_CJK_CHAR})\s?\.{{3,}}|\.{{3,}}(?=\s?{_CJK_CHAR})")
_IS_CJK = re.compile(_CJK_CHAR)


def _full_paren(match: re.Match[str]) -> str:
    s = match.string
    before = s[match.start() - 1] if match.start() > 0 else ""
    after = s[match.end()] if match.end() < len(s) else ""
    inner = match.group(1)
    touches = [before, after, inner[:1], inner[-1:]]
    if any(c and _IS_CJK.match(c) for c in touches):
        return "（" + inner + "）"
    return match.group(0)


def normalize_ellipsis(text: str) -> str:
    """``...`` (three or more dots) next to Chinese text → ``…``, so that no dot of it becomes ``。``."""
    return _DOTS.sub("…", text) if "..." in text else text


def normalize_punctuation(text: str) -> str:
    """Half-width ``, ; : ? ! ( )`` next to a Chinese character → full-width; ``.`` after one → ``。``.

    A ``.`` becomes ``。`` only after a Chinese character, a full-width mark or ``%`` and
    when no letter or dot follows (``被罚.随后``, ``颓势.2021年``, ``33.1%.`` end a sentence;
    ``4557.12``, ``BABA.HK``, ``1688.com``, ``U.S.``, ``1.章`` and ``...`` do not).

    Length-preserving (one character for one), so offsets never move.  Digits,
    decimal points, URLs and tickers are untouched (``4557.12亿``, ``BABA.HK``,
    ``1688.com``, ``https://…``, ``4,557``); parentheses are converted as a pair.
    """
    if not _IS_CJK.search(text):
        return text
    # A converted mark is itself full-width and may make its neighbour convertible
    # ("(a)(b)阿"): a few passes make the result stable (cleaning clean text changes nothing).
    for _ in range(4):
        converted = _ADJ_PUNCT.sub(_full_run, _PAREN_PAIR.sub(_full_paren, text))
        converted = _HALF_STOP.sub("。", converted)
        if converted == text:
            break
        text = converted
    return text


def _full_run(match: re.Match[str]) -> str:
    return "".join(_HALF_TO_FULL[ch] for ch in match.group(0))


def normalize_text(text: str, simplify: bool | None = None) -> str:
    """All paragraph normalisers in order (see the module docstring).

    ``simplify``: ``None`` converts Traditional → Simplified when this text looks
    Traditional (:func:`to_simplified`), ``True`` always converts (the whole document
    is Traditional, see :func:`document_looks_traditional`), ``False`` never does.
    """
    text = strip_controls(text)
    text = unescape_entities(text)
    text = collapse_whitespace(text)
    if simplify is None:
        text = to_simplified(text)
    elif simplify and _CJK.search(text):
        text = _t2s().convert(text)
    return normalize_punctuation(normalize_ellipsis(text))


def document_looks_traditional(texts: Iterable[str]) -> bool:
    """Is a document as a whole written in Traditional characters?

    Decided on the whole text, so that short paragraphs and titles of a Traditional
    article with a single telling character (``阿里巴巴被罰``) are converted too,
    which the per-paragraph rule of :func:`to_simplified` (>= 2 characters) misses.
    """
    return looks_traditional(collapse_whitespace(strip_controls(" ".join(texts))))


# --------------------------------------------------------------------------
# Boilerplate
# --------------------------------------------------------------------------

DEFAULT_BOILERPLATE_FILE = Path(__file__).resolve().parent.parent / "ontology" / "lexicon" / "boilerplate.txt"

#: Used when the data file is missing (an installed wheel without ``ontology/``).
_FALLBACK_RULES = r"""
^(编者按[：:]\s*)?本文(来自|转自|转载自|经授权)
^欢迎关注
^原标题[：:]
^来源[：:].{0,60}$
^文\s*[/|丨｜]\s*\S.{0,40}$
^(编辑|责任编辑|记者)\s*[：:丨|｜].{0,25}$
^(图源|图片来源)
^[（(]?\s*声明[：:]
^[-—\s]*END[-—\s]*$
^分享$
stop: ^(相关阅读|相关新闻)[：:]?$
"""


#: A paragraph longer than this is article text, whatever it starts with.
MAX_BOILERPLATE_CHARS = 150


@dataclass(frozen=True)
class BoilerplateRules:
    """Compiled boilerplate rules: drop, keep (exceptions) and stop (link-list headings)."""

    drop: tuple[re.Pattern[str], ...]
    keep: tuple[re.Pattern[str], ...] = ()
    stop: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def parse(cls, lines: Iterable[str]) -> BoilerplateRules:
        """Parse rule lines (``#`` comments, ``keep:``/``stop:`` prefixes)."""
        drop, keep, stop = [], [], []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            bucket = drop
            for prefix, target in (("keep:", keep), ("stop:", stop)):
                if line.startswith(prefix):
                    bucket, line = target, line[len(prefix):].strip()
            bucket.append(re.compile(line))
        return cls(tuple(drop), tuple(keep), tuple(stop))

    def is_boilerplate(self, text: str) -> bool:
        """True when the paragraph is only editorial boilerplate.

        Paragraphs longer than :data:`MAX_BOILERPLATE_CHARS` are never dropped: in
        crawled text the credit line is often glued to the article body
        ("原标题：…来源：…我公司于…"), and losing the article is worse than keeping a credit.
        """
        if len(text) > MAX_BOILERPLATE_CHARS or any(p.search(text) for p in self.keep):
            return False
        return any(p.search(text) for p in self.drop)

    def is_stop(self, text: str) -> bool:
        """True for a 相关阅读-style heading that introduces a link list."""
        return any(p.search(text) for p in self.stop)


@lru_cache(maxsize=8)
def load_boilerplate(path: str | None = None) -> BoilerplateRules:
    """Load rules from ``ontology/lexicon/boilerplate.txt`` (or ``path``)."""
    file = Path(path) if path else DEFAULT_BOILERPLATE_FILE
    try:
        return BoilerplateRules.parse(file.read_text(encoding="utf-8").splitlines())
    except OSError:
        return BoilerplateRules.parse(_FALLBACK_RULES.splitlines())


_SENTENCE_END = re.compile(r"[。！？!?…]['\"”’」』）)]*$")


def _looks_like_link(text: str) -> bool:
    return len(text) <= 60 and not _SENTENCE_END.search(text)


def drop_boilerplate(paragraphs: Sequence[Paragraph], rules: BoilerplateRules | None = None) -> list[Paragraph]:
    """Remove boilerplate paragraphs, and link lists after a 相关阅读 heading."""
    rules = rules or load_boilerplate()
    kept: list[Paragraph] = []
    in_link_list = False
    for text, caption in paragraphs:
        if rules.is_stop(text):
            in_link_list = True
            continue
        if in_link_list and _looks_like_link(text):
            continue
        in_link_list = False
        if not rules.is_boilerplate(text):
            kept.append((text, caption))
    return kept


def clean_paragraphs(paragraphs: Iterable[Paragraph], rules: BoilerplateRules | None = None,
                     simplify: bool | None = None) -> list[Paragraph]:
    """Normalise every paragraph, drop empty ones and boilerplate.

    The result is canonical: ``"\\n".join(texts)`` is ``Document.text``.
    ``simplify`` as for :func:`normalize_text` (``None``: paragraph by paragraph).
    """
    normalised = []
    for text, caption in paragraphs:
        text = normalize_text(text, simplify)
        if text:
            normalised.append((text, caption or bool(CAPTION_PREFIX.match(text))))
    return drop_boilerplate(normalised, rules)
