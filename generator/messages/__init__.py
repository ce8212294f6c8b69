"""The message catalog: every diagnostic tablemap reports, with a stable code and severity.

One module per group of stages, one namespace: ``messages.NAME`` wherever it is defined.

Codes never change meaning once released; a retired code is not reused. Ranges by stage:
TM0xx reading YAML, TM1xx the spec language, TM2xx entity schemas, TM3xx binding and
validation, TM4xx filters, TM5xx the project and its outputs (and the environment),
TM6xx import from reference pages, TM7xx the review diff, TM8xx schema import from
$metadata, TM90x bulk runs, TM95x-TM97x loading, TM99x reconciling. The README lists
them all (a test keeps it complete).
"""

from __future__ import annotations

from generator.diagnostics import Message
from generator.messages import binding, loading, project, reading, reconciling, tools
from generator.messages.binding import *  # noqa: F403
from generator.messages.loading import *  # noqa: F403
from generator.messages.project import *  # noqa: F403
from generator.messages.reading import *  # noqa: F403
from generator.messages.reconciling import *  # noqa: F403
from generator.messages.tools import *  # noqa: F403


def catalog() -> list[Message]:
    """Every message, in code order (for the README and its test)."""
    found = [
        value
        for module in (reading, binding, project, tools, loading, reconciling)
        for value in vars(module).values()
        if isinstance(value, Message)
    ]
    return sorted(found, key=lambda message: message.code)
