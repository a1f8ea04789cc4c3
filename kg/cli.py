"""The ``kg`` command line: a thin click layer over :mod:`kg.api`.

Results go to stdout, progress and diagnostics to stderr. Exit codes: 0 done,
1 user error (one line on stderr), 2 usage error, 3 build finished but some
input files were skipped (each named on stderr).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import api

F = TypeVar("F", bound=Callable[..., Any])
EXIT_SKIPPED = 3
FORMATS = ["table", "csv", "tsv", "json", "jsonl"]


def store_options(func: F) -> F:
    """``--store``, ``--endpoint`` and ``--update-endpoint`` on every command that reads or writes a graph."""
    func = click.option("--update-endpoint", metavar="URL", envvar="KG_UPDATE_ENDPOINT",
                        help="SPARQL 1.1 Update URL when it differs from --endpoint.")(func)
    func = click.option("--endpoint", metavar="URL", envvar="KG_ENDPOINT",
                        help="Use a SPARQL 1.1 server instead of the embedded store "
                             "(credentials from KG_ENDPOINT_USER / KG_ENDPOINT_PASSWORD).")(func)
    func = click.option("--store", "store", default="kg.db", show_default=True, metavar="PATH",
                        envvar="KG_STORE", help="The embedded store directory.")(func)
    return func


def format_option(default: str = "table", choices: list[str] | None = None) -> Callable[[F], F]:
    return click.option("--format", "fmt", type=click.Choice(choices or FORMATS), default=None,
                        help=f"Output format [default: {default} on a terminal, else "
                             f"{'jsonl' if 'jsonl' in (choices or FORMATS) else 'csv'}].")


def user_errors(func: F) -> F:
    """Turn known errors into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.evaluate import GoldError
        from kg.rules import RuleError
        from kg.store import StoreError

        errors: tuple[type[BaseException], ...] = (StoreError, GoldError, RuleError, FileNotFoundError)
        try:
            from kg.queries import QueryError

            errors += (QueryError,)
        except ImportError:  # pragma: no cover
            pass
        try:
            return func(*args, **kwargs)
        except errors as exc:
            click.echo(f"kg: error: {_one_line(str(exc))}", err=True)
            sys.exit(1)
        except BrokenPipeError:  # `kg facts | head`: the reader has gone, which is not an error
            _silence_stdout()
            sys.exit(0)
        except OSError as exc:  # the environment: unwritable store, full disk, a path that is a file …
            where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
            click.echo(f"kg: error: {_one_line(exc.strerror or str(exc))}{where}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _one_line(text: str) -> str:
    """``text`` as one printable line: control characters (a newline in a file name) and
    bytes of a file name that are not UTF-8 (``\\xff``) escaped."""
    if text.isprintable():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # surrogate-escaped bytes of a non-UTF-8 file name
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _surrogates_escape(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape", "backslashreplace")
                   .decode("ascii") for ch in text)


def _surrogates_escape(text: str) -> bool:
    try:
        text.encode("utf-8", "surrogateescape")
        return True
    except UnicodeEncodeError:
        return False


def _pick_format(fmt: str | None, tty_default: str = "table", pipe_default: str = "csv") -> str:
    if fmt:
        return fmt
    return tty_default if sys.stdout.isatty() else pipe_default


def _write(rows: list[dict[str, Any]], columns: list[str] | None, fmt: str) -> None:
    from kg.output import write_rows

    cols = columns or (list(rows[0]) if rows else [])
    write_rows(rows, cols, fmt, sys.stdout)


def _open(store: str, endpoint: str | None, update_endpoint: str | None = None) -> api.KnowledgeGraph:
    from kg.store import open_store

    return api.KnowledgeGraph(open_store(store, endpoint=endpoint, update_endpoint=update_endpoint,
                                         read_only=endpoint is None))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(api.__version__, prog_name="kg")
def cli() -> None:
    """kg: a knowledge graph of China's platform economy, built from news articles.

    \b
    Example:
      kg build seeds/ && kg facts --predicate blocks && kg query fines-by-regulator
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@store_options
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for extraction.")
@click.option("--ontology", type=click.Path(file_okay=False), default=None,
              help="Ontology folder (gazetteer, rules, lexicons) [default: the bundled one].")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bar and no warnings (skipped files are still named).")
@click.option("--lock-timeout", default=10.0, show_default=True, type=click.FloatRange(0),
              metavar="SECONDS", help="How long to wait for another kg process to release the store.")
@user_errors
def build(paths: tuple[str, ...], store: str, endpoint: str | None, update_endpoint: str | None,
          jobs: int, ontology: str | None, quiet: bool, lock_timeout: float) -> None:
    """Read articles (files, folders, globs, - for stdin) into the graph.

    Formats are detected by content: HTML or Markdown with YAML front matter,
    bare HTML, plain text, JSONL (one article a line). Unchanged documents are
    skipped; a changed one replaces its own graph. Every skipped file (or JSONL
    line) is named on stderr with the reason, one line each; the last line is a
    summary. Exit codes: 0 done, 1 error (e.g. the store is in use after
    --lock-timeout), 3 done but some input was skipped (docs/errors.md).

    \b
    Example:
      kg build seeds/ articles/*.jsonl --store kg.db --jobs 2
    """
    from kg.progress import BuildProgress

    def warn(path: str, reason: str) -> None:
        if not (quiet and reason.startswith("warning")):
            click.echo(f"kg: {_one_line(path)}: {_one_line(reason)}", err=True)

    with BuildProgress(enabled=not quiet) as progress:
        summary = api.build(list(paths), store, endpoint=endpoint, update_endpoint=update_endpoint, jobs=jobs,
                            ontology=ontology, on_progress=progress.update, on_error=warn,
                            lock_timeout=lock_timeout)
    click.echo(summary.line(), err=True)
    if summary.skipped:
        sys.exit(EXIT_SKIPPED)


@cli.command()
@store_options
@click.option("--predicate", "-p", help="Only facts with this relation name (e.g. blocks).")
@click.option("--source", help="Only facts from this document id.")
@click.option("--merged", is_flag=True, help="One row per distinct fact, with sources and mentions.")
@click.option("--no-cache", is_flag=True,
              help="Read the facts anew even if the store kept the table (embedded store: <store>/kg-results/).")
@format_option(choices=["table", "csv", "tsv", "json", "jsonl"])
@user_errors
def facts(store: str, endpoint: str | None, update_endpoint: str | None, predicate: str | None,
          source: str | None, merged: bool, no_cache: bool, fmt: str | None) -> None:
    """Print the fact table, one row per mention (columns: docs/facts.md).

    On the embedded store, the table is kept until the store changes, so
    printing it again is fast.

    \b
    Example:
      kg facts --predicate fines --format jsonl
    """
    from kg.progress import Working

    with _open(store, endpoint) as graph, Working("reading the fact table"):
        rows = graph.facts(predicate, merged=merged, source=source, cache=not no_cache)
    fmt = _pick_format(fmt, pipe_default="jsonl")
    if fmt == "table":
        cols = ["subject", "predicate", "object", "date", "amount", "unit", "status", "modality", "source"]
        if merged:
            cols.append("mentions")
        _write(rows, cols, fmt)
    else:
        _write(rows, None, fmt)


@cli.command()
@click.argument("name")
@store_options
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter; labels are resolved to entity IRIs.")
@click.option("--allow-update", is_flag=True, help="Allow SPARQL UPDATE (refused by default).")
@click.option("--timeout", default=60.0, show_default=True, type=float, help="Seconds before the query is stopped.")
@click.option("--no-cache", is_flag=True,
              help="Evaluate even if the store kept this result (embedded store: <store>/kg-results/).")
@format_option()
@user_errors
def query(name: str, store: str, endpoint: str | None, update_endpoint: str | None, params: tuple[str, ...],
          allow_update: bool, timeout: float, no_cache: bool, fmt: str | None) -> None:
    """Run a saved query (a name from `kg queries`) or a .rq file.

    On the embedded store, a result that took over 50 ms is kept until the
    store changes, so running the query again is fast.

    \b
    Example:
      kg query entity-facts --param entity=阿里巴巴 --format csv
    """
    from kg import queries
    from kg.lexicon import load_gazetteer

    values = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param needs NAME=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        values[key.strip()] = value
    from kg.store import open_store

    from kg.progress import Working

    with open_store(store, endpoint=endpoint, update_endpoint=update_endpoint,
                    read_only=endpoint is None and not allow_update) as graph, Working(f"running {name}"):
        saved = queries.load(name)
        result = queries.run(graph, saved, values, resolve=queries.label_resolver(graph, load_gazetteer()),
                             allow_update=allow_update, timeout=timeout, cache=not no_cache)
    _write(result.rows, list(result.columns), _pick_format(fmt))


@cli.command()
@click.option("--store", "store", default="kg.db", show_default=True, metavar="PATH",
              envvar="KG_STORE", help="The embedded store directory.")
@click.option("--timeout", default=600.0, show_default=True, type=float, help="Seconds per query.")
@format_option()
@user_errors
def warm(store: str, timeout: float, fmt: str | None) -> None:
    """Run each saved query that needs no parameter once, and read the fact table,
    so that the embedded store keeps the results that are slow to compute (after
    a big build or load).

    \b
    Example:
      kg load parts/*.nq --store kg.db && kg warm --store kg.db
    """
    from kg.result_cache import wait_until_settled
    from kg.store import open_store

    # Read-only: a writable store changes its files, which would void what it keeps;
    # and files written in the last seconds must settle first (kg.result_cache).
    if Path(store).is_dir() and not wait_until_settled(store):
        click.echo(f"kg: warning: {store} is being written; nothing will be kept", err=True)
    from kg.progress import Working

    with api.KnowledgeGraph(open_store(store, read_only=True, timeout=timeout)) as graph, \
            Working("running the saved queries and reading the fact table"):
        rows = graph.warm(timeout)
    _write(rows, ["query", "rows", "seconds", "read_back", "note"], _pick_format(fmt))
    if any((row["note"] or "").startswith("error:") for row in rows):
        sys.exit(1)


@cli.command(name="queries")
@format_option()
@user_errors
def list_queries(fmt: str | None) -> None:
    """List the saved queries with their titles and parameters.

    \b
    Example:
      kg queries
    """
    from kg import queries

    rows = [{"name": q.name, "title": q.title,
             "params": ", ".join(f"{p.name}{'' if p.required else '?'}" for p in q.params),
             "description": q.description} for q in queries.discover().values()]
    _write(rows, ["name", "title", "params", "description"], _pick_format(fmt))


@cli.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["graphml", "gexf", "ttl", "trig", "nq", "jsonld"]))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@store_options
@click.option("--predicate", "predicates", multiple=True, help="Only these relations (repeatable).")
@click.option("--since", help="Only facts dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Only facts dated on or before this.")
@click.option("--min-confidence", type=float, help="Only facts at least this confident.")
@click.option("--modality", multiple=True, help="Only facts with this modality (repeatable).")
@click.option("--events-as-nodes", is_flag=True, help="A bipartite graph of entities and events.")
@user_errors
def export(fmt: str, output: str, store: str, endpoint: str | None, update_endpoint: str | None,
           predicates: tuple[str, ...], since: str | None, until: str | None, min_confidence: float | None,
           modality: tuple[str, ...], events_as_nodes: bool) -> None:
    """Write the graph for Gephi (graphml, gexf) or as RDF (ttl, trig, nq, jsonld).

    \b
    Example:
      kg export gexf -o walls.gexf --predicate blocks --since 2008
    """
    filters: dict[str, Any] = {}
    if fmt in ("graphml", "gexf"):
        filters = {"predicates": list(predicates) or None, "since": since, "until": until,
                   "min_confidence": min_confidence, "modality": list(modality) or None,
                   "events_as_nodes": events_as_nodes}
    from kg.progress import Working

    with _open(store, endpoint) as graph, Working(f"writing {output}"):
        graph.export(fmt, output, **filters)
    click.echo(f"kg: wrote {output}", err=True)


@cli.command()
@store_options
@format_option(choices=["table", "json"])
@user_errors
def stats(store: str, endpoint: str | None, update_endpoint: str | None, fmt: str | None) -> None:
    """Counts of documents, facts by relation, entities, mentions and triples.

    \b
    Example:
      kg stats --format json
    """
    with _open(store, endpoint) as graph:
        numbers = graph.stats()
    if _pick_format(fmt, pipe_default="table") == "json":
        click.echo(json.dumps(numbers, ensure_ascii=False, indent=2))
        return
    for key in ("documents", "facts", "entities", "mentions", "triples"):
        click.echo(f"{key:<12} {numbers[key]}")
    for predicate, count in sorted(numbers["facts_by_predicate"].items()):
        click.echo(f"  {predicate:<18} {count}")


@cli.command(name="eval")
@store_options
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False), help="Gold facts (JSONL).")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), help="Canonical name → aliases (JSON).")
@click.option("--errors", "show_errors", is_flag=True, help="Also list false positives and misses.")
@format_option(choices=["table", "csv", "json"])
@user_errors
def evaluate(store: str, endpoint: str | None, update_endpoint: str | None, gold: str, aliases: str | None,
             show_errors: bool, fmt: str | None) -> None:
    """Precision, recall and F1 per relation against a gold file.

    \b
    Example:
      kg eval --gold ../shared/gold/seeds.jsonl --aliases ../shared/gold/aliases.json
    """
    from kg.evaluate import evaluate as score
    from kg.evaluate import load_aliases, load_gold

    with _open(store, endpoint) as graph:
        rows = graph.facts()
    report = score(rows, load_gold(gold), load_aliases(aliases))
    fmt = _pick_format(fmt, pipe_default="table")
    if fmt == "json":
        click.echo(json.dumps({"predicates": report.rows(), "details": report.details(),
                               "errors": report.errors if show_errors else []}, ensure_ascii=False, indent=2,
                              default=list))
        return
    _write(report.rows(), None, fmt)
    click.echo("")
    _write(report.details(), None, fmt)
    if show_errors:
        click.echo("")
        for err in sorted(report.errors, key=lambda e: (e["kind"], e["doc"], str(e["triple"]))):
            click.echo(f"{err['kind']} {err['doc'][:3]} {err['triple']} {err.get('rule') or ''} | {err['sentence']}")


def main() -> None:  # pragma: no cover
    cli()


# Commands that live in their own modules (kg/commands/*.py).
from kg.commands import register  # noqa: E402

register(cli)
