"""Split a cleaned document text into sentences with exact offsets.

Rules: a sentence never crosses a paragraph; it ends at 。！？ (and ``!``/``?``
followed by a space, a Chinese character or the end), together with any run of
further end marks and closing quotes/brackets (``。”``, ``？！”``, ``。）``);
``.`` never ends a sentence, so numbers, tickers and domains stay whole
(``4557.12亿``, ``BABA.HK``, ``1688.com``).  ``；`` does not end a sentence; a
sentence longer than :data:`MAX_SENTENCE` characters is cut at the last ``；``
(else ``，``/``,``, else anywhere) inside the limit.  Leading and trailing
whitespace is trimmed but offsets stay exact: ``text[s.start:s.end] == s.text``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence

from kg.models import Sentence

#: An aside in full-width brackets, （BABA.HK）, （小程序、视频号带货等）: the rules never see it
#: (kg.masking drops it from the masked sentence; kg.pattern_literals reads sentences without it).
ASIDE = re.compile(r"（[^（）]{0,40}）")

#: Longer sentences are cut (at ；, then ，) so that rules and regexes stay fast.
MAX_SENTENCE = 400

_END = "。！？｡"
_CLOSERS = "”’」』）)】〕》〉\"'"
# a terminator run (with closers), or a half-width ?/! run followed by space/CJK/end
_BOUNDARY = re.compile(
    rf"[{_END}][{_END}!?！？…]*[{re.escape(_CLOSERS)}]*"
    rf"|[!?]+[{re.escape(_CLOSERS)}]*(?=\s|[\u3400-\u9fff]|$)"
)
_SOFT_BREAKS = ("；;", "，,、")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``limit`` characters at ；/，."""
    while end - start > limit:
        window = text[start:start + limit]
        cut = -1
        for marks in _SOFT_BREAKS:
            cut = max(window.rfind(m) for m in marks)
            if cut >= limit // 4:
                break
        piece_end = start + (cut + 1 if cut >= limit // 4 else limit)
        yield start, piece_end
        start = piece_end
    yield start, end


def _paragraph_spans(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Sentence spans inside one paragraph (untrimmed)."""
    pos = start
    for match in _BOUNDARY.finditer(text, start, end):
        yield from _cut_long(text, pos, match.end(), limit)
        pos = match.end()
    if pos < end:
        yield from _cut_long(text, pos, end, limit)


def split_sentences(
    doc_text: str,
    paragraphs: Sequence[tuple[int, int]],
    captions: Collection[int] = (),
    max_length: int = MAX_SENTENCE,
) -> list[Sentence]:
    """Sentences of a document; ``paragraphs`` are (start, end) offsets into ``doc_text``.

    With no paragraphs the whole text is one paragraph.  Paragraph offsets are
    clipped to the text, so bad offsets never raise.
    """
    caption_set = set(captions)
    spans = paragraphs or [(0, len(doc_text))]
    sentences: list[Sentence] = []
    limit = max(1, max_length)
    for index, (p_start, p_end) in enumerate(spans):
        p_start = max(0, min(p_start, len(doc_text)))
        p_end = max(p_start, min(p_end, len(doc_text)))
        for start, end in _paragraph_spans(doc_text, p_start, p_end, limit):
            start, end = _trimmed(doc_text, start, end)
            if start < end:
                sentences.append(Sentence(start, end, doc_text[start:end], index, index in caption_set))
    return sentences


def split_text(text: str) -> list[str]:
    """Convenience: sentence strings of a text whose paragraphs are its lines."""
    paragraphs, pos = [], 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    return [s.text for s in split_sentences(text, paragraphs)]
