"""Work the benchmark measures in a subprocess (so its RSS and time are its own).

    python bench/_child.py build STORE JOBS PATH...   → JSON summary of kg.api.build
    python bench/_child.py jieba PATH...              → JSON: raw jieba.cut over the cleaned text
"""

from __future__ import annotations

import json
import sys
import time


def build(store: str, jobs: int, paths: list[str]) -> dict:
    from kg import api

    s = api.build(paths, store, jobs=jobs)
    return {"documents": s.documents, "written": s.written, "unchanged": s.unchanged,
            "skipped": len(s.skipped), "sentences": s.sentences, "facts": s.facts,
            "entities": s.entities, "chars": s.chars, "seconds": s.seconds}


def raw_jieba(paths: list[str]) -> dict:
    """jieba.cut (HMM on, as spaCy's jieba segmenter calls it) with the gazetteer's user words."""
    import jieba

    from kg.ingest import iter_documents
    from kg.lexicon import load_gazetteer
    from kg.nlp import _add_jieba_words

    t0 = time.perf_counter()
    texts = [d.text for d in iter_documents(paths)]
    ingest = time.perf_counter() - t0
    _add_jieba_words(load_gazetteer().alias_index)
    jieba.initialize()
    t0 = time.perf_counter()
    tokens = 0
    for text in texts:
        tokens += len(list(jieba.cut(text)))
    seconds = time.perf_counter() - t0
    return {"documents": len(texts), "chars": sum(map(len, texts)),
            "bytes": sum(len(t.encode("utf-8")) for t in texts), "tokens": tokens,
            "seconds": seconds, "ingest_seconds": ingest}


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "build":
        out = build(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif what == "jieba":
        out = raw_jieba(sys.argv[2:])
    else:
        raise SystemExit(f"unknown: {what}")
    print(json.dumps(out))
