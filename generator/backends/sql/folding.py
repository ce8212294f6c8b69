"""Case folding in SQL: a column and the folded keys it is compared with in, an expression out.

F&O matches strings as Python's ``str.casefold()`` does. SQL's ``lower()`` differs from it
for a few characters (``ß`` folds to ``ss``, the Kelvin sign to ``k``), so those that can
fold into a key's characters are replaced first. With keys in ASCII, a value that still has
a non-ASCII character after the replacements can't fold to any key, and comparing its
``lower()`` would risk the engines' own Unicode tables: it folds to NULL instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.backends.sql.dialects import Dialect

# Every non-ASCII character whose casefold is ASCII, with that fold. Finding them means
# casefolding all of Unicode, a second per run, so they are listed; a test checks the list.
ASCII_FOLDS = (
    ("\u00df", "ss"),  # ß
    ("\u017f", "s"),  # long s
    ("\u1e9e", "ss"),  # capital sharp s
    ("\u212a", "k"),  # Kelvin sign
    ("\ufb00", "ff"),
    ("\ufb01", "fi"),
    ("\ufb02", "fl"),
    ("\ufb03", "ffi"),
    ("\ufb04", "ffl"),
    ("\ufb05", "st"),
    ("\ufb06", "st"),
)


def fold_expression(dialect: Dialect, expression: str, keys: Iterable[str]) -> str:
    """SQL for ``expression.casefold()`` as far as comparing it with ``keys`` needs."""
    keys = list(keys)
    letters = set("".join(keys))
    if not all(key.isascii() for key in keys):
        # Beyond ASCII the engines' lower() is the best available; the README says so.
        return f"lower({expression})"
    replaced = expression
    for character, folded in ASCII_FOLDS:
        if set(folded) <= letters:
            replaced = f"replace({replaced}, {dialect.string(character)}, {dialect.string(folded)})"
    return (
        f"CASE WHEN {dialect.byte_length(replaced)} = length({replaced}) "
        f"THEN lower({replaced}) END"
    )
