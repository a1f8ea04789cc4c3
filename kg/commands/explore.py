"""``kg entity``, ``kg path``, ``kg neighbors`` and ``kg timeline``: looking around a graph."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from kg.cli import _open, _pick_format, _write, format_option, store_options, user_errors

ENTITY_FACT_COLUMNS = ["date", "direction", "predicate", "otherLabel", "amount", "unit", "status", "modality",
                       "source", "sentence"]
TIMELINE_TABLE_COLUMNS = ["date", "subject", "predicate", "object", "amount", "unit", "status", "modality",
                          "source", "sentence"]


def _echo_json(value: Any) -> None:
    from kg.output import json_value

    click.echo(json.dumps(json_value(value), ensure_ascii=False, indent=2))


@click.command()
@click.argument("name")
@store_options
@format_option(choices=["table", "json", "jsonl", "csv", "tsv"])
@user_errors
def entity(name: str, store: str, endpoint: str | None, update_endpoint: str | None, fmt: str | None) -> None:
    """Everything about one entity: type, labels, aliases, owner, Wikidata id, facts.

    NAME is a label or alias (阿里, Alibaba), an IRI or an ent: name. The
    table shows the record, then every fact in (←) and out (→) with date,
    modality, source and sentence; json gives the whole record; csv, tsv and
    jsonl give the facts only.

    \b
    Example:
      kg entity 闲鱼
      kg entity ent:alibaba --format json
    """
    with _open(store, endpoint) as graph:
        record = graph.entity(name)
    fmt = _pick_format(fmt, pipe_default="jsonl")
    facts = record["facts"]
    if fmt == "json":
        _echo_json(record)
        return
    if fmt != "table":
        rows = [{"entity": record["iri"], "entityLabel": record["label"], **r} for r in facts]
        _write(rows, None, fmt)
        return
    out = sys.stdout
    head = record["label"] + (f"  ({record['type']})" if record["type"] else "") + f"  {record['iri']}"
    out.write(head + "\n")
    lines = [
        ("English", record["label_en"]),
        ("aliases", ", ".join(record["aliases"])),
        ("owner", ", ".join(f"{o['label']} ({o['via']})" for o in record["owners"])),
        ("owns", ", ".join(f"{o['label']} ({o['via']})" for o in record["owns"])),
        ("wikidata", record["wikidata"]),
        ("discovered", "yes (not in the gazetteer)" if record["discovered"] else ""),
    ]
    n_out = sum(1 for f in facts if f["direction"] == "out")
    lines.append(("facts", f"{len(facts)} ({n_out} out →, {len(facts) - n_out} in ←)"))
    for key, value in lines:
        if value:
            out.write(f"  {key + ':':<11} {value}\n")
    if facts:
        out.write("\n")
        rows = [{**r, "direction": "→" if r["direction"] == "out" else "←"} for r in facts]
        _write(rows, ENTITY_FACT_COLUMNS, "table")


@click.command()
@click.argument("a")
@click.argument("b")
@store_options
@click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 12),
              help="Longest path to look for, in steps.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="At most this many paths.")
@format_option(choices=["table", "json", "jsonl", "csv", "tsv"])
@user_errors
def path(a: str, b: str, store: str, endpoint: str | None, update_endpoint: str | None, max_hops: int,
         limit: int, fmt: str | None) -> None:
    """The shortest paths between two entities, with the relation on each step.

    Steps follow facts in either direction (-[p]-> forward, <-[p]- backward)
    and the gazetteer's ownership links ("owns (gazetteer)"). The table prints
    one path a line; csv, tsv and jsonl print one row per relation on a step;
    json gives the paths as lists of steps. No path: a note on stderr, exit 0.

    \b
    Example:
      kg path 闲鱼 百度 --max-hops 3
    """
    from kg.explore import relation_text

    with _open(store, endpoint) as graph:
        found = graph.path(a, b, max_hops=max_hops, limit=limit)
    if not found:
        click.echo(f"kg: no path between {a} and {b} within {max_hops} steps", err=True)
        return
    fmt = _pick_format(fmt, pipe_default="jsonl")
    if fmt == "json":
        _echo_json(found)
    elif fmt == "table":
        for i, steps in enumerate(found, 1):
            text = steps[0]["from"] + "".join(f" {relation_text(s['relations'])} {s['to']}" for s in steps)
            click.echo(f"{i}. {text}")
    else:
        rows = [{"path": i, "step": j, "from": s["from"], "predicate": r["predicate"], "direction": r["direction"],
                 "to": s["to"], "date": r["date"], "weight": r["weight"], "gazetteer": r["gazetteer"],
                 "from_id": s["from_id"], "to_id": s["to_id"], "fact": r["fact"]}
                for i, steps in enumerate(found, 1) for j, s in enumerate(steps, 1) for r in s["relations"]]
        _write(rows, None, fmt)


@click.command()
@click.argument("name")
@store_options
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 6),
              help="How many steps out to go.")
@format_option()
@user_errors
def neighbors(name: str, store: str, endpoint: str | None, update_endpoint: str | None, depth: int,
              fmt: str | None) -> None:
    """The entities around one entity, nearest first, with the relations that link them.

    Steps follow facts in either direction and the gazetteer's ownership links;
    "via" is the entity one step closer, "facts" the mentions on that step.

    \b
    Example:
      kg neighbors 微信 --depth 2 --format csv
    """
    with _open(store, endpoint) as graph:
        rows = graph.neighbors(name, depth=depth)
    _write(rows, ["distance", "neighbor", "type", "via", "relations", "facts", "neighbor_id"],
           _pick_format(fmt, pipe_default="jsonl"))


@click.command()
@store_options
@click.option("--entity", "-e", "entity_name", metavar="NAME", help="Only facts with this entity as subject or object.")
@click.option("--since", help="Only facts dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Only facts dated on or before this.")
@click.option("--predicate", "-p", "predicates", multiple=True, help="Only these relations (repeatable).")
@click.option("--undated", is_flag=True, help="Also list undated facts, last (not with --since/--until).")
@format_option()
@user_errors
def timeline(store: str, endpoint: str | None, update_endpoint: str | None, entity_name: str | None,
             since: str | None, until: str | None, predicates: tuple[str, ...], undated: bool,
             fmt: str | None) -> None:
    """The facts in date order, earliest first (one row per mention).

    A fact is kept when its date overlaps --since..--until: "2021" covers
    the whole year, so --since 2021-04 keeps a fact dated 2021.

    \b
    Example:
      kg timeline --entity 微信 --since 2013 --until 2021
    """
    with _open(store, endpoint) as graph:
        rows = graph.timeline(entity_name, since, until, predicates=list(predicates) or None,
                              include_undated=undated)
    from kg.explore import TIMELINE_COLUMNS

    fmt = _pick_format(fmt, pipe_default="jsonl")
    _write(rows, TIMELINE_TABLE_COLUMNS if fmt == "table" else TIMELINE_COLUMNS, fmt)


COMMANDS = [entity, path, neighbors, timeline]
