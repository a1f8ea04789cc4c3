"""Word lists and small mapping tables kept as data under ``ontology/lexicon/``.

* ``ontology/lexicon/words/NAME.txt``: one word a line (``#`` starts a comment;
  ``word => canonical`` maps a variant to a normal form); rules refer to a list as ``@NAME``.
* ``ontology/lexicon/NAME.json``: small mappings (modality cues, means, metric
  names, entity type words).

An analyst adds a trigger word by adding a line to a text file: no Python.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any


def ontology_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The ontology folder: the argument, ``$KG_ONTOLOGY_DIR``, or the one beside the package."""
    if override:
        return Path(override)
    env = os.environ.get("KG_ONTOLOGY_DIR")
    if env:
        return Path(env)
    return _BUNDLED


_BUNDLED = Path(__file__).resolve().parent.parent / "ontology"


def _read_lines(path: Path) -> list[tuple[str, str]]:
    """(word, canonical) pairs of a list file; ``word => canonical`` maps a word, else canonical = word."""
    pairs: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, canonical = line.partition("=>")
        pairs.append((word.strip(), canonical.strip() or word.strip()))
    return pairs


def word_lists(base: str | None = None) -> dict[str, tuple[str, ...]]:
    """Every ``words/*.txt`` list, by file stem (cached per resolved folder)."""
    return _word_lists(str(ontology_dir(base)))


def word_map(name: str, base: str | None = None) -> dict[str, str]:
    """The ``word => canonical`` mapping of ``words/NAME.txt``."""
    return _word_map(name, str(ontology_dir(base)))


def table(name: str, base: str | None = None) -> Any:
    """The JSON mapping ``lexicon/NAME.json``."""
    return _table(name, str(ontology_dir(base)))


@lru_cache(maxsize=8)
def _word_lists(folder: str) -> dict[str, tuple[str, ...]]:
    words = Path(folder) / "lexicon" / "words"
    return {p.stem: tuple(dict.fromkeys(w for w, _ in _read_lines(p))) for p in sorted(words.glob("*.txt"))}


@lru_cache(maxsize=32)
def _word_map(name: str, folder: str) -> dict[str, str]:
    path = Path(folder) / "lexicon" / "words" / f"{name}.txt"
    return dict(_read_lines(path)) if path.exists() else {}


@lru_cache(maxsize=32)
def _table(name: str, folder: str) -> Any:
    path = Path(folder) / "lexicon" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))
