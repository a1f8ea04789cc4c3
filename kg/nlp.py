"""The spaCy pipeline: blank Chinese + jieba, and our own entity components.

Components are registered as spaCy factories so the pipeline can be built from
a config: ``kg_gazetteer`` (a span ruler fed from ``ontology/entities*.ttl``,
longest match wins) and ``kg_discovery`` (entities the gazetteer lacks; see
:mod:`kg.discovery`).  The public entry point is :class:`EntityTagger`, which
turns cleaned text into plain :class:`~kg.models.Mention` objects.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba
import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.coref import NAME_JOINERS
from kg.discovery import discover_mentions, with_legal_tails
from kg.lexicon import Gazetteer, load_gazetteer
from kg.models import Entity, Mention

jieba.setLogLevel(logging.WARNING)

#: Characters that may quote a name: an ambiguous alias only counts inside them.
_QUOTES = "“”\"'‘’「」『』《》"
_AMBIGUOUS_CONTEXT = re.compile(r"(?:旗下|打车|软件|App|APP|应用|平台|小程序|助手)")


def _add_jieba_words(words: Iterable[str]) -> None:
    """Teach jieba every gazetteer surface form so that names are never split."""
    for word in words:
        if len(word) > 1 and not word.isascii():
            jieba.add_word(word, freq=200000)


@Language.factory("kg_gazetteer", default_config={"ontology_dir": None})
def make_gazetteer_ruler(nlp: Language, name: str, ontology_dir: str | None) -> SpanRuler:
    """A span ruler whose phrase patterns are every label and alias of the gazetteer."""
    gazetteer = load_gazetteer(ontology_dir)
    ruler = SpanRuler(nlp, name=name, annotate_ents=True, ents_filter=_longest_first, validate=False,
                      phrase_matcher_attr="ORTH")
    patterns = [{"label": iri, "pattern": alias} for alias, iri in gazetteer.alias_index.items()]
    ruler.add_patterns(patterns)
    return ruler


def _longest_first(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
    """Span-ruler filter: keep the longest non-overlapping spans."""
    return filter_spans(list(entities) + list(spans))


class EntityTagger:
    """Finds entity mentions in cleaned text with the spaCy pipeline."""

    def __init__(self, gazetteer: Gazetteer | None = None, ontology_dir: str | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer(ontology_dir)
        _add_jieba_words(self.gazetteer.alias_index)
        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        self.nlp.tokenizer = JiebaWords(self.nlp.vocab)
        ruler = self.nlp.add_pipe("kg_gazetteer", config={"ontology_dir": ontology_dir})
        if gazetteer is not None:  # a given gazetteer (an ablated one, say) replaces the folder's
            ruler.clear()
            ruler.add_patterns([{"label": iri, "pattern": alias} for alias, iri in gazetteer.alias_index.items()])
        # Lines the tokenizer would otherwise fail on are far beyond any sentence.
        self.nlp.max_length = 100_000_000

    def _named_plainly_before(self, mention: Mention, before: str, text: str) -> bool:
        """Has the document before the mention (``before``, then ``text``) named the entity by a
        label that is no ordinary word, and is the ambiguous one no part of a figure (360万元)
        and not used as a word here (很快的, 联想到)?"""
        if _NUMBER_AROUND.match(text, mention.end) or (mention.start and text[mention.start - 1].isdigit()) \
                or _WORD_USE_AFTER.match(text, mention.end) or _WORD_USE_BEFORE.search(text, 0, mention.start):
            return False  # 快的发展很快的, 让人联想到: the ordinary word
        return any(before.find(label) >= 0 or text.find(label, 0, mention.start) >= 0
                   for label in mention.entity.aliases + (mention.entity.label,)
                   if label and not self.gazetteer.needs_context(label))

    def doc(self, text: str) -> Doc:
        """Run the spaCy pipeline over ``text``."""
        return self.nlp(text)

    def mentions(self, text: str, before: str = "") -> list[Mention]:
        """All entity mentions of ``text``: gazetteer matches, then discoveries, sorted.
        ``before`` is the document's text before ``text``: an ambiguous alias (360) counts
        without context of its own once the document named its entity plainly (奇虎360)."""
        doc = self.nlp(text)
        found: list[Mention] = []
        doubtful: list[Mention] = []  # ambiguous aliases with no context of their own
        ends = {span.end_char for span in doc.ents}
        for span in doc.ents:
            entity = self.gazetteer.entities.get(span.label_)
            if entity is None:
                continue
            if _after_a_name_dot(text, span.start_char, ends):
                continue  # 尤金・卡巴斯基: the end of a transliterated person's name, not the company
            mention = Mention(span.start_char, span.end_char, span.text, entity, "gazetteer", 1.0)
            if self.gazetteer.needs_context(span.text) and not _ambiguous_ok(text, span.start_char, span.end_char):
                doubtful.append(mention)
            else:
                found.append(mention)
        if doubtful:  # 菜鸟与顺丰: joined to a plain name, an ambiguous one is a name too
            starts, ends = {m.start for m in found}, {m.end for m in found}
            found.extend(m for m in doubtful if _joined_to_a_name(text, m.start, m.end, starts, ends)
                         or self._named_plainly_before(m, before, text))
        # Offsets straight from the token array: no Token object per word (2x faster).
        tokens = [(i, i + n) for i, n in doc.to_array([IDX, LENGTH]).tolist() if not text[i].isspace()]
        found = with_legal_tails(text, found)
        found.extend(discover_mentions(text, found, self.gazetteer, tokens=tokens))
        found.sort(key=lambda m: (m.start, -m.end))
        return _drop_overlaps(found)


class JiebaWords:
    """A tokenizer: jieba's words as they are, whitespace included, so the Doc's text is the input.

    spaCy's own Chinese tokenizer re-aligns every word with the text to fold single
    spaces into the token before (``get_words_and_spaces``), and every new word of
    the vocabulary gets some twenty lexical attributes (``like_num``, shapes …).
    The gazetteer only matches ``ORTH`` and discovery only reads offsets, so both
    are skipped (on 3,115 Sina articles they took 0.5 s of a 13.5 s extraction;
    the Doc now costs 0.1 s).
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        vocab.lex_attr_getters = {}

    def __call__(self, text: str) -> Doc:
        words = [w for w in jieba.cut(text) if w]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


