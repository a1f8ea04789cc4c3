"""kg against a real SPARQL 1.1 server: the Oxigraph server from PyPI on 127.0.0.1.

The seeds are built once into an embedded store and once through ``--endpoint``
(the CLI, as a user would); facts, every saved query, stats, exports and eval
must agree.  The server runs on a free port and is stopped at the end.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg import api, queries
from kg.cli import cli
from kg.lexicon import load_gazetteer
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
GOLD = Path("/work/shared/gold/seeds.jsonl")
PARAMS = {"entity": "阿里巴巴", "a": "阿里巴巴", "b": "淘宝", "root": "阿里巴巴"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"server did not start: {url}")
            time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("embedded") / "kg.db")
    api.build([SEEDS], path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Any:
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(tmp_path_factory.mktemp("server")),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/query?query=ASK%7B%7D", proc)
    yield base + "/query"
    stop(proc)


def cli_ok(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def canonical_rows(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as sorted JSON lines (order-insensitive; ordered queries are compared as sets here
    and their order is checked by the query tests)."""
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in rows)


#: The value given to each optional parameter in a second run of every saved query.
OPTIONAL_VALUES = {"entity": "微信", "string": "blocks"}


def query_params(saved: queries.SavedQuery) -> dict[str, str]:
    return {p.name: PARAMS[p.name] for p in saved.params if p.required and p.name in PARAMS}


def compare_with_embedded(embedded: str, endpoint: str, tmp_path: Path, xfail: dict[str, str] | None = None,
                          stats_ignore: tuple[str, ...] = ()) -> None:
    """The shared comparison (also used by the Virtuoso test): ``xfail`` names saved
    queries known to differ on that server, ``stats_ignore`` stats keys."""
    xfail = xfail or {}
    local = open_store(embedded, read_only=True)
    remote = open_store(endpoint=endpoint, read_only=True)
    failures: list[str] = []
    try:
        lk, rk = api.KnowledgeGraph(local), api.KnowledgeGraph(remote)
        assert rk.facts() == lk.facts()
        assert rk.facts(merged=True) == lk.facts(merged=True)
        drop = (lambda d: {k: v for k, v in d.items() if k not in stats_ignore})
        assert drop(rk.stats()) == drop(lk.stats())
        resolve_l = queries.label_resolver(local, load_gazetteer())
        resolve_r = queries.label_resolver(remote, load_gazetteer())
        for name, saved in sorted(queries.discover().items()):
            # as saved, then with each optional parameter given (bound inside sub-selects too)
            runs = [query_params(saved)] + [{**query_params(saved), p.name: OPTIONAL_VALUES[p.kind]}
                                            for p in saved.params if not p.required and p.kind in OPTIONAL_VALUES]
            for params in runs:
                label = name + "".join(f" {k}={v}" for k, v in params.items() if k not in query_params(saved))
                want = queries.run(local, saved, params, resolve=resolve_l).rows
                try:
                    got = queries.run(remote, saved, params, resolve=resolve_r,
                                      timeout=5 if name in xfail else 30).rows
                except queries.QueryError as exc:
                    # a known deviation may time out, but the server must accept the query
                    if name not in xfail or "timed out" not in str(exc):
                        failures.append(f"{label}: {exc}")
                    continue
                if canonical_rows(got) != canonical_rows(want) and name not in xfail:
                    failures.append(f"{label}: {len(got)} rows from the server, {len(want)} embedded")
        for fmt in ("graphml", "gexf"):
            a, b = tmp_path / f"local.{fmt}", tmp_path / f"remote.{fmt}"
            lk.export(fmt, a)
            rk.export(fmt, b)
            assert b.read_text() == a.read_text(), fmt
    finally:
        local.close()
        remote.close()
    assert not failures, failures


def test_build_through_the_cli_matches_embedded(embedded, server, tmp_path):
    cli_ok("build", SEEDS, "--endpoint", server, "-q")
    compare_with_embedded(embedded, server, tmp_path)


def test_cli_read_commands_against_the_server(embedded, server, tmp_path):
    cli_ok("build", SEEDS, "--endpoint", server, "-q")  # idempotent: nothing changes
    local_facts = cli_ok("facts", "--store", embedded, "--format", "jsonl")
    assert cli_ok("facts", "--endpoint", server, "--format", "jsonl") == local_facts
    assert cli_ok("query", "entity-facts", "--endpoint", server, "-p", "entity=阿里巴巴", "--format", "csv") == \
        cli_ok("query", "entity-facts", "--store", embedded, "-p", "entity=阿里巴巴", "--format", "csv")
    assert cli_ok("stats", "--endpoint", server, "--format", "json") == \
        cli_ok("stats", "--store", embedded, "--format", "json")
    out = tmp_path / "remote.nq"
    cli_ok("export", "nq", "-o", str(out), "--endpoint", server)
    assert out.stat().st_size > 0
    if GOLD.exists():
        assert cli_ok("eval", "--gold", str(GOLD), "--endpoint", server, "--format", "json") == \
            cli_ok("eval", "--gold", str(GOLD), "--store", embedded, "--format", "json")


def test_rebuild_skips_unchanged_and_replaces_changed(server, tmp_path):
    first = api.build([SEEDS], endpoint=server)
    assert first.written == 0 and first.unchanged == first.documents  # built by the tests above
    changed = tmp_path / "seeds"
    changed.mkdir()
    files = sorted(Path(SEEDS).iterdir())
    for f in files:
        (changed / f.name).write_bytes(f.read_bytes())
    (changed / files[0].name).write_text(files[0].read_text(encoding="utf-8") + "\n本文已更新。\n",
                                         encoding="utf-8")
    summary = api.build([str(changed)], endpoint=server)
    assert summary.written == 1 and summary.unchanged == len(files) - 1
