"""Reconciling: messages of TM99x (``python -m generator reconcile``)."""

from __future__ import annotations

from generator.diagnostics import Message, Severity

E = Severity.ERROR

RECONCILE_NO_KEY = Message(
    "TM990",
    E,
    "{module} has no integration key, so the rows of the two exports can't be paired: add "
    "`key: [FIELD, ...]` to the spec",
)
RECONCILE_SAME_INPUT = Message(
    "TM991",
    E,
    "--finance and --dataverse name the same export: give the F&O export and the Dataverse "
    "export of the map",
)