#: What follows a number: an ambiguous alias right before it is a figure (360万元, 360度).
_NUMBER_AROUND = re.compile(r"[0-9０-９.．%％万亿千百十元度个家名位倍多余年月日号岁]")
#: Around an ambiguous alias used as an ordinary word: 很快的, 更美的, 让人联想到, 快的了.
_WORD_USE_BEFORE = re.compile(r"(?:很|更|最|太|非常|十分|特别|让人|令人|越来越)$")
_WORD_USE_AFTER = re.compile(r"[到了得着过]")
#: The dots between the parts of a transliterated foreign name (尤金・卡巴斯基).
_NAME_DOTS = "・·•‧"


def _after_a_name_dot(text: str, start: int, ends: set[int]) -> bool:
    """Does a name dot join the match at ``start`` to a word of Chinese characters before it that
    ends no other match (尤金・卡巴斯基: yes; •阿里巴巴 at a line's start, 阿里巴巴·腾讯: no)?"""
    return start >= 2 and text[start - 1] in _NAME_DOTS and "\u4e00" <= text[start - 2] <= "\u9fff" \
        and (start - 1) not in ends


def _ambiguous_ok(text: str, start: int, end: int) -> bool:
    """An ambiguous alias (快的, 来往) counts when quoted, in a 、-list, or next to a type word
    (and, see :func:`_joined_to_a_name`, when 与/和 joins it to another name)."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before and after and before in _QUOTES and after in _QUOTES:
        return True
    if before == "、" or after == "、":
        return True
    return bool(_AMBIGUOUS_CONTEXT.match(text, end)) or bool(
        _AMBIGUOUS_CONTEXT.search(text[max(0, start - 4):start]))




_JOINERS = tuple(NAME_JOINERS)  # one character each: "" (the text's edge) joins nothing


def _joined_to_a_name(text: str, start: int, end: int, starts: set[int], ends: set[int]) -> bool:
    """Is the span joined by 与/和/跟/及 to a name that starts right after or ends right before it?"""
    return (text[end:end + 1] in _JOINERS and end + 1 in starts) or \
        (text[start - 1:start] in _JOINERS and start - 1 in ends)


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the first (longest at a position) of overlapping mentions."""
    kept: list[Mention] = []
    last_end = -1
    for mention in mentions:
        if mention.start >= last_end:
            kept.append(mention)
            last_end = mention.end
    return kept


@lru_cache(maxsize=4)
def get_tagger(ontology_dir: str | None = None) -> EntityTagger:
    """One tagger per ontology folder and process (building one takes a second)."""
    return EntityTagger(ontology_dir=ontology_dir)


def entity_by_label(gazetteer: Gazetteer, label: str) -> Entity | None:
    """The gazetteer entity named ``label`` (any alias), if any."""
    iri = gazetteer.alias_index.get(label)
    return gazetteer.entities.get(iri) if iri else None
