"""Scale-out: ``kg extract`` one shard of the input to N-Quads, ``kg load`` files into a store.

Any batch system can fan the extraction out (GNU parallel, a cluster
scheduler, Spark): each task runs ``kg extract … --shard i/n`` on the same
input, and one ``kg load part*.nq`` puts the pieces together.  Documents are
assigned to shards by the SHA-1 of their document id, so a document always
lands in the same shard whatever machine reads it.  Loading every shard gives
the same quads as one ``kg build`` of the same input (tests/test_shards.py).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from kg.cli import EXIT_SKIPPED, store_options, user_errors


def shard_of(doc_id: str, shards: int) -> int:
    """The shard (1..shards) of a document id: stable across runs and machines."""
    return int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:8], "big") % shards + 1


def _parse_shard(value: str | None) -> tuple[int, int]:
    if not value:
        return 1, 1
    try:
        i, n = (int(x) for x in value.split("/", 1))
    except ValueError:
        raise click.BadParameter(f"expected I/N (e.g. 2/8), got {value!r}", param_hint="--shard") from None
    if n < 1 or not 1 <= i <= n:
        raise click.BadParameter(f"need 1 <= I <= N, got {value!r}", param_hint="--shard")
    return i, n


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--shard", metavar="I/N", help="Only the documents of shard I of N (1-based; by SHA-1 of the id).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="The N-Quads file to write (- for stdout).")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for extraction.")
@click.option("--ontology", type=click.Path(file_okay=False), default=None,
              help="Ontology folder [default: the bundled one].")
@click.option("--quiet", "-q", is_flag=True, help="No per-file warnings.")
@user_errors
def extract(paths: tuple[str, ...], shard: str | None, output: str, jobs: int, ontology: str | None,
            quiet: bool) -> None:
    """Extract one shard of the input to N-Quads (one named graph per document), no store.

    The quads are exactly those `kg build` would write for these documents
    (content hashes included, so a later `kg build` skips them). Load the
    parts with `kg load`.

    \b
    Example:
      seq 1 8 | parallel kg extract articles/ --shard {}/8 -o part{}.nq
      kg load part*.nq --store kg.db
    """
    from kg.api import _extracted, extractor_fingerprint
    from kg.ingest import iter_documents

    i, n = _parse_shard(shard)
    skipped: list[str] = []
    fingerprint = extractor_fingerprint(ontology)

    def report(path: str, reason: str) -> None:
        if not reason.startswith("warning"):
            skipped.append(path)
        if not quiet:
            click.echo(f"kg: {path}: {reason}", err=True)

    def mine() -> Iterator:
        for doc in iter_documents(list(paths), on_error=report):
            if n == 1 or shard_of(doc.id, n) == i:
                yield doc

    documents = facts = 0
    if output == "-":
        out, tmp = sys.stdout.buffer, None
    else:
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", dir=target.parent)
        out = os.fdopen(fd, "wb")
    try:
        for item in _extracted(mine(), jobs, ontology, fingerprint):
            out.write(item.nquads)
            documents += 1
            facts += item.facts
        out.flush()
        if tmp is not None:
            out.close()
            os.replace(tmp, output)
    except BaseException:
        if tmp is not None:
            out.close()
            Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"kg: shard {i}/{n}: {documents} documents, {facts} facts → {output}", err=True)
    if skipped:
        sys.exit(EXIT_SKIPPED)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@store_options
@click.option("--ontology", type=click.Path(file_okay=False), default=None,
              help="Ontology folder whose ontology and gazetteer graphs are added [default: the bundled one].")
@user_errors
def load(files: tuple[str, ...], store: str, endpoint: str | None, update_endpoint: str | None,
         ontology: str | None) -> None:
    """Bulk-load N-Quads or TriG files (from `kg extract` or `kg export`) into the graph.

    Graphs in a file replace the graphs of the same name in the store; the
    ontology and gazetteer graphs are added when missing. The embedded bulk
    loader is fast but not transactional: load into a store nobody reads.
    The embedded store is compacted at the end so that queries run at full
    speed (about 10 s per 5 million quads).

    \b
    Example:
      kg load part*.nq --store kg.db
    """
    from kg.api import load_static_graphs
    from kg.store import open_store

    with open_store(store, endpoint=endpoint, update_endpoint=update_endpoint) as graph:
        for path in files:
            _drop_graphs_of(graph, path)
            graph.bulk_load(path)
            click.echo(f"kg: loaded {path}", err=True)
        load_static_graphs(graph, ontology)
        graph.flush()
        graph.compact()
        click.echo(f"kg: {graph.triple_count()} quads in {graph.location}", err=True)


def _drop_graphs_of(graph: object, path: str) -> None:
    """Drop the named graphs a file is about to bring (only when the store has documents)."""
    from pyoxigraph import NamedNode, parse

    from kg.store import rdf_format

    has_docs = graph.query("ASK { ?d a <https://w3id.org/kg/ontology#Document> }")  # type: ignore[attr-defined]
    if not has_docs:
        return
    names = {q.graph_name.value for q in parse(path=path, format=rdf_format(path))
             if isinstance(q.graph_name, NamedNode)}
    names = sorted(names)
    for k in range(0, len(names), 500):
        graph.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names[k:k + 500]))  # type: ignore[attr-defined]


COMMANDS = [extract, load]
