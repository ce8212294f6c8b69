"""Case folding in SQL: a column and the folded keys it is compared with in, an expression out.

F&O matches strings as Python's ``str.casefold()`` does. SQL's ``lower()`` differs from it
for a few characters (``ß`` folds to ``ss``, the Kelvin sign to ``k``), so those that can
fold into a key's characters are replaced first. With keys in ASCII, a value that still has
a non-ASCII character after the replacements can't fold to any key, and comparing its
``lower()`` would risk the engines' own Unicode tables: it folds to NULL instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import cache

from generator.backends.sql.dialects import Dialect


@cache
def _ascii_folds() -> tuple[tuple[str, str], ...]:
    """Every non-ASCII character whose casefold is ASCII, with that fold."""
    found = []
    for point in range(0x80, sys.maxunicode + 1):
        character = chr(point)
        folded = character.casefold()
        if folded.isascii() and folded != character:
            found.append((character, folded))
    return tuple(found)


def fold_expression(dialect: Dialect, expression: str, keys: Iterable[str]) -> str:
    """SQL for ``expression.casefold()`` as far as comparing it with ``keys`` needs."""
    keys = list(keys)
    letters = set("".join(keys))
    if not all(key.isascii() for key in keys):
        # Beyond ASCII the engines' lower() is the best available; the README says so.
        return f"lower({expression})"
    replaced = expression
    for character, folded in _ascii_folds():
        if set(folded) <= letters:
            replaced = f"replace({replaced}, {dialect.string(character)}, {dialect.string(folded)})"
    return (
        f"CASE WHEN {dialect.byte_length(replaced)} = length({replaced}) "
        f"THEN lower({replaced}) END"
    )
