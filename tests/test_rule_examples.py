"""Every rule's own examples (``examples.positive`` / ``examples.negative``), PETRARCH-style.

Each example text is one document with one paragraph (a :class:`kg.models.Document`).

* ``test_positive_example[RULE]``: every expected ``[subject, predicate, object]`` is among
  the facts of *that rule* (``fact.rule == RULE``).  The rule runs alone (the extractor
  with only that rule): the extractor keeps one fact per (predicate, subject, object)
  and sentence, the first rule in file order winning, so in the full rule set a later
  rule is never credited for a fact an earlier rule also finds.
* ``test_positive_example_full[RULE]``: the same triples come out of the full extractor
  (by any rule): the rule set as a whole does not lose them.
* ``test_negative_example[RULE]``: a negative text gives no fact of the rule (alone).

Labels are compared as the gazetteer's preferred label, or any alias of the same entity,
or the discovered label.  Rules are read from the JSONL files at collection time, so a
file that does not parse still lets the other tests run (``test_rule_files_parse`` fails).
"""

from __future__ import annotations

import copy
import json
import shutil
import warnings
from pathlib import Path

import pytest

from kg.extract import get_extractor
from kg.lexicon import load_gazetteer
from kg.models import Document
from kg.rules import RuleError, TypeAlphabet, load_rules

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
RULE_FILES = sorted((ONTOLOGY / "rules").glob("*.jsonl"))


def _raw_rules() -> list[dict]:
    rules = []
    for path in RULE_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue  # reported by test_rule_files_parse
            if isinstance(obj, dict) and "id" in obj:
                obj["_file"] = path.name
                rules.append(obj)
    return rules


RAW = _raw_rules()
POSITIVE = [pytest.param(r["id"], i, ex, id=f"{r['id']}#{i}")
            for r in RAW for i, ex in enumerate(r.get("examples", {}).get("positive", []))]
NEGATIVE = [pytest.param(r["id"], i, text, id=f"{r['id']}#{i}")
            for r in RAW for i, text in enumerate(r.get("examples", {}).get("negative", []))]


def _doc(text: str) -> Document:
    return Document(id="example.txt", text=text, paragraphs=((0, len(text)),), date="2021-04-12")


@pytest.fixture(scope="module")
def extractor():
    return get_extractor()


def _alone(extractor, rule_id):
    rule = next((r for r in extractor.rules if r.id == rule_id), None)
    if rule is None:
        pytest.fail(f"rule {rule_id} is in the rule files but not in the compiled rule set")
    single = copy.copy(extractor)
    single.rules = (rule,)
    return single


def _same(extractor, expected, entity) -> bool:
    """Does the fact argument ``entity`` (Entity or None) name the expected label (or None)?"""
    if expected is None or entity is None:
        return expected is None and entity is None
    if entity.label == expected:
        return True
    known = extractor.gazetteer.lookup(expected)
    return known is not None and known.iri == entity.iri


def _missing(extractor, facts, expected):
    out = []
    for subject, predicate, obj in expected:
        if not any(f.predicate == predicate and _same(extractor, subject, f.subject) and _same(extractor, obj, f.object)
                   for f in facts):
            out.append([subject, predicate, obj])
    return out


def _show(facts):
    return sorted({(f.rule, f.subject and f.subject.label, f.predicate, f.object and f.object.label) for f in facts},
                  key=str)


# ------------------------------------------------------------------ the files themselves
def test_rule_files_parse():
    gaz = load_gazetteer()
    rules = load_rules(TypeAlphabet(gaz.class_parents))
    assert len(rules) == len(RAW), "every rule line compiles into one rule"
    assert len({r.id for r in rules}) == len(rules)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_each_file_has_positive_and_negative_examples(path):
    """Issue 3: each rule file carries positive and negative example sentences."""
    rules = [r for r in RAW if r["_file"] == path.name]
    assert rules, f"{path.name}: no rules"
    assert any(r.get("examples", {}).get("positive") for r in rules), f"{path.name}: no positive example at all"
    assert any(r.get("examples", {}).get("negative") for r in rules), f"{path.name}: no negative example at all"


