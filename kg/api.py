"""The public Python API: :func:`build` a graph and :func:`open` one.

>>> import kg
>>> summary = kg.build(["seeds/"], store="kg.db")          # doctest: +SKIP
>>> graph = kg.open("kg.db")                               # doctest: +SKIP
>>> graph.facts(predicate="fines")[0]["amount"]            # doctest: +SKIP
18228000000
>>> g = graph.to_networkx()                                # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.models import Document, EventFact
from kg.rows import Rows
from kg.store import DEFAULT_PATH, EmbeddedStore, GraphStore, open_store
from kg.vocabulary import GAZETTEER_GRAPH, ONTOLOGY_GRAPH, GRAPH, doc_iri
from kg.wordlists import ontology_dir

__version__ = "0.1.0"

#: Documents written per store transaction during a build.
BATCH_DOCUMENTS = 200


@dataclass
class BuildSummary:
    """What a build did (printed as one line by ``kg build``)."""

    documents: int = 0  # documents read from the input
    written: int = 0  # new or changed documents written to the store
    unchanged: int = 0  # skipped: same content and same extractor as stored
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason) of unreadable input
    warnings: list[tuple[str, str]] = field(default_factory=list)
    sentences: int = 0
    facts: int = 0
    entities: int = 0
    chars: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.documents} documents ({self.written} written, {self.unchanged} unchanged, "
                f"{len(self.skipped)} skipped), {self.sentences} sentences, {self.entities} entities, "
                f"{self.facts} facts in {self.seconds:.1f} s")


def extractor_fingerprint(base: str | None = None) -> str:
    """A hash of everything that decides what is extracted: rules, lexicons, gazetteer, code version."""
    h = hashlib.sha256(__version__.encode())
    root = ontology_dir(base)
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".ttl", ".jsonl", ".json", ".txt"}:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def stored_hash(content_hash: str, fingerprint: str) -> str:
    """The hash stored with a document: its content and the extractor that read it."""
    return f"{content_hash}:{fingerprint}"


def static_graphs(base: str | None = None) -> list[tuple[str, Path]]:
    """(named graph, Turtle file) of the ontology and of every gazetteer file."""
    root = ontology_dir(base)
    out = [(ONTOLOGY_GRAPH, root / "kg.ttl")]
    for path in sorted(root.glob("entities*.ttl")):
        out.append((GAZETTEER_GRAPH if path.stem == "entities" else f"{GRAPH}{path.stem}", path))
    return out


def load_static_graphs(store: GraphStore, base: str | None = None) -> None:
    """Put the ontology and every gazetteer file into their own named graphs."""
    for graph, path in static_graphs(base):
        store.load_static(graph, path)


def _build_target(store: str | None, endpoint: str | None, update_endpoint: str | None,
                  lock_timeout: float) -> GraphStore:
    """Where a build writes: an existing embedded store is first opened read-only
    (holding the writers' lock) and only reopened for writing when something
    changes, so that a build with nothing to do leaves the store's files, and the
    results kept beside them, untouched."""
    path = Path(store or DEFAULT_PATH)
    if endpoint is None and path.is_dir() and any(path.glob("CURRENT")):
        return EmbeddedStore.locked_reader(path, lock_timeout=lock_timeout)
    return open_store(store, endpoint=endpoint, update_endpoint=update_endpoint, lock_timeout=lock_timeout)


def _writable(graph: GraphStore) -> GraphStore:
    if getattr(graph, "read_only", False):
        graph.upgrade()  # type: ignore[attr-defined]  # only a locked reader is read-only here
    return graph


# ---------------------------------------------------------------- extraction workers
#
# The heavy work of a build (segmentation, entity tagging, rules, mapping to
# RDF and serialising it as N-Quads) runs in ``_extract_one``, in the worker
# processes when ``jobs > 1``.  The main process only streams documents
# (ingest and cleaning, needed anyway to compare content hashes), skips the
# unchanged ones and writes the N-Quads bytes it gets back, in transactions of
# BATCH_DOCUMENTS.  At most ``jobs * _WINDOW`` chunks of ``_CHUNK`` documents
# are in flight, so memory stays flat however large the corpus.
_worker_state: dict[str, Any] = {}
_CHUNK = 4
_WINDOW = 4


@dataclass(frozen=True)
class _Extracted:
    """What a worker sends back for one document (plain data, cheap to pickle)."""

    doc_id: str
    graph: str
    nquads: bytes
    sentences: int
    facts: int
    chars: int
    entities: tuple[str, ...]


def _init_worker(base: str | None, fingerprint: str | None = None) -> None:
    from kg.extract import get_extractor

    _worker_state["extractor"] = get_extractor(base)
    _worker_state["fingerprint"] = fingerprint if fingerprint is not None else extractor_fingerprint(base)


def _extract_one(doc: Document) -> _Extracted:
    """Extract, map and serialise one document (runs in a worker)."""
    from pyoxigraph import RdfFormat, serialize

    from kg.mapping import document_quads

    extractor = _worker_state["extractor"]
    facts = extractor.extract(doc)
    stamped = _with_hash(doc, stored_hash(doc.content_hash, _worker_state["fingerprint"]))
    data = serialize(document_quads(stamped, facts), format=RdfFormat.N_QUADS) or b""
    entities = tuple(sorted({e.iri for f in facts for e in (f.subject, f.object) if e is not None}))
    return _Extracted(doc.id, doc_iri(doc.id), data, extractor.last_sentence_count, len(facts),
                      len(doc.text), entities)


def _extract_many(docs: list[Document]) -> list[_Extracted]:
    return [_extract_one(doc) for doc in docs]


def _chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extracted(docs: Iterable[Document], jobs: int, base: str | None,
               fingerprint: str | None = None) -> Iterator[_Extracted]:
    """Results in input order; the extractor (and the pool) start only when there is work."""
    docs = iter(docs)
    first = next(docs, None)
    if first is None:
        return
    if jobs <= 1:
        _init_worker(base, fingerprint)
        yield _extract_one(first)
        for doc in docs:
            yield _extract_one(doc)
        return
    import itertools
    from collections import deque

    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    # Not ``imap``: its feeder thread drains the input eagerly (the whole corpus
    # in the task queue); a bounded window of async chunks keeps memory flat.
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(base, fingerprint)) as pool:
        pending: deque[Any] = deque()
        for chunk in _chunks(itertools.chain([first], docs), _CHUNK):
            pending.append(pool.apply_async(_extract_many, (chunk,)))
            while len(pending) >= jobs * _WINDOW:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def build(paths: Sequence[str], store: str | None = None, *, endpoint: str | None = None,
          update_endpoint: str | None = None, jobs: int = 1, ontology: str | None = None,
          on_progress: Callable[[BuildSummary], None] | None = None,
          on_error: Callable[[str, str], None] | None = None, lock_timeout: float = 10.0) -> BuildSummary:
    """Read articles from ``paths`` into the store; unchanged documents are skipped.

    Each document's graph is replaced whole, in transactions of
    :data:`BATCH_DOCUMENTS` documents, so an interrupted build leaves complete
    documents only and a rerun finishes the job.  With ``jobs > 1`` extraction,
    mapping and serialisation run in that many worker processes.
    """
    from kg.ingest import iter_documents

    started = time.perf_counter()
    summary = BuildSummary()
    fingerprint = extractor_fingerprint(ontology)

    def report(path: str, reason: str) -> None:
        (summary.warnings if reason.startswith("warning") else summary.skipped).append((path, reason))
        if on_error:
            on_error(path, reason)

    with _build_target(store, endpoint, update_endpoint, lock_timeout) as graph:
        if not all(graph.static_is_current(g, path) for g, path in static_graphs(ontology)):
            load_static_graphs(_writable(graph), ontology)
        known = graph.document_hashes()

        def todo() -> Iterator[Document]:
            def stored(doc_id: str, content_hash: str) -> bool:
                return known.get(doc_id) == stored_hash(content_hash, fingerprint)

            for doc in iter_documents(paths, on_error=report, unchanged=stored):
                summary.documents += 1
                if known.get(doc.id) == stored_hash(doc.content_hash, fingerprint):
                    summary.unchanged += 1
                    if on_progress:
                        on_progress(summary)
                    continue
                yield doc

        batch: list[tuple[str, str, bytes]] = []
        entities: set[str] = set()
        for item in _extracted(todo(), jobs, ontology, fingerprint):
            batch.append((item.doc_id, item.graph, item.nquads))
            summary.written += 1
            summary.sentences += item.sentences
            summary.facts += item.facts
            summary.chars += item.chars
            entities.update(item.entities)
            if len(batch) >= BATCH_DOCUMENTS:
                _writable(graph).replace_documents_nquads(batch)
                batch = []
            if on_progress:
                on_progress(summary)
        if batch:
            _writable(graph).replace_documents_nquads(batch)
        graph.flush()
        summary.entities = len(entities)
    summary.seconds = time.perf_counter() - started
    return summary


def _with_hash(doc: Document, value: str) -> Document:
    from dataclasses import replace

    return replace(doc, content_hash=value)


# ---------------------------------------------------------------- reading a graph
class KnowledgeGraph:
    """A built graph, opened for reading (``kg.open``)."""

    def __init__(self, store: GraphStore, ontology: str | None = None) -> None:
        self.store = store
        self.ontology = ontology
        self._entity_graph: Any = None

    def _walkable(self) -> Any:
        """The entity graph that ``path`` and ``neighbors`` walk: built once per opened
        graph when the store is read-only (nothing can change it), else every call."""
        from kg.explore import entity_graph

        if not getattr(self.store, "read_only", False):
            return entity_graph(self.store)
        if self._entity_graph is None:
            self._entity_graph = entity_graph(self.store)
        return self._entity_graph

    def __enter__(self) -> "KnowledgeGraph":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def facts(self, predicate: str | None = None, *, merged: bool = False,
              source: str | None = None, cache: bool = True) -> Sequence[dict[str, Any]]:
        """The fact table (contract/facts.md), one row per mention or merged: a
        :class:`kg.rows.Rows`, a read-only sequence of dicts (``list()`` it to sort
        or change it).  Kept beside an embedded store until
        it changes; ``cache=False`` reads it anew."""
        return self._fact_table(predicate, merged, source, cache)[0]

    def _fact_table(self, predicate: str | None, merged: bool, source: str | None,
                    cache: bool) -> tuple[Sequence[dict[str, Any]], bool]:
        """(rows, whether they were read back from the store's kept copy)."""
        from kg.facts import fact_rows, merge_rows, rows_columns
        from kg.result_cache import cached_run

        def table() -> tuple[str, list[str], list[dict[str, Any]]]:
            rows = fact_rows(self.store, predicate=predicate, source=source)
            rows = merge_rows(rows) if merged else rows
            return "facts", rows_columns(rows), rows

        key = {"predicate": repr(predicate), "source": repr(source), "merged": repr(merged)}
        kept = getattr(self.store, "result_cache", None) if cache else None
        (_kind, columns, rows), read_back = cached_run(kept, "kg facts", key, table, time.perf_counter)
        return Rows.of(columns, rows), read_back

    def warm(self, timeout: float | None = 600) -> list[dict[str, Any]]:
        """Compute once what an embedded store keeps (``kg warm``): each saved query
        that needs no parameter, then the fact table; one row each (see queries.warm)."""
        from kg import queries

        out = queries.warm(self.store, self.resolver(), timeout)
        t0 = time.perf_counter()
        rows, read_back = self._fact_table(None, False, None, True)
        out.append({"query": "(kg facts)", "rows": len(rows), "seconds": round(time.perf_counter() - t0, 3),
                    "read_back": read_back, "note": None})
        return out

    def query(self, name: str, timeout: float = 60, cache: bool = True,
              **params: str) -> Sequence[dict[str, Any]]:
        """Run a saved query (name or .rq file) with parameters; a :class:`kg.rows.Rows`
        of row dicts (see :meth:`facts`).  ``cache=False`` evaluates even when the store
        kept the result."""
        from kg import queries

        result = queries.run(self.store, queries.load(name), params, resolve=self.resolver(),
                             timeout=timeout, cache=cache)
        return result.rows

    def resolver(self) -> Callable[[str], str | None]:
        from kg import queries
        from kg.lexicon import load_gazetteer

        return queries.label_resolver(self.store, load_gazetteer(self.ontology))

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def to_networkx(self, **filters: Any) -> Any:
        """A ``networkx.MultiDiGraph``: entities as nodes (IRI ids), facts as edges."""
        from kg.project import to_networkx

        return to_networkx(self.store, **filters)

    def export(self, fmt: str, path: str | os.PathLike[str], **filters: Any) -> Path:
        """Write GraphML/GEXF (a projection) or Turtle/TriG/N-Quads/JSON-LD (the RDF)."""
        from kg.export import export_graph, export_rdf

        if fmt in ("graphml", "gexf"):
            export_graph(self.store, fmt, path, **filters)
        else:
            export_rdf(self.store, fmt, path)
        return Path(path)

    # -- looking around (kg/explore.py); names are labels, aliases, IRIs or ent: names
    def _gazetteer(self) -> Any:
        from kg.lexicon import load_gazetteer

        return load_gazetteer(self.ontology)

    def resolve(self, name: str) -> str:
        """The IRI of the entity called ``name``; raises ``kg.explore.UnknownEntity``
        (with close labels as suggestions) when there is none."""
        from kg.explore import resolve

        return resolve(self.store, name, self._gazetteer())

    def entity(self, name: str) -> dict[str, Any]:
        """One entity's record: type, labels, aliases, owners, what it owns, Wikidata id,
        and every fact in and out with date, modality, source and sentence."""
        from kg.explore import entity_record

        return entity_record(self.store, self.resolve(name))

    def timeline(self, entity: str | None = None, since: str | None = None, until: str | None = None,
                 *, predicates: Sequence[str] | None = None, include_undated: bool = False
                 ) -> list[dict[str, Any]]:
        """Fact mentions in date order, optionally of one entity and within since..until."""
        from kg.explore import timeline

        iri = self.resolve(entity) if entity else None
        return timeline(self.store, iri, since, until, predicates=predicates, include_undated=include_undated)

    def neighbors(self, name: str, depth: int = 1) -> list[dict[str, Any]]:
        """Entities within ``depth`` steps of ``name`` (either direction), nearest first."""
        from kg.explore import neighbors

        return neighbors(self.store, self.resolve(name), depth, graph=self._walkable())

    def path(self, a: str, b: str, max_hops: int = 4, limit: int = 20) -> list[list[dict[str, Any]]]:
        """The shortest paths between two entities (at most ``max_hops`` steps), each a
        list of steps with the relations on it."""
        from kg.explore import paths

        return paths(self.store, self.resolve(a), self.resolve(b), max_hops, limit=limit, graph=self._walkable())


def open(path: str | None = None, *, endpoint: str | None = None, ontology: str | None = None,  # noqa: A001
         writable: bool = False) -> KnowledgeGraph:
    """Open a built graph (read-only unless ``writable``)."""
    return KnowledgeGraph(open_store(path, endpoint=endpoint, read_only=not writable and not endpoint), ontology)
