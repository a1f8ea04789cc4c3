"""A progress display for long builds: on stderr, only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any


class BuildProgress:
    """A live line with documents, facts and throughput (rich), silent when not a TTY."""

    def __init__(self, enabled: bool = True, min_interval: float = 0.2) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.min_interval = min_interval
        self._last = 0.0
        self._progress: Any = None
        self._task: Any = None
        self._started = time.perf_counter()

    def __enter__(self) -> "BuildProgress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=Console(stderr=True), transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task("building", total=None)
        return self

    def update(self, summary: Any) -> None:
        """Refresh from a :class:`kg.api.BuildSummary` (rate-limited)."""
        if not self._progress:
            return
        now = time.perf_counter()
        if now - self._last < self.min_interval:
            return
        self._last = now
        rate = summary.chars / 1000 / max(now - self._started, 1e-6)
        self._progress.update(self._task, description=(
            f"{summary.documents} documents ({summary.unchanged} unchanged, {len(summary.skipped)} skipped), "
            f"{summary.facts} facts, {rate:.0f} KB/s"))

    def __exit__(self, *exc: object) -> None:
        if self._progress:
            self._progress.__exit__(*exc)


class Working:
    """A spinner with a description and the time elapsed, on stderr while a long
    read runs (``kg facts``, ``kg query``, ``kg export`` on a big store); nothing
    when stderr is not a terminal.  It vanishes when the work is done."""

    def __init__(self, description: str, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.description = description
        self._progress: Any = None

    def __enter__(self) -> "Working":
        if getattr(self.stream, "isatty", lambda: False)():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=Console(file=self.stream), transient=True)
            self._progress.__enter__()
            self._progress.add_task(self.description, total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress:
            self._progress.__exit__(*exc)
