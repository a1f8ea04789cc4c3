"""Safe queries through the real command line (kg.queries has the library-level tests).

* a ``--param`` value is bound as one RDF term: an injection attempt comes back
  as a literal and changes nothing;
* SPARQL UPDATE is refused unless ``--allow-update`` (exit 1, one line);
* ``--timeout`` stops a runaway query with a message (exit 1).

Nothing in ``kg`` serves HTTP (checked: no server, no socket binding in kg/);
the only network use is the client of ``--endpoint``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from test_bad_input import assert_no_traceback, jsonl, run_kg

REPO = Path(__file__).resolve().parents[1]
EVIL = 'x" } ; DROP ALL ; INSERT DATA { <http://e/a> <http://e/b> "pwned" } ; { "'


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("q") / "kg.db"
    proc = run_kg("build", REPO / "seeds", "--store", path, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return path


def triples(store: Path) -> int:
    proc = run_kg("stats", "--store", store, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["triples"]


def rq(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_injection_through_param_is_a_literal(store, tmp_path):
    before = triples(store)
    echo = rq(tmp_path, "echo", "# title: Echo\n# param: v (optional, string) anything\n"
                                "SELECT ?v (isLiteral(?v) AS ?literal) WHERE { BIND(1 AS ?one) }\n")
    proc = run_kg("query", echo, "--store", store, "--param", f"v={EVIL}", "--format", "jsonl")
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert jsonl(proc.stdout) == [{"v": EVIL, "literal": True}]
    for name, key in (("entity-facts", "entity"), ("fines-by-regulator", "company")):
        proc = run_kg("query", name, "--store", store, "--param", f"{key}={EVIL}", "--format", "jsonl")
        assert proc.returncode == 0 and jsonl(proc.stdout) == [], proc.stderr
    assert triples(store) == before
    proc = run_kg("query", "fines-by-regulator", "--store", store, "--format", "jsonl")
    assert jsonl(proc.stdout)  # the data is all still there


@pytest.mark.parametrize("update", [
    "DROP ALL",
    "PREFIX kg: <https://w3id.org/kg/ontology#>\nDELETE WHERE { ?s kg:predicate ?o }",
    "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> <http://e/c> } }",
])
def test_update_refused_without_allow_update(store, tmp_path, update):
    before = triples(store)
    proc = run_kg("query", rq(tmp_path, "change", update), "--store", store)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1 and "UPDATE refused" in proc.stderr, proc.stderr
    assert triples(store) == before


def test_update_allowed_with_allow_update(store, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copytree(store, copy)
    before = triples(copy)
    insert = rq(tmp_path, "insert", "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> <http://e/c> } }")
    proc = run_kg("query", insert, "--store", copy, "--allow-update")
    assert proc.returncode == 0, proc.stderr
    assert triples(copy) == before + 1


def test_timeout_stops_a_runaway_query(store, tmp_path):
    slow = rq(tmp_path, "slow", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p1 ?b . ?c ?p2 ?d . ?e ?p3 ?f . ?g ?p4 ?h }")
    started = time.monotonic()
    proc = run_kg("query", slow, "--store", store, "--timeout", "0.5", timeout=120)
    elapsed = time.monotonic() - started
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == ["kg: error: query timed out after 0.5 s"], proc.stderr
    assert elapsed < 30
