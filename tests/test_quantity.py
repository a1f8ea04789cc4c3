"""Tests for kg.quantity: gold amounts, brief examples, negatives, properties."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.quantity import Quantity, find_quantities, parse_amount, parse_cn_int

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.jsonl"
SEEDS = ROOT / "seeds"


def _gold_amount_rows() -> list[dict]:
    if not GOLD.exists():
        return []
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("amount") is not None]


def _clean(path: Path) -> str:
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"\A---.*?\n---", "", t, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", t))


def _sentence_around(text: str, evidence: str) -> tuple[str, int]:
    """The sentence containing ``evidence`` and the evidence offset inside it."""
    i = text.find(evidence)
    if i < 0:
        return evidence, 0
    a = max(text.rfind(c, 0, i) for c in "。！？\n") + 1
    ends = [j for j in (text.find(c, i + len(evidence)) for c in "。！？\n") if j >= 0]
    return text[a:min(ends) if ends else len(text)], i - a


_ROWS = _gold_amount_rows()


@pytest.mark.skipif(not _ROWS, reason=f"gold file {GOLD} missing")
@pytest.mark.parametrize("row", _ROWS, ids=lambda r: f"{r['file'][:3]}-{r['evidence'][:12]}")
def test_gold_amounts(row: dict) -> None:
    """Quantities are read from the sentence holding the evidence (as the pipeline does);
    the gold (amount, unit) is among those inside the evidence, or in the sentence when
    the evidence itself holds no figure (000's fine)."""
    seed = next(SEEDS.glob(row["file"]), None)
    if seed is None:
        pytest.skip(f"seed {row['file']} missing")
    sentence, off = _sentence_around(_clean(seed), row["evidence"])
    qs = find_quantities(sentence)
    inside = [q for q in qs if off <= q.start and q.end <= off + len(row["evidence"])]
    found = {(q.value, q.unit) for q in (inside or qs)}
    assert (float(row["amount"]), row["unit"]) in found


@pytest.mark.parametrize(
    "text, value, unit, kind",
    [
        ("182.28亿元", 18228000000.0, "CNY", "money"),
        ("4557.12亿元", 455712000000.0, "CNY", "money"),
        ("1.6万亿元", 1.6e12, "CNY", "money"),
        ("9000万", 9.0e7, None, "other"),
        ("9000万元", 9.0e7, "CNY", "money"),
        ("月活用户则达到9000万", 9.0e7, "users", "count"),
        ("年活用户超过淘宝达到7.88亿", 7.88e8, "users", "count"),
        ("7.884亿人", 7.884e8, "users", "count"),
        ("16.5%", 0.165, "ratio", "ratio"),
        ("20%", 0.2, "ratio", "ratio"),
        ("20 ％", 0.2, "ratio", "ratio"),
        ("百分之二十", 0.2, "ratio", "ratio"),
        ("百分之16.5", 0.165, "ratio", "ratio"),
        ("增长3个百分点", 0.03, "ratio", "ratio"),
        ("3亿美元", 3e8, "USD", "money"),
        ("2亿美金", 2e8, "USD", "money"),
        ("1亿港元", 1e8, "HKD", "money"),
        ("5亿港币", 5e8, "HKD", "money"),
        ("10亿欧元", 1e9, "EUR", "money"),
        ("10万亿日元", 1e13, "JPY", "money"),
        ("马云曾拿出一亿发展闲鱼", 1e8, None, "other"),
        ("十亿元", 1e9, "CNY", "money"),
        ("两千万用户", 2e7, "users", "count"),
        ("交易额破万亿美元", 1e12, "USD", "money"),
        ("淘宝特价版（月活破亿）", 1e8, "users", "count"),
        ("1,000万元", 1e7, "CNY", "money"),
        ("75.93亿元人民币", 7.593e9, "CNY", "money"),
        ("75.93亿人民币", 7.593e9, "CNY", "money"),
        ("近1000元左右", 1000.0, "CNY", "money"),
        ("超30万家企业", 3e5, "companies", "count"),
        ("1.2亿笔", 1.2e8, "transactions", "count"),
        ("营收38.31亿", 3.831e9, "CNY", "money"),
    ],
)
def test_examples(text: str, value: float, unit: str | None, kind: str) -> None:
    q = parse_amount(text)
    assert q is not None
    assert (q.value, q.unit, q.kind) == (value, unit, kind)


def test_exact_float() -> None:
    assert parse_amount("182.28亿元").value == 18228000000.0  # type: ignore[union-attr]
    assert parse_amount("16.5%").value == 0.165  # type: ignore[union-attr]


def test_several_in_one_sentence() -> None:
    s = "处以其2019年中国境内销售额4557.12亿元4%的罚款，计182.28亿元"
    qs = find_quantities(s)
    assert [(q.text, q.value, q.unit) for q in qs] == [
        ("4557.12亿元", 455712000000.0, "CNY"), ("4%", 0.04, "ratio"), ("182.28亿元", 18228000000.0, "CNY")]
    for q in qs:
        assert s[q.start:q.end] == q.text


@pytest.mark.parametrize(
    "text",
    ["2021年", "2021年4月7日", "2021-04-07", "1688", "淘宝特价版又和阿里内贸B2B平台1688打通", "BABA.HK",
     "L5级以上", "5G手机", "3比1", "拼多多和京东200左右的成本", "万一", "千万不要", "iPhone12", "Q4财报", "618大促"],
)
def test_non_amounts(text: str) -> None:
    assert [q for q in find_quantities(text) if q.kind in ("money", "ratio", "count")] == []
    assert all(q.unit is None or q.kind == "other" for q in find_quantities(text))


def test_durations_are_other() -> None:
    assert [(q.value, q.unit, q.kind) for q in find_quantities("24小时")] == [(24.0, "hours", "other")]
    assert [(q.value, q.unit, q.kind) for q in find_quantities("禁播5年")] == [(5.0, "years", "other")]


@pytest.mark.parametrize("s, n", [("十三", 13), ("两千万", 20_000_000), ("万亿", 10**12), ("十亿", 10**9),
                                   ("一亿", 10**8), ("三亿五千万", 350_000_000), ("二〇二一", 2021), ("二十", 20)])
def test_parse_cn_int(s: str, n: int) -> None:
    assert parse_cn_int(s) == n


def test_lexicon_is_data() -> None:
    data = json.loads((ROOT / "ontology" / "lexicon" / "units.json").read_text(encoding="utf-8"))
    assert "美元" in data["units"]["USD"]["words"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,%％万亿千百十一二两元美港用户人家笔破超年月日号百分之个点LG-")), max_size=40))
def test_property_numberish(s: str) -> None:
    for q in find_quantities(s):
        assert isinstance(q, Quantity)
        assert 0 <= q.start < q.end <= len(s)
        assert s[q.start:q.end] == q.text
        assert q.kind in ("money", "ratio", "count", "other")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_property_arbitrary(s: str) -> None:
    for q in find_quantities(s):
        assert s[q.start:q.end] == q.text
