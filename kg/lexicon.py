"""The gazetteer: ``ontology/entities*.ttl`` read into plain Python lookups.

Every entity the extractor knows by name lives in ``ontology/entities.ttl``
(plus any ``ontology/entities-*.ttl`` an analyst adds, e.g.
``entities-local.ttl``).  This module parses those files once per process and
folder (with pyoxigraph: a few milliseconds) into a :class:`Gazetteer`:

* ``entities``: IRI → :class:`~kg.models.Entity` (label = the @zh prefLabel,
  ``aliases`` = every pref/alt/hidden label in any language, the pref first);
* ``alias_index``: surface form → IRI (exact strings; longest-match use is the
  matcher's job);
* ``ambiguous`` (IRIs) and ``ambiguous_aliases`` (surface forms) for names that
  are also ordinary words and need context (see ``kg:ambiguous`` in the
  header of ``entities.ttl``);
* ``core``: IRIs of the entities central to the field (never ablated);
* ``class_parents``: class local name → parent local name within kg:, from
  ``kg.ttl``; every kg: class is a key, the roots (Organization, Product,
  Person, Event, Document, Mention) map to ``None``.

Example::

    >>> from kg.lexicon import load_gazetteer
    >>> gaz = load_gazetteer()
    >>> gaz.lookup("阿里").label
    '阿里巴巴'
    >>> gaz.is_a("MiniProgram", "Product")
    True
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from kg.models import Entity
from kg.vocabulary import ENT, KG, OWL, RDF, RDFS, SKOS, WD
from kg.wordlists import ontology_dir

__all__ = [
    "Gazetteer",
    "ablation_exclusions",
    "gazetteer_files",
    "load_gazetteer",
    "ontology_path",
    "user_words",
]

log = logging.getLogger(__name__)

_TYPE = RDF + "type"
_SUBCLASS = RDFS + "subClassOf"
_OWL_CLASS = OWL + "Class"
_PREF = SKOS + "prefLabel"
_ALT = SKOS + "altLabel"
_HIDDEN = SKOS + "hiddenLabel"
_SAME_AS = OWL + "sameAs"
_LABEL_PREDICATES = (_PREF, _ALT, _HIDDEN)


@dataclass
class Gazetteer:
    """The entities of the gazetteer and the lookups built from them.

    Loaded gazetteers are cached and shared: treat every field as read-only.
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    alias_index: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    ambiguous_aliases: set[str] = field(default_factory=set)
    core: set[str] = field(default_factory=set)
    class_parents: dict[str, str | None] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)
    #: surface form → every IRI that claims it, where more than one does.
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: files the gazetteer was read from
    sources: tuple[str, ...] = ()
    _folded: dict[str, str] = field(default_factory=dict, repr=False)

    def is_a(self, type_name: str, ancestor: str) -> bool:
        """True when class ``type_name`` is ``ancestor`` or below it (local names, kg: tree)."""
        seen: set[str] = set()
        current: str | None = type_name
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            current = self.class_parents.get(current)
        return False

    def ancestors(self, type_name: str) -> list[str]:
        """``type_name`` and its kg: superclasses, nearest first."""
        out: list[str] = []
        current: str | None = type_name
        while current is not None and current not in out:
            out.append(current)
            current = self.class_parents.get(current)
        return out

    def lookup(self, name: str) -> Entity | None:
        """The entity called ``name``: any label or alias, case-insensitive for
        Latin letters, or its IRI, or its ``ent:`` local name."""
        name = name.strip()
        if not name:
            return None
        iri = self.alias_index.get(name) or self._folded.get(name.casefold())
        if iri is None:
            if name.startswith("ent:"):
                name = ENT + name[4:]
            iri = name if name in self.entities else ENT + name if ENT + name in self.entities else None
        return self.entities.get(iri) if iri else None

    def owner_chain(self, iri: str) -> list[str]:
        """The owners of ``iri`` from the gazetteer's ``kg:ownedBy``, nearest first."""
        chain: list[str] = []
        entity = self.entities.get(iri)
        while entity is not None and entity.owner and entity.owner not in chain and entity.owner != iri:
            chain.append(entity.owner)
            entity = self.entities.get(entity.owner)
        return chain

    def needs_context(self, surface: str) -> bool:
        """True when ``surface`` is a name that is also an ordinary word (快的, 来往)."""
        return surface in self.ambiguous_aliases

    def __len__(self) -> int:
        return len(self.entities)


