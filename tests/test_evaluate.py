"""Unit tests of :mod:`kg.evaluate` on tiny hand-made facts and gold rows."""

from __future__ import annotations

import json

import pytest

from kg import evaluate
from kg.evaluate import GoldError, Score, evaluate as score_facts, load_aliases, load_gold


def fact(source, predicate, subject, obj, **extra):
    row = {"source": source, "predicate": predicate, "subject": subject, "object": obj}
    row.update(extra)
    return row


def gold(file, predicate, subject, obj, **extra):
    row = {"file": file, "predicate": predicate, "subject": subject, "object": obj,
           "date": None, "amount": None, "modality": None}
    row.update(extra)
    return row


# ------------------------------------------------------------------ arithmetic
def test_score_arithmetic():
    s = Score(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_score_empty_is_zero_not_an_error():
    assert Score().precision == Score().recall == Score().f1 == 0.0


def test_tiny_case_per_predicate_and_micro():
    g = [gold("a.txt", "blocks", "微信", "淘宝"),
         gold("a.txt", "blocks", "淘宝", "百度"),
         gold("a.txt", "owns", "阿里巴巴", "闲鱼"),
         gold("b.txt", "fines", "市场监管总局", "阿里巴巴")]
    f = [fact("a.txt", "blocks", "微信", "淘宝"),          # tp
         fact("a.txt", "blocks", "淘宝", "微信"),          # fp (direction matters for blocks)
         fact("a.txt", "owns", "阿里巴巴", "闲鱼"),         # tp
         fact("b.txt", "fines", "市场监管总局", "阿里巴巴"),  # tp
         fact("b.txt", "owns", "阿里巴巴", "闲鱼")]         # fp: right triple, wrong document
    r = score_facts(f, g)
    assert (r.by_predicate["blocks"].tp, r.by_predicate["blocks"].fp, r.by_predicate["blocks"].fn) == (1, 1, 1)
    assert (r.by_predicate["owns"].tp, r.by_predicate["owns"].fp, r.by_predicate["owns"].fn) == (1, 1, 0)
    assert (r.by_predicate["fines"].tp, r.by_predicate["fines"].fp, r.by_predicate["fines"].fn) == (1, 0, 0)
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (3, 2, 1)
    assert r.micro.precision == pytest.approx(3 / 5)
    assert r.micro.recall == pytest.approx(3 / 4)
    assert r.micro.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert r.gold_rows == {"blocks": 2, "owns": 1, "fines": 1}
    kinds = sorted((e["kind"], e["triple"]) for e in r.errors)
    assert kinds == [("fn", ("blocks", "淘宝", "百度")), ("fp", ("blocks", "淘宝", "微信")),
                     ("fp", ("owns", "阿里巴巴", "闲鱼"))]


def test_rows_end_with_micro():
    r = score_facts([fact("a.txt", "owns", "阿里巴巴", "闲鱼")], [gold("a.txt", "owns", "阿里巴巴", "闲鱼")])
    rows = r.rows()
    assert rows[-1]["predicate"] == "micro" and rows[-1]["f1"] == 1.0 and rows[-1]["gold_rows"] == 1


# ------------------------------------------------------------------ sets per document
def test_per_document_sets_count_a_triple_once():
    g = [gold("a.txt", "owns", "阿里巴巴", "闲鱼", evidence="x"), gold("a.txt", "owns", "阿里巴巴", "闲鱼", evidence="y")]
    f = [fact("a.txt", "owns", "阿里巴巴", "闲鱼")] * 3
    r = score_facts(f, g)
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (1, 0, 0)
    assert r.gold_rows["owns"] == 2  # rows are counted as rows, matches as sets


def test_documents_compared_by_base_name_and_others_ignored():
    g = [gold("000_x.txt", "owns", "阿里巴巴", "闲鱼")]
    f = [fact("seeds/000_x.txt", "owns", "阿里巴巴", "闲鱼"),
         fact("https://example.org/999.txt", "owns", "腾讯", "微信")]  # not a gold document: ignored
    r = score_facts(f, g)
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (1, 0, 0)


def test_same_triple_in_another_document_is_not_a_match():
    r = score_facts([fact("b.txt", "owns", "阿里巴巴", "闲鱼")],
                    [gold("a.txt", "owns", "阿里巴巴", "闲鱼"), gold("b.txt", "owns", "腾讯", "微信")])
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (0, 1, 2)


# ------------------------------------------------------------------ symmetric relations
@pytest.mark.parametrize("predicate", ["competes_with", "cooperates_with"])
def test_symmetric_relations_are_unordered(predicate):
    r = score_facts([fact("a.txt", predicate, "淘宝特价版", "拼多多")], [gold("a.txt", predicate, "拼多多", "淘宝特价版")])
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (1, 0, 0)


def test_symmetric_both_directions_is_one_fact():
    f = [fact("a.txt", "competes_with", "淘宝", "京东"), fact("a.txt", "competes_with", "京东", "淘宝")]
    r = score_facts(f, [gold("a.txt", "competes_with", "京东", "淘宝")])
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (1, 0, 0)


@pytest.mark.parametrize("predicate", ["blocks", "owns", "invests_in", "applies_to"])
def test_directed_relations_keep_their_order(predicate):
    r = score_facts([fact("a.txt", predicate, "乙", "甲")], [gold("a.txt", predicate, "甲", "乙")])
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (0, 1, 1)


def test_null_object_matches_null_object():
    r = score_facts([fact("a.txt", "orders", "工信部", None)], [gold("a.txt", "orders", "工信部", None)])
    assert r.micro.tp == 1
    r = score_facts([fact("a.txt", "orders", "工信部", "阿里巴巴")], [gold("a.txt", "orders", "工信部", None)])
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (0, 1, 1)


# ------------------------------------------------------------------ aliases
def test_alias_folding_both_sides(tmp_path):
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps({"阿里巴巴": ["阿里", "阿里系"], "微信": ["微信小程序"]}, ensure_ascii=False),
                    encoding="utf-8")
    aliases = load_aliases(path)
    assert aliases["阿里"] == "阿里巴巴" and aliases["阿里巴巴"] == "阿里巴巴" and aliases["微信小程序"] == "微信"
    r = score_facts([fact("a.txt", "applies_to", "阿里", "微信小程序")],
                    [gold("a.txt", "applies_to", "阿里系", "微信")], aliases)
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (1, 0, 0)
    # without the alias file the same rows do not match
    r = score_facts([fact("a.txt", "applies_to", "阿里", "微信小程序")], [gold("a.txt", "applies_to", "阿里系", "微信")])
    assert r.micro.tp == 0


