"""``kg validate``: SHACL validation of a graph (pyshacl, ontology/shapes.ttl)."""

from __future__ import annotations

import json
import sys

import click

from kg.cli import _open, _write, store_options, user_errors


@click.command()
@store_options
@click.option("--shapes", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A SHACL shapes file [default: ontology/shapes.ttl].")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "jsonl"]), default="table",
              show_default=True, help="Output format (table: one problem a line, in words).")
@user_errors
def validate(store: str, endpoint: str | None, update_endpoint: str | None, shapes: str | None,
             fmt: str | None) -> None:
    """Check the graph against the SHACL shapes; exit 1 when it does not conform.

    Every problem is printed in plain words: what the node is (a fact by its
    relation, subject, object and source), the property, the offending value
    and what the shape requires. Warnings are printed but do not fail.

    \b
    Example:
      kg validate --store kg.db
      kg validate --shapes my-shapes.ttl --format json
    """
    from kg.validate import validate_store

    with _open(store, endpoint) as graph:
        report = validate_store(graph.store, shapes)
    if fmt == "json":
        click.echo(json.dumps({"conforms": report.conforms, "triples": report.triples, "shapes": report.shapes,
                               "problems": report.rows()}, ensure_ascii=False, indent=2))
    elif fmt == "table":
        for problem in report.problems:
            click.echo(problem.line())
    elif report.problems:
        _write(report.rows(), None, fmt)
    click.echo(f"kg: {report.summary()}", err=True)
    if not report.conforms:
        sys.exit(1)


COMMANDS = [validate]
