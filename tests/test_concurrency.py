"""Two ``kg build`` processes on one store: the second waits for the lock or says the
store is in use (exit 1); the store is never corrupted.

The lock holder is made deterministic with ``kg build -``: it takes the store's
lock, then blocks reading its standard input until the test closes it.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from test_bad_input import ARTICLE, FINE, assert_no_traceback, jsonl, kg_command, run_kg, summary_of
from test_crash import graphs_of

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="module")
def ontology(tmp_path_factory) -> Path:
    """A frozen copy of the ontology, so that every build here extracts alike."""
    path = tmp_path_factory.mktemp("ontology") / "ontology"
    shutil.copytree(REPO / "ontology", path)
    return path


@pytest.fixture(scope="module")
def reference(ontology, tmp_path_factory) -> dict:
    """One single build of the seeds and the stdin article."""
    store = tmp_path_factory.mktemp("ref") / "kg.db"
    proc = run_kg("build", SEEDS, "-", "--store", store, "--ontology", ontology, input=ARTICLE.encode())
    assert proc.returncode == 0, proc.stderr
    return graphs_of(store)


def start_holder(store: Path, ontology: Path) -> subprocess.Popen:
    """``kg build -`` that holds the store's lock until its stdin is closed."""
    holder = subprocess.Popen([*kg_command(), "build", "-", "--store", str(store), "--ontology", str(ontology)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lock = store / "kg.lock"
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().strip() == str(holder.pid)):
        assert holder.poll() is None, holder.communicate()[1].decode()
        assert time.monotonic() < deadline, "the first build never took the lock"
        time.sleep(0.05)
    return holder


def finish_holder(holder: subprocess.Popen) -> str:
    _, stderr = holder.communicate(ARTICLE.encode(), timeout=120)
    text = stderr.decode()
    assert holder.returncode == 0 and "Traceback" not in text, text
    return text


def test_second_build_fails_with_store_in_use(tmp_path, ontology):
    store = tmp_path / "kg.db"
    holder = start_holder(store, ontology)
    try:
        started = time.monotonic()
        second = run_kg("build", SEEDS, "--store", store, "--ontology", ontology, "--lock-timeout", "1")
        waited = time.monotonic() - started
        assert_no_traceback(second)
        assert second.returncode == 1
        assert second.stderr.splitlines() == [
            f"kg: waiting up to 1 s for the store lock: {store}",
            f"kg: error: store is in use by another kg process: {store}",
        ]
        assert waited >= 1
        # readers never wait for the lock, and see what was committed
        stats = run_kg("stats", "--store", store, "--format", "json")
        assert stats.returncode == 0, stats.stderr
        assert holder.poll() is None  # the holder was running the whole time
    finally:
        finish_holder(holder)
    facts = jsonl(run_kg("facts", "--store", store, "--format", "jsonl").stdout)
    assert [(f["source"], f["predicate"], f["sentence"]) for f in facts] == [("-", "fines", FINE)]


def test_second_build_waits_then_finishes_and_store_equals_a_single_build(tmp_path, ontology, reference):
    store = tmp_path / "kg.db"
    holder = start_holder(store, ontology)
    second = subprocess.Popen([*kg_command(), "build", str(SEEDS), "--store", str(store), "--ontology", str(ontology),
                               "--lock-timeout", "120"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first_line = second.stderr.readline().decode()  # printed once it starts waiting
        assert first_line == f"kg: waiting up to 120 s for the store lock: {store}\n"
        assert second.poll() is None
    finally:
        finish_holder(holder)
    _, rest = second.communicate(timeout=300)
    assert second.returncode == 0 and "Traceback" not in rest.decode(), rest.decode()
    assert summary_of(rest.decode())[:2] == (5, 5)
    assert graphs_of(store) == reference


def test_two_builds_started_together(tmp_path, ontology, reference):
    """No coordination at all: both start at once on an empty store with the default wait (10 s).
    Each one either finishes (after waiting) or fails with the store-in-use message; the
    store is what one single build makes."""
    store = tmp_path / "kg.db"
    args = [*kg_command(), "build", str(SEEDS), "-", "--store", str(store), "--ontology", str(ontology)]
    procs = [subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    results = [p.communicate(ARTICLE.encode(), timeout=300) for p in procs]
    outcomes = []
    for proc, (_, err) in zip(procs, results):
        text = err.decode()
        assert "Traceback" not in text, text
        if proc.returncode == 1:
            assert text.splitlines()[-1] == f"kg: error: store is in use by another kg process: {store}"
            outcomes.append("in use")
        else:
            assert proc.returncode == 0, text
            outcomes.append("done")
    assert "done" in outcomes
    assert graphs_of(store) == reference