#: The ontology folder: the argument, ``$KG_ONTOLOGY_DIR``, or ``ontology/`` beside the package.
ontology_path = ontology_dir


def gazetteer_files(path: str | os.PathLike[str] | None = None) -> tuple[Path, list[Path]]:
    """``(kg.ttl, [entities*.ttl ...])`` for an ontology folder or one entities file.

    A folder gives every ``entities*.ttl`` in it, ``entities.ttl`` first, then the
    others by name.  A file gives just that file (and the ``kg.ttl`` beside it).
    """
    p = ontology_path(path)
    if p.is_file():
        return p.parent / "kg.ttl", [p]
    if not p.is_dir():
        raise FileNotFoundError(f"no ontology folder or gazetteer file at {p}")
    files = sorted(p.glob("entities*.ttl"), key=lambda f: (f.name != "entities.ttl", f.name))
    if not files:
        raise FileNotFoundError(f"no entities*.ttl in {p}")
    return p / "kg.ttl", files


def load_gazetteer(path: str | os.PathLike[str] | None = None, exclude: Collection[str] = ()) -> Gazetteer:
    """The gazetteer of an ontology folder (default: see :func:`ontology_path`).

    ``path`` may also be a single entities file.  ``exclude`` drops entities
    (IRIs, ``ent:`` local names or preferred labels), as the ablation test does;
    owners that were dropped are cleared.  Parsed once per folder and file
    modification times, then cached.
    """
    ontology, files = gazetteer_files(path)
    stamp = tuple((str(f.resolve()), _mtime(f)) for f in [ontology, *files])
    return _load(stamp, frozenset(exclude))


def user_words(gazetteer: Gazetteer, include_ambiguous: bool = False) -> set[tuple[str, str]]:
    """``(surface, IRI)`` pairs to add to jieba as user words so names are never split.

    Single characters are left out, and so, unless asked, are names that are also
    ordinary words (forcing 快的 or 来往 as words would change how jieba cuts
    ordinary sentences); the matcher still knows them from ``alias_index``.
    """
    return {
        (surface, iri)
        for surface, iri in gazetteer.alias_index.items()
        if len(surface) > 1 and (include_ambiguous or surface not in gazetteer.ambiguous_aliases)
    }


def ablation_exclusions(gazetteer: Gazetteer, fraction: float = 1 / 3, seed: int = 13) -> frozenset[str]:
    """A fixed, seeded choice of ``fraction`` of the non-core entities (IRIs), for the ablation test."""
    candidates = sorted(iri for iri in gazetteer.entities if iri not in gazetteer.core)
    k = round(len(candidates) * fraction)
    return frozenset(random.Random(seed).sample(candidates, k))


# ---------------------------------------------------------------------------- internals


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def _triples(path: Path) -> Iterable[tuple[str, str, object]]:
    for quad in parse(path=str(path), format=RdfFormat.TURTLE):
        s, p, o = quad.subject, quad.predicate, quad.object
        if isinstance(s, NamedNode):
            yield s.value, p.value, o


