"""A synthetic graph of the shape `kg build` writes, for query and export benchmarks.

How it is generated: documents of ``FACTS_PER_DOC`` facts each are mapped with
the real :func:`kg.mapping.document_quads` (so every IRI, datatype and named
graph is exactly what a build writes).  Each fact picks a predicate uniformly
from the predicate table and a subject and an object from the gazetteer's
~265 entities, typed the way the rules type them (regulators fine, people hold
positions, …); one object in ten is a *discovered* entity minted from a pool of
5,000 synthetic names (so they get their ``kg:discovered`` descriptions), and
``reports_metric`` has no object.  Dates are uniform over 2008–2024 (a third
of them with day precision, a third year-month, a third year only); fines,
investments and acquisitions carry an amount in CNY; modality follows roughly
the corpus mix (70% asserted).  ``owns`` facts follow the gazetteer's
``kg:ownedBy`` tree (a random ownership graph would be dense and cyclic).  A fixed seed makes the file identical on every
run.  About 20 quads per fact: 5M triples ≈ 240k facts in 24k documents.
"""

from __future__ import annotations

import random
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from kg.lexicon import load_gazetteer
from kg.mapping import document_quads
from kg.models import Document, Entity, EventFact
from kg.vocabulary import ENT, PREDICATE_TABLE, short_hash

FACTS_PER_DOC = 10
_MODALITIES = ["asserted"] * 14 + ["reported"] * 3 + ["planned", "negated", "hypothetical"]
_SUBJECT_TYPES = {
    "fines": {"Regulator"}, "investigates": {"Regulator"}, "orders": {"Regulator"},
    "holds_position": {"Person"},
}
_OBJECT_TYPES = {
    "holds_position": {"Company", "Organization", "Regulator", "BusinessUnit"},
    "supports_payment": {"PaymentService"}, "launches_on": {"App", "MiniProgram"},
}
_AMOUNT = {"fines", "invests_in", "acquires"}


def _date(rng: random.Random) -> str:
    y, m, d = rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)
    k = rng.randint(0, 2)
    return f"{y}" if k == 0 else f"{y}-{m:02d}" if k == 1 else f"{y}-{m:02d}-{d:02d}"


def generate(path: str | Path, triples: int = 5_000_000, seed: int = 42) -> dict[str, int]:
    """Write about ``triples`` quads as N-Quads to ``path``; returns counts."""
    rng = random.Random(seed)
    gaz = load_gazetteer()
    entities = sorted(gaz.entities.values(), key=lambda e: e.iri)
    by_type: dict[str, list[Entity]] = {}
    for e in entities:
        by_type.setdefault(e.type, []).append(e)
    discovered = [Entity(ENT + "x-" + short_hash(f"synthetic {i}")[:12], f"合成实体{i}", "Company",
                         discovered=True, confidence=0.6) for i in range(5000)]
    predicates = sorted(PREDICATE_TABLE)
    # Ownership follows the gazetteer's kg:ownedBy tree (owner → owned), as in real news:
    # random owns edges between all entities would make kg:owns* paths a dense cyclic graph.
    owned = [(gaz.entities[e.owner], e) for e in entities if e.owner and e.owner in gaz.entities]

    def pick(types: set[str] | None) -> Entity:
        if types:
            pool = [e for t in sorted(types) for e in by_type.get(t, [])]  # sorted: set order varies by process
            if pool:
                return rng.choice(pool)
        return rng.choice(entities)

    written = docs = facts_n = 0
    with open(path, "wb") as out:
        while written < triples:
            doc_id = f"synthetic/{docs:06d}.txt"
            ddate = _date(rng)
            doc = Document(id=doc_id, text="", title=f"合成新闻 {docs}",
                           date=ddate if len(ddate) == 10 else None,
                           content_hash=short_hash(doc_id), url=f"https://example.com/news/{docs}")
            facts = []
            for i in range(FACTS_PER_DOC):
                pred = rng.choice(predicates)
                subject = pick(_SUBJECT_TYPES.get(pred))
                obj: Entity | None = None
                if pred == "owns" and owned:
                    subject, obj = rng.choice(owned)
                elif pred != "reports_metric":
                    obj = rng.choice(discovered) if rng.random() < 0.1 else pick(_OBJECT_TYPES.get(pred))
                    if obj.iri == subject.iri:
                        obj = rng.choice(discovered)
                start = i * 40
                facts.append(EventFact(
                    predicate=pred, subject=subject, object=obj, doc_id=doc_id,
                    sentence=f"{subject.label}与{obj.label if obj else '用户'}的合成句子{docs}-{i}。",
                    span=(start, start + 30), rule=f"{pred}.synthetic",
                    confidence=rng.choice((0.6, 0.7, 0.8, 0.9)), modality=rng.choice(_MODALITIES),
                    date=_date(rng) if rng.random() < 0.8 else None,
                    amount=float(rng.randint(1, 100000) * 10000) if pred in _AMOUNT else None,
                    unit="CNY" if pred in _AMOUNT else None,
                    status=rng.choice(("submitted", "approved", None)) if pred == "applies_to" else None,
                    role="总裁" if pred == "holds_position" else None,
                    metric="GMV" if pred == "reports_metric" else None,
                    means="links" if pred == "blocks" and rng.random() < 0.5 else None,
                    doc_date=doc.date))
            quads = document_quads(doc, facts)
            out.write(serialize(quads, format=RdfFormat.N_QUADS) or b"")
            written += len(quads)
            docs += 1
            facts_n += len(facts)
    return {"quads": written, "documents": docs, "facts": facts_n}
