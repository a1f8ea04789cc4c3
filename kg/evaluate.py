"""``kg eval``: score extracted facts against a hand-made gold file.

Per document, the sets of ``(predicate, subject, object)`` are compared, names
folded through an alias file, ``competes_with``/``cooperates_with`` unordered.
Precision, recall and F1 per predicate and micro-averaged; then, over matched
facts, how often the date, amount and modality agree with the gold.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kg.models import SYMMETRIC_PREDICATES

Triple = tuple[str, str | None, str | None]


class GoldError(ValueError):
    """The gold or alias file cannot be read."""


@dataclass
class Score:
    """Counts for one predicate (or all of them)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Agreement:
    """How often a detail of matched facts equals the gold."""

    exact: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.exact / self.total if self.total else 0.0


@dataclass
class Report:
    """The outcome of one evaluation."""

    by_predicate: dict[str, Score] = field(default_factory=dict)
    micro: Score = field(default_factory=Score)
    date: Agreement = field(default_factory=Agreement)
    amount: Agreement = field(default_factory=Agreement)
    modality: Agreement = field(default_factory=Agreement)
    gold_rows: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """One row per predicate then ``micro``, for the output formats."""
        out = []
        for name, score in sorted(self.by_predicate.items()):
            out.append(_row(name, score, self.gold_rows.get(name, 0)))
        out.append(_row("micro", self.micro, sum(self.gold_rows.values())))
        return out

    def details(self) -> list[dict[str, Any]]:
        return [
            {"measure": "date exact (matched facts with a gold date)", "value": round(self.date.share, 3),
             "count": f"{self.date.exact}/{self.date.total}"},
            {"measure": "amount exact (matched facts with a gold amount)", "value": round(self.amount.share, 3),
             "count": f"{self.amount.exact}/{self.amount.total}"},
            {"measure": "modality exact (matched facts)", "value": round(self.modality.share, 3),
             "count": f"{self.modality.exact}/{self.modality.total}"},
        ]


def _row(name: str, score: Score, gold_rows: int) -> dict[str, Any]:
    return {"predicate": name, "gold_rows": gold_rows, "tp": score.tp, "fp": score.fp, "fn": score.fn,
            "precision": round(score.precision, 3), "recall": round(score.recall, 3), "f1": round(score.f1, 3)}


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a gold JSONL file (``file subject predicate object date amount modality …``)."""
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read gold file: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not valid JSON: {exc.msg}") from None
        if not isinstance(row, dict) or not {"file", "predicate", "subject"} <= set(row):
            raise GoldError(f"{path}:{number}: a gold row needs file, predicate and subject")
        rows.append(row)
    return rows


def load_aliases(path: str | Path | None) -> dict[str, str]:
    """Surface form → canonical name from ``{"canonical": ["alias", …]}``."""
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read alias file: {exc}") from None
    folded: dict[str, str] = {}
    for canonical, aliases in data.items():
        folded[canonical] = canonical
        for alias in aliases:
            folded.setdefault(alias, canonical)
    return folded


def _doc_key(source: str) -> str:
    """Gold rows name files; fact sources are paths or URLs: compare base names."""
    return PurePosixPath(str(source).split("#", 1)[0].rstrip("/")).name


def _triple(row: Mapping[str, Any], aliases: Mapping[str, str]) -> Triple:
    subject = row.get("subject")
    obj = row.get("object")
    subject = aliases.get(subject, subject) if subject else None
    obj = aliases.get(obj, obj) if obj else None
    predicate = row["predicate"]
    if predicate in SYMMETRIC_PREDICATES and subject and obj and obj < subject:
        subject, obj = obj, subject
    return predicate, subject, obj


def _same_amount(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-6)
    except (TypeError, ValueError):
        return False


def evaluate(facts: Iterable[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]],
             aliases: Mapping[str, str] | None = None) -> Report:
    """Score ``facts`` (rows of the fact table) against ``gold`` rows."""
    aliases = aliases or {}
    gold_docs = {_doc_key(r["file"]) for r in gold}
    predicted: dict[tuple[str, Triple], list[Mapping[str, Any]]] = defaultdict(list)
    for row in facts:
        doc = _doc_key(row["source"])
        if doc in gold_docs:
            predicted[(doc, _triple(row, aliases))].append(row)
    expected: dict[tuple[str, Triple], list[Mapping[str, Any]]] = defaultdict(list)
    for row in gold:
        expected[(_doc_key(row["file"]), _triple(row, aliases))].append(row)
    report = Report()
    for row in gold:
        report.gold_rows[row["predicate"]] = report.gold_rows.get(row["predicate"], 0) + 1
    for key in set(predicted) | set(expected):
        predicate = key[1][0]
        score = report.by_predicate.setdefault(predicate, Score())
        if key in predicted and key in expected:
            score.tp += 1
            _agreements(report, expected[key], predicted[key])
        elif key in predicted:
            score.fp += 1
            report.errors.append({"kind": "fp", "doc": key[0], "triple": key[1],
                                  "sentence": predicted[key][0].get("sentence"), "rule": predicted[key][0].get("rule")})
        else:
            score.fn += 1
            report.errors.append({"kind": "fn", "doc": key[0], "triple": key[1],
                                  "sentence": expected[key][0].get("evidence")})
    for score in report.by_predicate.values():
        report.micro.tp += score.tp
        report.micro.fp += score.fp
        report.micro.fn += score.fn
    return report


def _agreements(report: Report, gold_rows: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> None:
    for g in gold_rows:
        if g.get("date"):
            report.date.total += 1
            report.date.exact += any(r.get("date") == g["date"] for r in rows)
        if g.get("amount") is not None:
            report.amount.total += 1
            report.amount.exact += any(_same_amount(r.get("amount"), g["amount"]) for r in rows)
        if g.get("modality"):
            report.modality.total += 1
            report.modality.exact += any(r.get("modality") == g["modality"] for r in rows)
