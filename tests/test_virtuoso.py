"""kg against Debian's Virtuoso (virtuoso-opensource 7) on 127.0.0.1: slow, experimental.

Skipped with a reason when ``virtuoso-t`` is not installed (CI never needs apt).
The server gets a throw-away database and config in a temp folder, free ports,
and SPARQL UPDATE granted to the anonymous ``SPARQL`` user (on 127.0.0.1 only).
Known Virtuoso deviations are xfail'd by name in :data:`KNOWN`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kg import api
from test_remote import SEEDS, compare_with_embedded, free_port, stop, wait_for

pytestmark = pytest.mark.slow

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")

#: Saved queries whose answers differ on Virtuoso 7.2.5 (see /work/shared/DESIGN.md).
#:
#: facts-between needs one kg:owns* closure per entity, and 7.2 gets two such paths in one query
#: wrong (the ownership queries avoid it with a single nested pair of paths; facts-between has no
#: rewrite that keeps its speed on the embedded store).  On the seeds:
#:
#:   SELECT ?f WHERE { VALUES ?a { ent:taobao } ?a kg:owns* ?x . ?f kg:subject ?x }
#:     13 rows embedded, 397 on 7.2: a VALUES-bound path start is ignored (sparql_to_sql_text
#:     shows its condition replaced by 1; a constant start, or a bound end, is kept)
#:   SELECT ?f WHERE { ?f kg:subject ?x . ?x kg:ownedBy+ ent:tencent .
#:                     ?f kg:object ?o . ?o kg:ownedBy+ ent:bytedance }
#:     4 rows embedded, 1 on 7.2: the second path, checked between two bound ends inside the
#:     loop over the first one (explain: "Transitive dt ... Target"), misses rows
KNOWN = {
    "applications-outcome": "GROUP_CONCAT order is implementation-defined (same rows otherwise)",
    "competitors": "GROUP_CONCAT order is implementation-defined (same rows otherwise)",
    "single-source-facts": "SAMPLE picks are implementation-defined (same rows otherwise)",
    "facts-between": ("Virtuoso 7.2 ignores a VALUES-bound kg:owns* start (hundreds of rows instead of 4) and"
                      " misses rows when a query joins two transitive paths (see the comment above)"),
}

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
CaseMode = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
DefaultQuery = select 1 where {{?s ?p ?o}}
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if not VIRTUOSO or not ISQL:
        pytest.skip("virtuoso-opensource is not installed (apt-get install virtuoso-opensource)")
    d = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (d / "virtuoso.ini").write_text(INI.format(d=d, sql=sql, http=http))
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(d / "virtuoso.ini")], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}/sparql"
    wait_for(base + "?query=ASK%7B%7D", proc, seconds=120)
    password = os.environ.get("KG_VIRTUOSO_DBA_PASSWORD", "dba")  # a fresh database's default
    subprocess.run([ISQL, f"127.0.0.1:{sql}", "dba", password,
                    "exec=GRANT SPARQL_UPDATE TO \"SPARQL\";"], check=True, capture_output=True, timeout=60)
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("embedded") / "kg.db")
    api.build([SEEDS], path)
    return path


def test_build_and_compare_with_embedded(virtuoso, embedded, tmp_path):
    summary = api.build([SEEDS], endpoint=virtuoso)
    assert summary.written == summary.documents
    # Virtuoso keeps its own system graphs (virtrdf:…) in the dataset: the triple count differs.
    compare_with_embedded(embedded, virtuoso, tmp_path, xfail=KNOWN, stats_ignore=("triples",))
    again = api.build([SEEDS], endpoint=virtuoso)
    assert again.written == 0 and again.unchanged == again.documents
