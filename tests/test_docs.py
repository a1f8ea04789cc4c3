"""The documentation stays true: docs/python.md runs, docs/cli.md matches --help,
every command has help with an example, and the README names every command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg import docs_cli

ROOT = Path(__file__).resolve().parent.parent
PYTHON_MD = ROOT / "docs" / "python.md"
README = ROOT / "README.md"


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M)


def test_python_md_runs_against_a_seeds_build(seeds_store, tmp_path, monkeypatch, capsys):
    """Every python block of docs/python.md, top to bottom in one namespace, in a
    folder holding a build of seeds/ as kg.db (as the page assumes)."""
    shutil.copytree(seeds_store, tmp_path / "kg.db", ignore=shutil.ignore_patterns("*.lock", "LOCK"))
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(PYTHON_MD)
    assert len(blocks) >= 8
    namespace: dict = {"__name__": "__docs__"}
    for i, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"docs/python.md block {i}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            pytest.fail(f"docs/python.md block {i} failed: {type(exc).__name__}: {exc}\n{block}")
    out = capsys.readouterr().out
    assert "市场监管总局 阿里巴巴" in out
    assert (tmp_path / "wechat-ego.graphml").is_file() and (tmp_path / "kg.ttl").is_file()


def test_python_md_covers_the_recipes():
    text = PYTHON_MD.read_text(encoding="utf-8")
    for needle in ("shortest_path", "ego_graph", "betweenness_centrality", "edge_subgraph",
                   "louvain_communities", "graph.entity(", "graph.timeline(", "graph.neighbors(", "graph.path("):
        assert needle in text, needle


def test_cli_reference_is_up_to_date():
    assert docs_cli.DOC.read_text(encoding="utf-8") == docs_cli.render(), (
        "docs/cli.md is out of date: run  .venv/bin/python -m kg.docs_cli")


def test_every_command_has_help_and_an_example():
    assert docs_cli.problems() == []
    assert {"build", "facts", "query", "queries", "export", "stats", "validate", "entity", "path",
            "neighbors", "timeline"} <= set(docs_cli.commands())


def test_problems_catches_a_command_without_help(monkeypatch):
    import click

    @click.command(name="bare")
    def bare() -> None:
        pass

    @click.command(name="noexample")
    def noexample() -> None:
        """Does something."""

    monkeypatch.setattr(docs_cli, "commands", lambda: {"bare": bare, "noexample": noexample})
    assert docs_cli.problems() == ["kg bare: no help text",
                                   "kg noexample: no 'Example:' section with a `kg noexample …` line"]


def test_readme_quick_start_and_every_command():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)", quick, re.M)
    assert commands[:2] == ["make demo", "make test"]
    for name in docs_cli.commands():
        assert re.search(rf"^kg {name}\b", text, re.M), f"README has no example of kg {name}"
    for link in ("docs/cli.md", "docs/python.md", "docs/architecture.md"):
        assert link in text and (ROOT / link).is_file()


def test_facts_md_documents_every_column_and_relation_in_order():
    from kg.facts import COLUMNS
    from kg.models import PREDICATES

    text = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
    columns = text.split("## Columns", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| `(\w+)` \|", columns, re.M) == list(COLUMNS)
    relations = text.split("## Relation names", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| `(\w+)` \|", relations, re.M) == list(PREDICATES)
    assert "docs/facts.md" in README.read_text(encoding="utf-8")
