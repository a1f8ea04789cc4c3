"""The whole pipeline on the seeds: a rebuild changes nothing, IRIs are stable, edits replace one graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store, serialize

import kg
from kg.api import build

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _dataset(store_dir: Path, skolem: bool = True) -> list[str]:
    """Every quad of a store as sorted N-Quads lines (without blank nodes unless ``skolem``)."""
    store = Store.read_only(str(store_dir))
    data = serialize(store.quads_for_pattern(None, None, None, None), format=RdfFormat.N_QUADS) or b""
    lines = data.decode("utf-8").splitlines()
    return sorted(lines if skolem else [line for line in lines if "_:" not in line])


@pytest.fixture(scope="module")
def seeds_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("seeds") / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_second_build_leaves_the_store_unchanged(seeds_copy: Path, tmp_path: Path) -> None:
    store = tmp_path / "kg.db"
    first = build([str(seeds_copy)], str(store))
    assert first.written == first.documents == 5 and first.facts > 100
    before = _dataset(store)
    second = build([str(seeds_copy)], str(store))
    assert (second.documents, second.written, second.unchanged) == (5, 0, 5)
    assert _dataset(store) == before


def test_two_fresh_builds_give_the_same_iris(seeds_copy: Path, tmp_path: Path) -> None:
    build([str(seeds_copy)], str(tmp_path / "a"))
    build([str(seeds_copy)], str(tmp_path / "b"))
    # Blank nodes (OWL lists in the ontology graph) get fresh labels on every load; all IRIs must match.
    assert _dataset(tmp_path / "a", skolem=False) == _dataset(tmp_path / "b", skolem=False)
    with kg.open(str(tmp_path / "a")) as graph:
        ids = [row["fact_id"] for row in graph.facts()]
    assert len(ids) == len(set(ids)) and all(i.startswith("https://w3id.org/kg/fact/") for i in ids)


def test_a_changed_document_replaces_only_its_own_facts(seeds_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(seeds_copy, folder)
    store = tmp_path / "kg.db"
    build([str(folder)], str(store))
    with kg.open(str(store)) as graph:
        before = graph.facts()
    changed = folder / "002_0477f6d369b79cc7.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n2022年，美团被市场监管总局罚款34.42亿元。\n",
                       encoding="utf-8")
    summary = build([str(folder)], str(store))
    assert (summary.written, summary.unchanged) == (1, 4)
    with kg.open(str(store)) as graph:
        after = graph.facts()
    others = lambda rows: [r["fact_id"] for r in rows if r["source"] != changed.name]  # noqa: E731
    assert others(after) == others(before)
    fines = [r for r in after if r["source"] == changed.name and r["predicate"] == "fines"]
    assert [(r["subject"], r["object"], r["amount"], r["unit"]) for r in fines] == [
        ("市场监管总局", "美团", 3442000000, "CNY")]
    kept = [r for r in before if r["source"] == changed.name]
    assert {r["fact_id"] for r in kept} <= {r["fact_id"] for r in after}


def test_a_build_with_nothing_to_do_leaves_the_files_and_kept_results(seeds_copy: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged rebuild never opens RocksDB for writing (which would rewrite its
    files and so void the results kept beside the store); a change still lands."""
    from kg import queries, result_cache
    from kg.store import open_store

    monkeypatch.setattr(result_cache, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(result_cache, "SETTLE_SECONDS", 0.0)
    folder = tmp_path / "articles"
    shutil.copytree(seeds_copy, folder)
    store = tmp_path / "kg.db"
    build([str(folder)], str(store))

    def fines() -> queries.Result:
        with open_store(store, read_only=True) as graph:
            return queries.run(graph, queries.load("fines-by-regulator"), {})

    assert not fines().cached and fines().cached
    files = result_cache.store_fingerprint(store)
    assert build([str(folder)], str(store)).written == 0
    assert result_cache.store_fingerprint(store) == files and fines().cached

    (folder / "new.txt").write_text("2021年4月10日，市场监管总局对美团处以罚款，即34.42亿元。", encoding="utf-8")
    assert build([str(folder)], str(store)).written == 1
    after = fines()
    assert not after.cached and any(row["companyLabel"] == "美团" for row in after.rows)


def test_an_edited_gazetteer_alone_is_loaded_by_the_next_build(seeds_copy: Path, tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    shutil.copytree(REPO / "ontology", ontology)
    store = tmp_path / "kg.db"
    build([str(seeds_copy)], str(store), ontology=str(ontology))
    (ontology / "entities-local.ttl").write_text(
        '@prefix kg: <https://w3id.org/kg/ontology#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
        '<https://w3id.org/kg/entity/dewu> a kg:App ; skos:prefLabel "得物"@zh .\n', encoding="utf-8")
    build([str(seeds_copy)], str(store), ontology=str(ontology))
    with kg.open(str(store)) as graph:
        assert graph.entity("得物")["type"] == "App"