def test_rules_without_positive_example_are_listed():
    """Not a failure: a warning naming the rules that no positive example exercises."""
    bare = [f"{r['_file']}:{r['id']}" for r in RAW if not any(
        ex.get("facts") for ex in r.get("examples", {}).get("positive", []))]
    if bare:
        warnings.warn(UserWarning(f"{len(bare)} rule(s) without a positive example with facts: {', '.join(bare)}"))


# ------------------------------------------------------------------ the examples
@pytest.mark.parametrize("rule_id, index, example", POSITIVE)
def test_positive_example(extractor, rule_id, index, example):
    facts = [f for f in _alone(extractor, rule_id).extract(_doc(example["text"])) if f.rule == rule_id]
    missing = _missing(extractor, facts, example.get("facts", []))
    assert not missing, (f"rule {rule_id}, positive example {example['text']!r}: missing {missing}; "
                         f"the rule gave {_show(facts)}; the full extractor gives "
                         f"{_show(extractor.extract(_doc(example['text'])))}")


@pytest.mark.parametrize("rule_id, index, example", POSITIVE)
def test_positive_example_full(extractor, rule_id, index, example):
    facts = extractor.extract(_doc(example["text"]))
    missing = _missing(extractor, facts, example.get("facts", []))
    assert not missing, f"rule {rule_id}, positive example {example['text']!r}: missing {missing}; got {_show(facts)}"


@pytest.mark.parametrize("rule_id, index, text", NEGATIVE)
def test_negative_example(extractor, rule_id, index, text):
    facts = [f for f in _alone(extractor, rule_id).extract(_doc(text)) if f.rule == rule_id]
    assert not facts, f"rule {rule_id}, negative example {text!r} gave {_show(facts)}"


# ------------------------------------------------------------------ malformed rule files
@pytest.fixture
def broken_ontology(tmp_path):
    copy_dir = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, copy_dir)
    return copy_dir


def _alphabet():
    return TypeAlphabet(load_gazetteer().class_parents)


GOOD = '{"id": "zz.ok", "predicate": "blocks", "pattern": "{S:Actor}@block{O:Actor}"}'


@pytest.mark.parametrize("bad, message", [
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": ', "not valid JSON"),
    ('{"id": "zz.bad", "predicate": "loves", "pattern": "{S:Actor}爱{O:Actor}"}', "unknown predicate"),
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": "{S:Actor}@nosuchlist{O:Actor}"}', "@nosuchlist"),
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": "{S:Spaceship}@block{O:Actor}"}', "Spaceship"),
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": "{S:Actor}@block({O:Actor}"}', "bad pattern"),
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": "{S:Actor}@block", "emit": [["S", "O"]]}', "'O'"),
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": "{S:Actor}@block{O:Actor}", "colour": 1}', "colour"),
    ('{"id": "zz.bad", "predicate": "blocks"}', "pattern"),
    ('{"id": "zz.bad", "predicate": "blocks", "pattern": "被{S:Actor}@block", "topic_chain": true}', "topic_chain needs"),
    ('{"id": "zz.ok", "predicate": "blocks", "pattern": "{S:Actor}屏蔽{O:Actor}"}', "duplicate rule id"),
], ids=["json", "predicate", "word-list", "class", "regex", "emit", "field", "missing", "topic-chain",
                       "duplicate"])
def test_malformed_rule_names_file_and_line(broken_ontology, bad, message):
    (broken_ontology / "rules" / "zz_broken.jsonl").write_text(
        "// a comment line\n" + GOOD + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(_alphabet(), str(broken_ontology))
    text = str(info.value)
    assert "zz_broken.jsonl:4" in text, text
    assert message in text, text


def test_malformed_rule_found_through_env(broken_ontology, monkeypatch):
    (broken_ontology / "rules" / "walls.jsonl").open("a", encoding="utf-8").write("{oops\n")
    lines = (broken_ontology / "rules" / "walls.jsonl").read_text(encoding="utf-8").splitlines()
    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(broken_ontology))
    with pytest.raises(RuleError, match=rf"walls\.jsonl:{len(lines)}: not valid JSON"):
        load_rules(_alphabet())
