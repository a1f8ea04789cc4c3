"""Plain, frozen data passed between the pipeline stages.

No spaCy or rdflib objects cross a module boundary: every stage takes and
returns these dataclasses (or builtins), so each stage can be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The relation names of the public fact table (contract/facts.md).
PREDICATES: tuple[str, ...] = (
    "applies_to",
    "launches_on",
    "suspends",
    "blocks",
    "unblocks",
    "fines",
    "investigates",
    "orders",
    "owns",
    "acquires",
    "invests_in",
    "competes_with",
    "supports_payment",
    "cooperates_with",
    "launches",
    "holds_position",
    "reports_metric",
)

#: Relations whose direction carries no meaning.
SYMMETRIC_PREDICATES: frozenset[str] = frozenset({"competes_with", "cooperates_with"})

#: Allowed modality values, strongest first (precedence order).
MODALITIES: tuple[str, ...] = ("hypothetical", "negated", "planned", "reported", "asserted")

#: Allowed status values.
STATUSES: tuple[str, ...] = ("submitted", "pending", "approved", "rejected", "suspended", "launched")


@dataclass(frozen=True)
class Document:
    """One cleaned article.

    ``text`` is the cleaned body: paragraphs joined by ``"\\n"``.  Every offset
    elsewhere in the pipeline (paragraphs, sentences, mentions, fact spans)
    points into this string.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601 date of the article (YYYY-MM-DD) or None
    url: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    paragraphs: tuple[tuple[int, int], ...] = ()  # (start, end) offsets into text
    captions: tuple[int, ...] = ()  # indexes into paragraphs that are image captions
    content_hash: str = ""  # sha256 of the raw input bytes of this document
    source_path: str | None = None  # file the document was read from
    format: str = ""  # "html", "text", "markdown", "jsonl", ...


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document: ``text == doc.text[start:end]``."""

    start: int
    end: int
    text: str
    paragraph: int = 0
    is_caption: bool = False


@dataclass(frozen=True)
class Entity:
    """An entity of the gazetteer, or one discovered in a text."""

    iri: str
    label: str  # preferred label, Simplified Chinese
    type: str  # ontology class local name: Company, App, MiniProgram, ...
    label_en: str | None = None
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None  # "Q1359568"
    owner: str | None = None  # IRI of the owning entity
    discovered: bool = False
    confidence: float = 1.0


@dataclass(frozen=True)
class Mention:
    """A span of a sentence that names (or refers to) an entity."""

    start: int  # offsets into the document text
    end: int
    text: str
    entity: Entity
    source: str = "gazetteer"  # gazetteer | discovered | coref
    confidence: float = 1.0


@dataclass(frozen=True)
class EventFact:
    """One extracted fact (one mention of it), with its provenance."""

    predicate: str
    subject: Entity | None
    object: Entity | None
    doc_id: str
    sentence: str
    span: tuple[int, int]  # offsets of the sentence in the document text
    rule: str
    confidence: float
    modality: str = "asserted"
    date: str | None = None  # "2021", "2021-04" or "2021-04-07"
    amount: float | None = None
    unit: str | None = None
    status: str | None = None
    role: str | None = None
    metric: str | None = None
    means: str | None = None
    doc_date: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())
