"""Reading every fact of a big embedded store a slice of documents at a time.

The readers of the whole graph (the fact table, the networkx projection and the
exports) hash-join whole property columns (:func:`kg.vocabulary.column`), and
Oxigraph holds those columns in memory while it joins them: 4-6.5 kB per fact,
1.2-1.9 GB for the 292k facts of a 5M-quad store.  Past :data:`SCAN_FACTS_LIMIT`
facts (some 3 GB) they run the same query once per :data:`SCAN_BATCH_DOCUMENTS`
documents instead, with a ``VALUES`` block of those document graphs in every
column: about 0.1 GB inside Oxigraph whatever the size, but slower (forced on the
5M store: the fact table 21 -> 24-30 s, an export of 100k edges 12 -> 16-22 s).
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.store import EmbeddedStore, GraphStore

__all__ = ["SCAN_BATCH_DOCUMENTS", "SCAN_FACTS_LIMIT", "document_slices"]

SCAN_FACTS_LIMIT = 500_000
SCAN_BATCH_DOCUMENTS = 1000

_COUNT_FACTS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e kg:predicate ?p } }"
_DOCUMENT_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g kg:sourceId ?src } }"


def document_slices(store: GraphStore, var: str) -> Iterator[str]:
    """``""`` once when one scan will do (a small store, or a remote one, whose
    server has its own limits); else ``VALUES ?var { <g1> … }`` blocks that
    together name every document graph once, in IRI order."""
    if isinstance(store, EmbeddedStore):
        counted = store.query(_COUNT_FACTS, raw=True)
        if counted and int(counted[0]["n"].value) > SCAN_FACTS_LIMIT:  # type: ignore[index]
            graphs = sorted(str(r["g"]) for r in store.query(_DOCUMENT_GRAPHS, raw=True))  # type: ignore[union-attr]
            for i in range(0, len(graphs), SCAN_BATCH_DOCUMENTS):
                yield f"VALUES {var} {{ " + " ".join(graphs[i:i + SCAN_BATCH_DOCUMENTS]) + " }"
            return
    yield ""
