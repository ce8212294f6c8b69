"""The progress line: row counts in, "N rows read, R rows/s" on a terminal's stderr out.

Silent when stderr is not a terminal or with --quiet, so logs and pipes get no control
characters. Redrawn at most five times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and self.stream.isatty()
        self.started = time.monotonic()
        self.shown = 0.0

    def rows(self, count: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.shown < 0.2:
            return
        self.shown = now
        rate = count / max(now - self.started, 1e-9)
        self.stream.write(f"\r{count:,} rows read, {rate:,.0f} rows/s")
        self.stream.flush()

    def done(self, count: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.stream.write(f"\r{count:,} rows read, {count / elapsed:,.0f} rows/s\n")
        self.stream.flush()
