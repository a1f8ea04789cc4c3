"""Shared helpers for the seed-evaluation tests (not a test module).

* :data:`GOLD`, :data:`ALIASES`: the hand-made gold of ``../shared/gold`` (beside the repo root);
  :func:`require_gold` skips a test with a clear reason when it is missing.
* :func:`build_facts`: build some article paths into a fresh store with :func:`kg.api.build`
  and return the fact table.
* :func:`score`: :func:`kg.evaluate.evaluate` against the seeds gold.
* :func:`seed_run`: the seeds built and scored once per process (the ``seeds_run`` fixture
  of each module calls it, so a module that imports it never builds the seeds twice).
* :func:`fact_keys`: the comparable set ``(source, predicate, subject, object)`` of a fact table.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold" / "seeds.jsonl"
ALIASES = SHARED / "gold" / "aliases.json"

FactKey = tuple[str, str, str | None, str | None]


def require_gold() -> None:
    """Skip the calling test when the shared gold or the seeds are not there."""
    for path in (GOLD, ALIASES):
        if not path.is_file():
            pytest.skip(f"seeds gold not found at {path} (expected ../shared/gold beside the repo root)")
    if not SEEDS.is_dir() or not any(SEEDS.iterdir()):
        pytest.skip(f"no seed articles in {SEEDS}")


def build_facts(paths: Sequence[str | Path], store_dir: str | Path, ontology: str | Path | None = None
                ) -> list[dict[str, Any]]:
    """Build ``paths`` into a new store under ``store_dir``; the fact table (one row per mention)."""
    import kg.api

    store = str(Path(store_dir) / "kg.db")
    kg.api.build([str(p) for p in paths], store=store, ontology=str(ontology) if ontology else None)
    with kg.api.open(store) as graph:
        return graph.facts()


def score(facts: Iterable[Mapping[str, Any]]):
    """A :class:`kg.evaluate.Report` of ``facts`` against the seeds gold and aliases."""
    from kg import evaluate

    return evaluate.evaluate(list(facts), evaluate.load_gold(GOLD), evaluate.load_aliases(ALIASES))


@dataclass
class SeedRun:
    facts: list[dict[str, Any]]
    report: Any  # kg.evaluate.Report


_CACHE: dict[str, SeedRun] = {}


def seed_run() -> SeedRun:
    """The seeds built (into a temporary store) and scored, once per process."""
    require_gold()
    if "seeds" not in _CACHE:
        tmp = tempfile.mkdtemp(prefix="kg-seeds-")
        try:
            facts = build_facts([SEEDS], tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _CACHE["seeds"] = SeedRun(facts, score(facts))
    return _CACHE["seeds"]


@pytest.fixture(scope="session")
def seeds_run() -> SeedRun:
    """Import this fixture into a test module: ``from seeds_eval import seeds_run``."""
    return seed_run()


def fact_keys(facts: Iterable[Mapping[str, Any]]) -> set[FactKey]:
    """``(source base name, predicate, subject, object)`` of every fact row."""
    return {(Path(str(f["source"])).name, f["predicate"], f.get("subject"), f.get("object")) for f in facts}


def report_table(report: Any) -> str:
    """The ``kg eval`` table as plain text (per predicate, micro, then the detail agreements)."""
    lines = [f"{'predicate':<18}{'gold':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}"]
    for row in report.rows():
        lines.append(f"{row['predicate']:<18}{row['gold_rows']:>5}{row['tp']:>5}{row['fp']:>5}{row['fn']:>5}"
                     f"{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}")
    for d in report.details():
        lines.append(f"{d['measure']}: {d['value']:.3f} ({d['count']})")
    return "\n".join(lines)


def emit(capsys: Any, text: str) -> None:
    """Print ``text`` to the terminal even when pytest captures output (figures for the lead)."""
    with capsys.disabled():
        print("\n" + text)
