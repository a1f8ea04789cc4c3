"""The kg benchmark (`make bench`): prints a table and writes bench/results.json.

    python bench/run.py                 # the full run (~20 min on 2 cores)
    python bench/run.py --quick         # 1,500 articles, a 500k-triple synthetic graph
    python bench/run.py --corpus FILE --synthetic 5000000 --runs 20 --workdir DIR

Every figure comes from this one run on this machine:

* raw ``jieba.cut`` over the cleaned text of the corpus (the floor of the design),
* ``kg build`` with ``--jobs 1`` and ``--jobs 2`` (each in a subprocess: wall
  time, peak RSS of the whole process tree sampled from /proc, and the
  largest single process from ``getrusage(RUSAGE_CHILDREN)``), store size,
* a rebuild with nothing changed and with 1% of the documents changed,
* the fact table (first read, and read back as kept) and every saved query (p50/p95 over ``--runs`` runs) on the
  corpus graph and on a synthetic graph (see bench/synth.py for how it is made),
* GraphML/GEXF export of ~100k edges and ``to_networkx()`` on the synthetic graph.

The corpus is read where it is (never copied into the repository); the stores
and the 1%-changed copy live in a temporary folder that is removed at the end
unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
SNAPSHOT: Path | None = None  # a frozen copy of kg/, ontology/ and queries/ (see snapshot())

CORPUS = Path("/work/shared/corpora/sina-news-2018/articles.jsonl")
PARAMS = {"entity": "阿里巴巴", "a": "阿里巴巴", "b": "腾讯", "root": "阿里巴巴"}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ subprocess measurement
def _tree_rss(root: int) -> int:
    """Sum of VmRSS (bytes) of ``root`` and all its descendants."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parent[int(entry)] = ppid
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_child(args: list[str]) -> dict[str, Any]:
    """Run ``bench/_child.py ARGS``; its JSON output plus wall time and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert SNAPSHOT is not None
    cmd = [sys.executable, str(SNAPSHOT / "_child.py"), *args]
    env = {**os.environ, "PYTHONPATH": str(SNAPSHOT)}
    env.pop("KG_ONTOLOGY_DIR", None)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SNAPSHOT, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()[-2000:]}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["wall"] = wall
    result["peak_rss_tree_mb"] = peak[0] / 2**20
    # ru_maxrss of children is the max over every waited-for descendant (KB on Linux);
    # it only grows, so it is exact when this child is the largest so far.
    result["peak_rss_process_mb"] = after / 1024 if after > before else None
    return result


def snapshot(work: Path) -> Path:
    """Copy the code, ontology and queries into ``work``: every measurement of the run
    uses the same extractor even while people edit the tree (an edited rule file
    changes the extractor fingerprint and would turn a no-change rebuild into a full one)."""
    global SNAPSHOT
    snap = work / "snapshot"
    shutil.rmtree(snap, ignore_errors=True)
    for name in ("kg", "ontology", "queries"):
        shutil.copytree(ROOT / name, snap / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BENCH / "_child.py", snap / "_child.py")
    shutil.copy(BENCH / "synth.py", snap / "synth.py")
    sys.path.insert(0, str(snap))
    SNAPSHOT = snap
    return snap


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ------------------------------------------------------------------ queries
#: The value given to a saved query's first optional parameter in the "bound" runs
#: (an analyst's usual question is about one entity or one relation).
OPTIONAL_VALUES = {"entity": "腾讯", "string": "blocks"}


def time_queries(store_path: Path, runs: int, slow_after: float = 5.0, timeout: float = 30,
                 bind_optional: bool = False) -> dict[str, Any]:
    from kg import queries
    from kg.lexicon import load_gazetteer
    from kg.result_cache import wait_until_settled
    from kg.store import open_store

    out: dict[str, Any] = {}
    wait_until_settled(store_path)  # results are kept only from a store at rest
    with open_store(str(store_path), read_only=True) as store:
        resolve = queries.label_resolver(store, load_gazetteer())
        for name, saved in sorted(queries.discover().items()):
            declared = {p.name for p in saved.params}
            params = {k: v for k, v in PARAMS.items() if k in declared and any(
                p.name == k and p.required for p in saved.params)}
            if bind_optional:
                optional = [p for p in saved.params if not p.required and p.kind in OPTIONAL_VALUES]
                if not optional:
                    continue
                params[optional[0].name] = OPTIONAL_VALUES[optional[0].kind]
            def run(cache: bool = True) -> Any:
                return queries.run(store, saved, params, resolve=resolve, timeout=timeout, cache=cache)

            # The engine: every run evaluates (cache=False).
            times, rows, error = _timed_runs(lambda: run(cache=False), runs, slow_after)
            out[name] = {"params": params, "rows": rows, "runs": len(times),
                         "p50_ms": pct(times, 0.5) * 1000 if times else None,
                         "p95_ms": pct(times, 0.95) * 1000 if times else None, "error": error}
            if not error:
                # As `kg query` runs it: the first run evaluates and keeps the result
                # (kg.result_cache), the next ones read it back.
                if store.result_cache is not None:
                    store.result_cache.clear()
                first, _, _ = _timed_runs(run, 1, slow_after)
                again, _, _ = _timed_runs(run, runs, float("inf"))
                # The rows come back as columns (kg.rows.Rows); a caller who reads
                # every row as a dict pays for the dicts too.
                dicts, _, _ = _timed_runs(lambda: _every_row_read(run()), runs, float("inf"))
                out[name].update(first_ms=first[0] * 1000, cached_p50_ms=pct(again, 0.5) * 1000,
                                 cached_p95_ms=pct(again, 0.95) * 1000,
                                 cached_dicts_p50_ms=pct(dicts, 0.5) * 1000)
            log(f"  {name}: p50 {out[name]['p50_ms'] or float('nan'):.1f} ms ({rows} rows, {len(times)} runs), "
                f"kept and read back {out[name].get('cached_p50_ms') or float('nan'):.1f} ms, "
                f"with every row as a dict {out[name].get('cached_dicts_p50_ms') or float('nan'):.1f} ms"
                + (f" {error}" if error else ""))
    return out


def _every_row_read(result: Any) -> Any:
    """``result`` with its rows as a list of dicts (kept alive until the next run)."""
    from kg.queries import Result

    return Result(columns=result.columns, rows=list(result.rows), cached=result.cached)


def _timed_runs(run: Any, runs: int, slow_after: float) -> tuple[list[float], int, str | None]:
    """Seconds of up to ``runs`` calls (one when the first is slower than ``slow_after``),
    the row count and the error of a failed call."""
    times: list[float] = []
    rows = 0
    result = None
    for i in range(runs):
        result = None  # the last run's rows are freed before the clock starts, not inside it
        t0 = time.perf_counter()
        try:
            result = run()
        except Exception as exc:  # noqa: BLE001 - recorded in the results
            return times, rows, f"{type(exc).__name__}: {exc}"
        times.append(time.perf_counter() - t0)
        rows = len(result.rows)
        if i == 0 and times[0] > slow_after:
            break  # a slow query: one run is enough to know it is slow
    return times, rows, None


def time_fact_rows(store_path: Path) -> dict[str, Any]:
    """The whole fact table as ``kg facts`` reads it: computed (nothing kept), then
    read back from the store's kept copy (median of 3), and read back with every
    row made a dict (median of 3)."""
    import kg
    from kg.result_cache import ResultCache, wait_until_settled

    wait_until_settled(store_path)
    ResultCache(store_path).clear()
    with kg.open(str(store_path)) as graph:
        t0 = time.perf_counter()
        rows = graph.facts()
        first = time.perf_counter() - t0
        again, dicts = [], []
        for timings, read in ((again, graph.facts), (dicts, lambda: list(graph.facts()))):
            for _ in range(3):
                del rows  # freed before the clock starts, not inside it
                t0 = time.perf_counter()
                rows = read()
                timings.append(time.perf_counter() - t0)
    return {"rows": len(rows), "seconds": first, "again_seconds": pct(again, 0.5),
            "again_dicts_seconds": pct(dicts, 0.5)}


# ------------------------------------------------------------------ main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1,500 articles, 500k synthetic triples, 5 runs.")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="Only the first N lines of the corpus.")
    ap.add_argument("--synthetic", type=int, default=None, help="Triples of the synthetic graph.")
    ap.add_argument("--runs", type=int, default=None, help="Runs per query.")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="Keep the work folder.")
    ap.add_argument("--output", type=Path, default=Path(__file__).with_name("results.json"))
    a = ap.parse_args()
    limit = a.limit if a.limit is not None else (1500 if a.quick else None)
    synthetic = a.synthetic or (500_000 if a.quick else 5_000_000)
    runs = a.runs or (5 if a.quick else 20)
    if not a.corpus.is_file():
        raise SystemExit(f"no corpus at {a.corpus} (use --corpus)")
    work = a.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    snapshot(work)
    os.environ.pop("KG_ONTOLOGY_DIR", None)
    res: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "settings": {"corpus": str(a.corpus), "limit": limit, "synthetic_triples": synthetic, "runs": runs,
                     "quick": a.quick},
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average_at_start": os.getloadavg(),
    }
    try:
        # The input: the corpus (or its first lines) and a copy with 1% of the documents changed.
        src_dir, chg_dir = work / "corpus", work / "changed"
        src_dir.mkdir(exist_ok=True)
        chg_dir.mkdir(exist_ok=True)
        corpus = src_dir / a.corpus.name
        changed = chg_dir / a.corpus.name
        n_changed = 0
        with open(a.corpus, "rb") as f, open(corpus, "wb") as same, open(changed, "wb") as chg:
            for i, line in enumerate(f):
                if limit is not None and i >= limit:
                    break
                same.write(line)
                if i % 100 == 50:
                    obj = json.loads(line)
                    obj["content"] = obj.get("content", "") + "\n（本文已更新。）"
                    line = (json.dumps(obj, ensure_ascii=False) + "\n").encode()
                    n_changed += 1
                chg.write(line)

        log("raw jieba.cut over the cleaned text")
        res["jieba"] = run_child(["jieba", str(corpus)])
        kb = res["jieba"]["bytes"] / 1024
        res["jieba"]["kb_per_s"] = kb / res["jieba"]["seconds"]

        for jobs in (1, 2):
            log(f"kg build --jobs {jobs}")
            store = work / f"j{jobs}.db"
            r = run_child(["build", str(store), str(jobs), str(corpus)])
            r["kb_per_s"] = kb / r["seconds"]
            r["docs_per_s"] = r["documents"] / r["seconds"]
            r["vs_jieba"] = r["kb_per_s"] / res["jieba"]["kb_per_s"]
            r["store_mb"] = du(store) / 2**20
            res[f"build_j{jobs}"] = r
        res["speedup_j2"] = res["build_j2"]["kb_per_s"] / res["build_j1"]["kb_per_s"]
        shutil.rmtree(work / "j2.db", ignore_errors=True)

        store = work / "j1.db"
        log("rebuild, nothing changed")
        r = run_child(["build", str(store), "1", str(corpus)])
        r["share_of_build"] = r["seconds"] / res["build_j1"]["seconds"]
        res["rebuild_unchanged"] = r
        log(f"rebuild, {n_changed} documents changed (1%)")
        r = run_child(["build", str(store), "1", str(changed)])
        r["share_of_build"] = r["seconds"] / res["build_j1"]["seconds"]
        r["changed_documents"] = n_changed
        res["rebuild_1pct"] = r

        log("fact_rows and saved queries on the corpus graph")
        res["sina_fact_rows"] = time_fact_rows(store)
        res["sina_queries"] = time_queries(store, runs)

        log(f"synthetic graph of {synthetic:,} triples")
        import synth
        from kg.api import load_static_graphs
        from kg.store import open_store

        nq = work / "synthetic.nq"
        t0 = time.perf_counter()
        counts = synth.generate(nq, synthetic)
        gen = time.perf_counter() - t0
        syn = work / "synthetic.db"
        t0 = time.perf_counter()
        with open_store(str(syn)) as s:
            load_static_graphs(s)
            s.bulk_load(nq)
            s.compact()  # as `kg load` does
            total = s.triple_count()
        res["synthetic"] = {**counts, "triples_in_store": total, "generate_seconds": gen,
                            "bulk_load_seconds": time.perf_counter() - t0, "store_mb": du(syn) / 2**20}
        nq.unlink()
        log(f"  {total:,} quads; fact_rows and saved queries")
        res["synthetic_fact_rows"] = time_fact_rows(syn)
        res["synthetic_queries"] = time_queries(syn, runs)
        log("  the same, with the first optional parameter bound")
        res["synthetic_bound_queries"] = time_queries(syn, runs, bind_optional=True)

        log("exports and to_networkx on the synthetic graph")
        from kg.export import export_graph
        from kg.project import to_networkx

        window = {"since": "2010", "until": "2017"} if not a.quick else {}
        exports: dict[str, Any] = {"filters": window}
        with open_store(str(syn), read_only=True, timeout=None) as s:
            for fmt in ("graphml", "gexf"):
                out = work / f"export.{fmt}"
                t0 = time.perf_counter()
                info = export_graph(s, fmt, out, **window)
                exports[fmt] = {"seconds": time.perf_counter() - t0, "edges": info["edges"],
                                "nodes": info["nodes"], "mb": out.stat().st_size / 2**20}
                out.unlink()
            t0 = time.perf_counter()
            G = to_networkx(s)
            exports["to_networkx"] = {"seconds": time.perf_counter() - t0, "edges": G.number_of_edges(),
                                      "nodes": G.number_of_nodes()}
            del G
        res["exports"] = exports
    finally:
        res["load_average_at_end"] = os.getloadavg()
        res["total_seconds"] = time.perf_counter() - started
        a.output.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n")
        if not a.keep and a.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(res))


def _facts_cell(t: dict[str, Any]) -> str:
    again = [t.get(k) for k in ("again_seconds", "again_dicts_seconds") if t.get(k) is not None]
    return f"{t['seconds']:.2f}; " + "".join(f"{v:.2f}; " for v in again) + str(t["rows"])


def table(r: dict[str, Any]) -> str:
    def f(v: Any, spec: str = ".1f") -> str:
        return "—" if v is None else format(v, spec)

    j, b1, b2 = r["jieba"], r["build_j1"], r["build_j2"]
    lines = [
        f"kg benchmark — {r['machine']['cpus']} CPUs, Python {r['machine']['python']}, "
        f"{r['jieba']['documents']:,} documents, {j['bytes'] / 2**20:.1f} MB cleaned text",
        "",
        f"{'measure':<44} {'value':>14}   target",
        f"{'raw jieba.cut (KB/s of cleaned text)':<44} {f(j['kb_per_s']):>14}",
        f"{'build --jobs 1 (KB/s; docs/s)':<44} {f(b1['kb_per_s']) + '; ' + f(b1['docs_per_s']):>14}",
        f"{'  ratio to raw jieba':<44} {f(b1['vs_jieba'], '.2f'):>14}   >= 0.5",
        f"{'build --jobs 2 (KB/s; docs/s)':<44} {f(b2['kb_per_s']) + '; ' + f(b2['docs_per_s']):>14}",
        f"{'  speed-up over --jobs 1':<44} {f(r['speedup_j2'], '.2f'):>14}   >= 1.6",
        f"{'build seconds (jobs 1 / jobs 2)':<44} {f(b1['seconds']) + ' / ' + f(b2['seconds']):>14}",
        f"{'peak RSS, process tree MB (j1 / j2)':<44} "
        f"{f(b1['peak_rss_tree_mb'], '.0f') + ' / ' + f(b2['peak_rss_tree_mb'], '.0f'):>14}   < 1536",
        f"{'peak RSS, largest process MB (j1 / j2)':<44} "
        f"{f(b1['peak_rss_process_mb'], '.0f') + ' / ' + f(b2['peak_rss_process_mb'], '.0f'):>14}",
        f"{'store on disk MB':<44} {f(b1['store_mb']):>14}",
        f"{'rebuild, nothing changed (s; share)':<44} "
        f"{f(r['rebuild_unchanged']['seconds']) + '; ' + f(r['rebuild_unchanged']['share_of_build'] * 100) + '%':>14}   <= 5%",
        f"{'rebuild, 1% changed (s; share)':<44} "
        f"{f(r['rebuild_1pct']['seconds']) + '; ' + f(r['rebuild_1pct']['share_of_build'] * 100) + '%':>14}   <= 10%",
        f"{'kg facts, corpus graph (s; again; dicts; rows)':<44} {_facts_cell(r['sina_fact_rows']):>14}",
    ]
    s = r.get("synthetic")
    if s:
        lines += [
            f"{'synthetic graph (quads; load s)':<44} {format(s['triples_in_store'], ',') + '; ' + f(s['bulk_load_seconds']):>14}",
            f"{'kg facts, synthetic (s; again; dicts; rows)':<44} {_facts_cell(r['synthetic_fact_rows']):>14}",
        ]
    e = r.get("exports")
    if e:
        for fmt in ("graphml", "gexf"):
            lines.append(f"{'export ' + fmt + ' (s; edges)':<44} {f(e[fmt]['seconds']) + '; ' + format(e[fmt]['edges'], ','):>14}   <= 15 s")
        lines.append(f"{'to_networkx, whole graph (s; edges)':<44} "
                     f"{f(e['to_networkx']['seconds']) + '; ' + format(e['to_networkx']['edges'], ','):>14}")
    lines += ["", f"{'':<26} {'corpus graph':^24}  {'synthetic graph, as saved':^45}  {'synthetic, bound':^25}",
              f"{'saved query':<26} {'p50':>7} {'p95':>7} {'rows':>6}  {'p50':>7} {'p95':>7} {'rows':>7} "
              f"{'1st':>7} {'again':>6} {'dicts':>6}  {'p50':>7} {'rows':>6} {'again':>6}  parameter",
              "(ms.  p50/p95: evaluated every run (cache off).  1st: the first run as `kg query` does it,",
              " which keeps a result that took over 50 ms; again: p50 of the next runs, which read it back",
              " (rows as columns, kg.rows.Rows); dicts: the same with every row read as a dict.",
              " Target: p50 <= 100 at 5M.",
              " 'bound' = the first optional parameter given.)"]
    sq, yq, bq = r.get("sina_queries", {}), r.get("synthetic_queries", {}), r.get("synthetic_bound_queries", {})
    for name in sorted(set(sq) | set(yq)):
        a, b, c = sq.get(name, {}), yq.get(name, {}), bq.get(name, {})
        bound = ", ".join(f"{k}={v}" for k, v in c.get("params", {}).items() if k not in b.get("params", {}))
        errors = [x.get("error") for x in (a, b, c) if x.get("error")]
        lines.append(f"{name:<26} {f(a.get('p50_ms')):>7} {f(a.get('p95_ms')):>7} {a.get('rows', ''):>6}  "
                     f"{f(b.get('p50_ms')):>7} {f(b.get('p95_ms')):>7} {b.get('rows', ''):>7} "
                     f"{f(b.get('first_ms'), '.0f'):>7} {f(b.get('cached_p50_ms')):>6} "
                     f"{f(b.get('cached_dicts_p50_ms')):>6}  "
                     f"{f(c.get('p50_ms')) if c else '':>7} {c.get('rows', ''):>6} "
                     f"{f(c.get('cached_p50_ms')) if c else '':>6}  {bound}"
                     + ("  " + errors[0] if errors else ""))
    lines.append(f"\ntotal benchmark time {r['total_seconds'] / 60:.1f} min")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
