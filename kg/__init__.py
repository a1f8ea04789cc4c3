"""kg: knowledge graphs from Chinese news about the platform economy.

>>> import kg
>>> kg.build(["seeds/"], store="kg.db")      # doctest: +SKIP
>>> graph = kg.open("kg.db")                  # doctest: +SKIP
>>> graph.facts(predicate="blocks")           # doctest: +SKIP
"""

from kg.api import BuildSummary, KnowledgeGraph, __version__, build, open
from kg.models import PREDICATES, Document, Entity, EventFact, Mention, Sentence

__all__ = sorted([
    "BuildSummary",
    "Document",
    "Entity",
    "EventFact",
    "KnowledgeGraph",
    "Mention",
    "PREDICATES",
    "Sentence",
    "__version__",
    "build",
    "open",
])