@lru_cache(maxsize=16)
def _load(stamp: tuple[tuple[str, float], ...], exclude: frozenset[str]) -> Gazetteer:
    ontology = Path(stamp[0][0])
    files = [Path(f) for f, _ in stamp[1:]]
    gaz = Gazetteer(sources=tuple(str(f) for f in files))

    if ontology.is_file():
        for s, p, o in _triples(ontology):
            if not s.startswith(KG):
                continue
            local = s[len(KG):]
            if p == _TYPE and isinstance(o, NamedNode) and o.value == _OWL_CLASS:
                gaz.classes.add(local)
            elif p == _SUBCLASS and isinstance(o, NamedNode) and o.value.startswith(KG):
                gaz.class_parents[local] = o.value[len(KG):]
        for local in gaz.classes:
            gaz.class_parents.setdefault(local, None)
    else:
        log.warning("no ontology file %s: class tree unknown", ontology)

    types: dict[str, str] = {}
    pref_zh: dict[str, str] = {}
    pref_en: dict[str, str] = {}
    labels: dict[str, list[tuple[str, str]]] = {}  # iri → [(kind, text)] in file order
    owners: dict[str, str] = {}
    wikidata: dict[str, str] = {}
    flags: dict[str, set[str]] = {}
    amb_labels: dict[str, list[str]] = {}

    for path in files:
        for s, p, o in _triples(path):
            if p == _TYPE and isinstance(o, NamedNode) and o.value.startswith(KG):
                local = o.value[len(KG):]
                if s in types and types[s] != local:
                    log.warning("%s has two classes (%s, %s): keeping %s", s, types[s], local, types[s])
                types.setdefault(s, local)
            elif p in _LABEL_PREDICATES and isinstance(o, Literal):
                text = o.value.strip()
                if not text:
                    continue
                lang = (o.language or "").lower()
                if p == _PREF and lang == "zh":
                    pref_zh.setdefault(s, text)
                elif p == _PREF and lang.startswith("en"):
                    pref_en.setdefault(s, text)
                labels.setdefault(s, []).append((p, text))
            elif p == KG + "ownedBy" and isinstance(o, NamedNode):
                owners.setdefault(s, o.value)
            elif p == KG + "wikidata" and isinstance(o, Literal):
                wikidata[s] = o.value.strip()
            elif p == _SAME_AS and isinstance(o, NamedNode) and o.value.startswith(WD):
                wikidata.setdefault(s, o.value[len(WD):])
            elif p in (KG + "core", KG + "ambiguous", KG + "discovered") and isinstance(o, Literal):
                if o.value.strip().lower() in ("true", "1"):
                    flags.setdefault(s, set()).add(p[len(KG):])
            elif p == KG + "ambiguousLabel" and isinstance(o, Literal):
                amb_labels.setdefault(s, []).append(o.value.strip())

    dropped = _resolve_exclusions(exclude, types, pref_zh)

    claims: dict[str, list[tuple[int, str]]] = {}
    for iri, type_name in types.items():
        if iri in dropped:
            continue
        label = pref_zh.get(iri) or next((t for k, t in labels.get(iri, []) if k == _PREF), None)
        if label is None:
            log.warning("gazetteer entity %s has no skos:prefLabel: skipped", iri)
            continue
        ordered = [label]
        if iri in pref_en:
            ordered.append(pref_en[iri])
        for kind in _LABEL_PREDICATES:
            ordered.extend(t for k, t in labels.get(iri, []) if k == kind)
        aliases = tuple(dict.fromkeys(ordered))
        owner = owners.get(iri)
        if owner in dropped:
            owner = None
        entity = Entity(iri=iri, label=label, type=type_name, label_en=pref_en.get(iri), aliases=aliases,
                        wikidata=wikidata.get(iri), owner=owner)
        gaz.entities[iri] = entity
        own_flags = flags.get(iri, set())
        if "core" in own_flags:
            gaz.core.add(iri)
        if "ambiguous" in own_flags:
            gaz.ambiguous.add(iri)
            gaz.ambiguous_aliases.update(amb_labels.get(iri) or aliases)
        for alias in aliases:
            # pref labels outrank alt/hidden labels when two entities claim a form
            rank = 0 if alias in (label, pref_en.get(iri)) else 1
            claims.setdefault(alias, []).append((rank, iri))

    for alias, claimants in claims.items():
        claimants.sort(key=lambda c: c[0])
        gaz.alias_index[alias] = claimants[0][1]
        iris = tuple(dict.fromkeys(iri for _, iri in claimants))
        if len(iris) > 1:
            gaz.conflicts[alias] = iris
            log.warning("gazetteer alias %r names %d entities: %s", alias, len(iris), ", ".join(iris))
        gaz._folded.setdefault(alias.casefold(), claimants[0][1])
    return gaz


def _resolve_exclusions(exclude: frozenset[str], types: dict[str, str], pref_zh: dict[str, str]) -> set[str]:
    if not exclude:
        return set()
    by_label = {label: iri for iri, label in pref_zh.items()}
    dropped: set[str] = set()
    for item in exclude:
        if item in types:
            dropped.add(item)
        elif item.startswith("ent:") and ENT + item[4:] in types:
            dropped.add(ENT + item[4:])
        elif ENT + item in types:
            dropped.add(ENT + item)
        elif item in by_label:
            dropped.add(by_label[item])
    return dropped
