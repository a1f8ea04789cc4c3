"""Pause Python's cyclic garbage collector while a big table of plain values is built.

Every new dict or list counts as an allocation, so building 100k+ rows sets off
hundreds of collections, and each older-generation one walks every row built so
far; rows of strings and numbers form no cycles, so they find nothing. Pausing
saves 15-35% of such work (the fact table of 292k rows: 24.9 → 21.2 s). The
collector's state is restored afterwards, also on an error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """A context manager (and decorator) that disables ``gc`` inside and restores its state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
