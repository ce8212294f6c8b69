"""The progress line: rows done in, "rows, rows/s, retries, time left" on a terminal out.

Silent with --quiet or when stderr is not a terminal, so logs get no control characters.
Redrawn at most five times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from generator.load.transport import Counters


class Progress:
    def __init__(
        self, total: int, counters: Counters, quiet: bool, stream: TextIO | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and self.stream.isatty()
        self.total = total
        self.counters = counters
        self.done = 0
        self.skipped = 0
        self.started = time.monotonic()
        self.shown = 0.0

    def skip(self) -> None:
        """A row the journal says is upserted already."""
        self.skipped += 1
        self.done += 1

    def second_pass(self, rows: int) -> None:
        self.total += rows

    def advance(self, rows: int) -> None:
        self.done += rows
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self._draw(now, end="")

    def finish(self) -> None:
        if self.enabled:
            self._draw(time.monotonic(), end="\n")

    def _draw(self, now: float, end: str) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = (self.done - self.skipped) / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        self.stream.write(
            f"\r{self.done:,}/{self.total:,} rows, {rate:,.0f} rows/s, "
            f"{self.counters.retries:,} retries, {left:,.0f} s left  {end}"
        )
        self.stream.flush()
