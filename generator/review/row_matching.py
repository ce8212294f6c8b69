"""Row matching for the review diff: two revisions' rows in, which old row is which new row out.

Rows are identified by their fields, not by their position: ``(finance field, dataverse
field)``, casefolded (names resolve case-insensitively), with ``none`` as a side of its own.
"""

from __future__ import annotations

import bisect

from generator.source.spec import RowSpec

RowKey = tuple[str | None, str | None]


def _field_key(name: str | None) -> str | None:
    return None if name is None else name.casefold()


def row_key(row: RowSpec) -> RowKey:
    return (
        _field_key(row.finance.text if row.finance else None),
        _field_key(row.dataverse.text if row.dataverse else None),
    )


def match_rows(
    old_rows: tuple[RowSpec, ...], new_rows: tuple[RowSpec, ...]
) -> tuple[dict[int, int], set[int]]:
    """Old position -> new position for rows that are the same row; and which were renamed.

    Rows match first by identity (the n-th old row with some identity matches the n-th new
    row with it). Among the rest, an old and a new row that name the same field on one side
    and different fields (neither ``none``) on the other are one renamed row; a pair at the
    same position in the row list is preferred, then the nearest position.
    """
    by_key: dict[RowKey, list[int]] = {}
    for position, row in enumerate(new_rows):
        by_key.setdefault(row_key(row), []).append(position)
    matched: dict[int, int] = {}
    for position, row in enumerate(old_rows):
        candidates = by_key.get(row_key(row))
        if candidates:
            matched[position] = candidates.pop(0)
    unmatched_new = set(range(len(new_rows))) - set(matched.values())
    unmatched_old = [position for position in range(len(old_rows)) if position not in matched]

    def renames(old_position: int, new_position: int) -> bool:
        old_key, new_key = row_key(old_rows[old_position]), row_key(new_rows[new_position])
        if None in old_key or None in new_key:
            return False
        return (old_key[0] == new_key[0]) != (old_key[1] == new_key[1])

    renamed: set[int] = set()
    for same_position_only in (True, False):
        for old_position in unmatched_old:
            if old_position in matched:
                continue
            nearest = sorted(
                (abs(new_position - old_position), new_position)
                for new_position in unmatched_new
                if renames(old_position, new_position)
                and (new_position == old_position or not same_position_only)
            )
            if nearest:
                new_position = nearest[0][1]
                matched[old_position] = new_position
                unmatched_new.discard(new_position)
                renamed.add(old_position)
    return matched, renamed


def rows_moved(matched: dict[int, int]) -> int:
    """How many matched rows changed place: those outside a longest run kept in order."""
    tails: list[int] = []
    for old_position in sorted(matched):
        new_position = matched[old_position]
        index = bisect.bisect_left(tails, new_position)
        if index == len(tails):
            tails.append(new_position)
        else:
            tails[index] = new_position
    return len(matched) - len(tails)