def test_alias_folding_before_symmetric_ordering():
    aliases = {"阿里": "阿里巴巴", "阿里巴巴": "阿里巴巴"}
    # 阿里 < 腾讯 but 阿里巴巴 (folded) decides the order: both sides fold first, then sort
    r = score_facts([fact("a.txt", "competes_with", "腾讯", "阿里")],
                    [gold("a.txt", "competes_with", "阿里巴巴", "腾讯")], aliases)
    assert r.micro.tp == 1


def test_first_canonical_wins_for_a_shared_alias(tmp_path):
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps({"甲": ["X"], "乙": ["X"]}, ensure_ascii=False), encoding="utf-8")
    assert load_aliases(path)["X"] == "甲"


def test_no_alias_file_is_empty():
    assert load_aliases(None) == {}


# ------------------------------------------------------------------ date / amount / modality
def test_detail_agreement_over_matched_facts_only():
    g = [gold("a.txt", "fines", "市场监管总局", "阿里巴巴", date="2021-04-10", amount=18228000000,
              modality="asserted"),
         gold("a.txt", "blocks", "微信", "淘宝", date="2013", modality="asserted"),
         gold("a.txt", "owns", "阿里巴巴", "闲鱼", date="2020", modality="asserted")]  # not extracted
    f = [fact("a.txt", "fines", "市场监管总局", "阿里巴巴", date="2021-04-10", amount=1.8228e10, modality="asserted"),
         fact("a.txt", "blocks", "微信", "淘宝", date="2013-11", modality="reported")]
    r = score_facts(f, g)
    assert (r.date.exact, r.date.total) == (1, 2)      # 2013-11 is not 2013: exact means exact
    assert (r.amount.exact, r.amount.total) == (1, 1)  # 1.8228e10 == 18228000000 numerically
    assert (r.modality.exact, r.modality.total) == (1, 2)
    assert r.date.share == pytest.approx(0.5)


def test_amount_tolerance_and_garbage():
    assert evaluate._same_amount(0.165, "0.165")
    assert evaluate._same_amount(1e8, 100000000.00001)
    assert not evaluate._same_amount(9000e4, 9000e3)
    assert not evaluate._same_amount(None, 1.0)
    assert not evaluate._same_amount("n/a", 1.0)


def test_any_mention_with_the_right_detail_counts():
    g = [gold("a.txt", "blocks", "微信", "淘宝", date="2013", modality="asserted")]
    f = [fact("a.txt", "blocks", "微信", "淘宝", date="2021", modality="reported"),
         fact("a.txt", "blocks", "微信", "淘宝", date="2013", modality="asserted")]
    r = score_facts(f, g)
    assert (r.date.exact, r.date.total, r.modality.exact) == (1, 1, 1)


def test_gold_without_date_does_not_count_for_dates():
    r = score_facts([fact("a.txt", "owns", "阿里巴巴", "闲鱼", date="2020")], [gold("a.txt", "owns", "阿里巴巴", "闲鱼")])
    assert r.date.total == 0 and r.date.share == 0.0


def test_details_rows():
    r = score_facts([fact("a.txt", "owns", "阿里巴巴", "闲鱼", modality="asserted")],
                    [gold("a.txt", "owns", "阿里巴巴", "闲鱼", modality="asserted")])
    measures = {d["measure"].split()[0]: d for d in r.details()}
    assert measures["modality"]["value"] == 1.0 and measures["modality"]["count"] == "1/1"


# ------------------------------------------------------------------ reading files
def test_load_gold_reads_rows_and_skips_blank_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"file": "a.txt", "predicate": "owns", "subject": "甲", "object": "乙"},
                               ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert load_gold(path) == [{"file": "a.txt", "predicate": "owns", "subject": "甲", "object": "乙"}]


def test_load_gold_errors_name_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"file": "a.txt", "predicate": "owns", "subject": "甲"}\n{broken\n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold\.jsonl:2"):
        load_gold(path)
    path.write_text('{"file": "a.txt", "predicate": "owns"}\n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold\.jsonl:1"):
        load_gold(path)
    with pytest.raises(GoldError):
        load_gold(tmp_path / "missing.jsonl")


def test_load_aliases_error(tmp_path):
    path = tmp_path / "aliases.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError):
        load_aliases(path)
