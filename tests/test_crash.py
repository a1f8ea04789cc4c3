"""Crash safety: ``kg build`` killed with SIGKILL never leaves half a document.

A slice of the Sina corpus (the first :data:`SLICE_LINES` lines, written to a
temporary JSONL) is built once cleanly as the reference.  Then ``kg build`` of
the same slice into a second store is killed with SIGKILL at seeded random
moments, again and again, each time resuming from what the previous killed run
left (or from scratch when a run got to the end before its kill).  After every kill the store opens, and every document graph in it is
exactly the reference's graph of that document (all of its quads — facts,
mentions, metadata, discovered entities — or none of them).  A final rerun
finishes the job: the same graphs with the same quads as the reference, so no
duplicates.  Every other kill takes down the whole process group of a
``--jobs 2`` build (the parent and its extraction workers) instead of the
single process of a ``--jobs 1`` build.

Why a slice: a full build of the 12,461 articles takes ~75 s on one core, and
this test needs a reference build, several killed builds and a rerun;
1,500 lines (1,224 documents, 276 skipped as empty or boilerplate-only) build
in ~10 s and still span several write transactions (200 documents each).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from test_bad_input import assert_no_traceback, kg_command, run_kg, summary_of

REPO = Path(__file__).resolve().parents[1]
SINA = REPO.parent / "shared" / "corpora" / "sina-news-2018" / "articles.jsonl"
SLICE_LINES = 1500
KILLS = 5
SEED = 6

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SINA.exists(), reason=f"Sina corpus not found at {SINA} (it lives outside the repo)"),
]

_BLANK = re.compile(r"_:[0-9A-Za-z]+")


def graphs_of(store: Path) -> dict[str, Counter]:
    """Named graph IRI → multiset of its quads (N-Triples text; blank node labels erased)."""
    from kg.store import open_store

    graphs: dict[str, Counter] = {}
    with open_store(store, read_only=True) as opened:  # the store must open after a kill
        for quad in opened.raw:
            triple = _BLANK.sub("_:", f"{quad.subject} {quad.predicate} {quad.object}")
            graphs.setdefault(str(quad.graph_name), Counter())[triple] += 1
    return graphs


def fact_count(quads: Counter) -> int:
    return sum(n for triple, n in quads.items() if "<https://w3id.org/kg/ontology#predicate>" in triple)


@pytest.fixture(scope="module")
def ontology(tmp_path_factory) -> Path:
    """A frozen copy of the ontology (rules, gazetteer): every build of the test extracts alike,
    even while someone edits the rules in the working tree."""
    path = tmp_path_factory.mktemp("ontology") / "ontology"
    shutil.copytree(REPO / "ontology", path)
    return path


@pytest.fixture(scope="module")
def corpus_slice(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sina") / f"sina-{SLICE_LINES}.jsonl"
    with SINA.open("rb") as source:
        path.write_bytes(b"".join(itertools.islice(source, SLICE_LINES)))
    return path


@pytest.fixture(scope="module")
def reference(corpus_slice, ontology, tmp_path_factory):
    store = tmp_path_factory.mktemp("ref") / "kg.db"
    started = time.monotonic()
    proc = run_kg("build", corpus_slice, "--store", store, "--quiet", "--ontology", ontology)
    seconds = time.monotonic() - started
    assert_no_traceback(proc)
    assert proc.returncode == 3, proc.stderr  # some lines of the slice have no text
    return store, graphs_of(store), summary_of(proc.stderr), seconds


def test_sigkill_never_leaves_half_a_document(corpus_slice, ontology, reference, tmp_path):
    ref_store, ref_graphs, ref_summary, ref_seconds = reference
    documents = ref_summary[1]
    doc_graphs = {g for g in ref_graphs if g.startswith("<https://w3id.org/kg/doc/")}
    assert len(doc_graphs) == documents
    rng = random.Random(SEED)
    store = tmp_path / "kg.db"
    log: list[tuple[float, int, bool, int]] = []  # (delay, jobs, still running when killed, documents stored)
    checked = 0
    facts_checked = 0
    expected = ref_seconds  # how long a whole build takes; kill moments are fractions of it
    for kill in range(KILLS):
        if log and log[-1][3] == documents:  # the last run got to the end: start this one afresh
            shutil.rmtree(store)
        jobs = 2 if kill % 2 else 1
        delay = rng.uniform(0.15, 0.8) * expected
        proc = subprocess.Popen([*kg_command(), "build", str(corpus_slice), "--store", str(store), "--quiet",
                                 "--jobs", str(jobs), "--lock-timeout", "30", "--ontology", str(ontology)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        started = time.monotonic()
        while proc.poll() is None and time.monotonic() - started < delay:
            time.sleep(0.05)
        running = proc.poll() is None
        if not running:  # a loaded machine got quicker: aim the next kills at this run's length
            expected = time.monotonic() - started
        try:
            if jobs > 1:
                os.killpg(proc.pid, signal.SIGKILL)  # the whole job: parent and workers
            else:
                proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:  # it had already finished
            pass
        _, stderr = proc.communicate(timeout=60)
        if not running:  # finished before the kill: it must have finished well
            assert proc.returncode == 3, stderr.decode(errors="replace")[-3000:]
        if not store.exists():
            log.append((delay, jobs, running, 0))
            continue
        graphs = graphs_of(store)
        stored = [g for g in graphs if g in doc_graphs]
        for graph in graphs:
            assert graph in ref_graphs, f"kill {kill}: unexpected graph {graph}"
            assert graphs[graph] == ref_graphs[graph], f"kill {kill}: {graph} is not the complete document"
        checked += len(stored)
        facts_checked += sum(fact_count(graphs[g]) for g in stored)
        log.append((delay, jobs, running, len(stored)))
    print(f"\nreference: {documents} documents in {ref_seconds:.1f} s; kills (delay s, jobs, running, stored): "
          f"{[(round(d, 1), j, r, n) for d, j, r, n in log]}; {checked} stored documents checked "
          f"({facts_checked} facts)")
    interrupted = [n for _, _, running, n in log if running]
    assert len(interrupted) >= KILLS // 2, log  # most kills hit a running build
    assert any(0 < n < documents for n in interrupted), log  # at least one left a partial store

    # the rerun finishes the job: the same graphs with the same quads, nothing twice
    rerun = run_kg("build", corpus_slice, "--store", store, "--quiet", "--lock-timeout", "30",
                   "--ontology", ontology)
    assert_no_traceback(rerun)
    assert rerun.returncode == 3
    total, written, unchanged, skipped = summary_of(rerun.stderr)
    assert (total, skipped) == (ref_summary[0], ref_summary[3]) and written + unchanged == documents
    final = graphs_of(store)
    assert final.keys() == ref_graphs.keys()
    assert final == ref_graphs
    facts = run_kg("facts", "--store", store, "--format", "jsonl")
    ref_facts = run_kg("facts", "--store", ref_store, "--format", "jsonl")
    assert facts.returncode == 0 and sorted(facts.stdout.splitlines()) == sorted(ref_facts.stdout.splitlines())
