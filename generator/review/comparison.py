"""The review diff's comparison: two revisions' specs in, their changes, each breaking or not, out.

Each change is classified as breaking or not for the services that use the generated
mappers. Rows are matched by their fields (``generator.review.row_matching``); value maps
are compared pair by pair, named ones as the loader expanded them, so a changed named map
shows up in every row that uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.review.row_matching import match_rows, row_key, rows_moved
from generator.source.located_yaml import ScalarValue
from generator.source.spec import (
    COMPANY_SCOPES,
    MapSpec,
    MapType,
    Pair,
    RowSpec,
    ValueMapSpec,
    scalar_text,
)

_ARROW = "→"
_COMPANY_REASONS = {
    COMPANY_SCOPES[0]: "within companies",
    COMPANY_SCOPES[1]: "across companies",
    None: "without a declared company scope",
}


@dataclass(frozen=True)
class Change:
    """One semantic change of one template.

    ``row`` names the row as ``FINANCE <map type> DATAVERSE`` (as the newer spec writes it;
    a removed row as the older one did), or is None for a change of the whole template.
    ``old`` and ``new`` are the values before and after, as YAML users write them, or None
    where there was none.
    """

    module: str
    template: str
    kind: str
    breaking: bool
    row: str | None
    old: str | None
    new: str | None
    reason: str


ValueKey = tuple[str, str]


def _value_key(value: ScalarValue) -> ValueKey:
    """Equality as YAML means it: ``3``, ``3.0``, ``'3'`` and ``true`` are four values."""
    return (type(value).__name__, repr(value))


def _side(name: str | None) -> str:
    return "none" if name is None else name


def _row_label(row: RowSpec) -> str:
    finance = row.finance.text if row.finance else None
    dataverse = row.dataverse.text if row.dataverse else None
    return f"{_side(finance)} {row.map_type.value} {_side(dataverse)}"


def _pair_text(pair: Pair) -> str:
    return f"{scalar_text(pair.finance.value)} {_ARROW} {scalar_text(pair.dataverse.value)}"


def _values_text(values: ValueMapSpec) -> str:
    pairs = "; ".join(_pair_text(pair) for pair in values.pairs)
    return f"{values.name}: {pairs}" if values.name else pairs


def _row_text(row: RowSpec) -> str:
    parts = [_row_label(row)]
    if row.default is not None:
        parts.append(f"default {scalar_text(row.default.value)}")
    if row.values is not None:
        parts.append(f"values {_values_text(row.values)}")
    if row.keep_unmapped:
        parts.append("unmapped: keep")
    return ", ".join(parts)


def _directions(map_type: MapType) -> set[str]:
    return {
        name
        for name, present in (
            ("F&O to Dataverse", map_type.to_dataverse),
            ("Dataverse to F&O", map_type.to_finance),
        )
        if present
    }


@dataclass
class _TemplateDiff:
    """Collects one template's changes with their sort keys (template level first)."""

    module: str
    template: str
    changes: list[tuple[tuple[int, int, int, int], Change]] = field(default_factory=list)

    def add(
        self,
        order: tuple[int, int, int, int],
        kind: str,
        breaking: bool,
        row: str | None,
        old: str | None,
        new: str | None,
        reason: str,
    ) -> None:
        change = Change(self.module, self.template, kind, breaking, row, old, new, reason)
        self.changes.append((order, change))

    def sorted(self) -> list[Change]:
        # A stable sort: changes of one row keep the order they were found in.
        return [change for _, change in sorted(self.changes, key=lambda item: item[0])]


def _company(spec: MapSpec) -> str | None:
    if spec.company is None:
        return None
    return COMPANY_SCOPES[0] if spec.company.striped else COMPANY_SCOPES[1]


def _key(spec: MapSpec) -> tuple[str, ...]:
    return tuple(name.text.casefold() for name in spec.key)


def _key_text(spec: MapSpec) -> str | None:
    return ", ".join(name.text for name in spec.key) or None


def _verb(before: str | None, after: str | None) -> str:
    return "added" if before is None else "removed" if after is None else "changed"


def _template_level(diff: _TemplateDiff, old: MapSpec, new: MapSpec) -> None:
    position = iter(range(100))

    def add(kind: str, breaking: bool, before: str | None, after: str | None, why: str) -> None:
        diff.add((0, next(position), 0, 0), kind, breaking, None, before, after, why)

    for kind, before_name, after_name, system in (
        ("finance entity changed", old.finance.name, new.finance.name, "F&O entity"),
        ("dataverse table changed", old.dataverse.name, new.dataverse.name, "Dataverse table"),
    ):
        if before_name.text != after_name.text:
            add(
                kind,
                True,
                before_name.text,
                after_name.text,
                f"the template reads and writes another {system}",
            )
    for label, before, after, synced in (
        ("source filter", old.finance.filter, new.finance.filter, "F&O"),
        ("reversed source filter", old.dataverse.filter, new.dataverse.filter, "Dataverse"),
    ):
        old_text = None if before is None else str(before.value)
        new_text = None if after is None else str(after.value)
        if old_text == new_text:
            continue
        verb = _verb(old_text, new_text)
        add(
            f"{label} {verb}",
            True,
            old_text,
            new_text,
            f"a different set of {synced} records is synchronized",
        )
    old_scope, new_scope = _company(old), _company(new)
    if old_scope != new_scope:
        add(
            f"company {_verb(old_scope, new_scope)}",
            True,
            old_scope,
            new_scope,
            f"rows are identified {_COMPANY_REASONS[new_scope]}",
        )
    old_key, new_key = _key_text(old), _key_text(new)
    if _key(old) != _key(new):
        # A first key only adds row addresses; any other change moves or drops them.
        add(
            f"key {_verb(old_key, new_key)}",
            old_key is not None,
            old_key,
            new_key,
            "rows get addresses" if old_key is None else "rows are addressed by other fields",
        )
    if old.template != new.template:
        add("title changed", False, old.template, new.template, "only the template's title")
    if old.description != new.description:
        add(
            "description changed",
            False,
            old.description or None,
            new.description or None,
            "only the template's description",
        )


def _compare_values(
    add: Callable[[str, bool, str | None, str | None, str], None],
    old: ValueMapSpec | None,
    new: ValueMapSpec | None,
) -> None:
    if old is None and new is None:
        return
    if old is None:
        assert new is not None
        add(
            "value map added",
            True,
            None,
            _values_text(new),
            "values that were copied unchanged are now translated, and unlisted ones rejected",
        )
        return
    if new is None:
        add("value map removed", True, _values_text(old), None, "values are no longer translated")
        return
    if old.name != new.name:
        add(
            "value map reference changed",
            False,
            old.name or "(inline pairs)",
            new.name or "(inline pairs)",
            "where the pairs are written; the pairs themselves are compared one by one",
        )

    def keys(pair: Pair) -> tuple[ValueKey, ValueKey]:
        return _value_key(pair.finance.value), _value_key(pair.dataverse.value)

    remaining = list(new.pairs)
    leftover: list[Pair] = []
    for pair in old.pairs:
        same = next((other for other in remaining if keys(other) == keys(pair)), None)
        if same is None:
            leftover.append(pair)
        else:
            remaining.remove(same)
    for pair in leftover:
        finance, dataverse = keys(pair)
        changed = next((other for other in remaining if keys(other)[0] == finance), None)
        if changed is None:
            changed = next((other for other in remaining if keys(other)[1] == dataverse), None)
        if changed is None:
            add(
                "value pair removed",
                True,
                _pair_text(pair),
                None,
                "the value is no longer translated (it is rejected unless unmapped: keep)",
            )
        else:
            remaining.remove(changed)
            add(
                "value pair changed",
                True,
                _pair_text(pair),
                _pair_text(changed),
                "the value is translated differently",
            )
    for pair in remaining:
        add("value pair added", False, None, _pair_text(pair), "a value that was rejected maps")


def _compare_rows(
    diff: _TemplateDiff,
    old_row: RowSpec,
    new_row: RowSpec,
    renamed: bool,
    order: tuple[int, int, int, int],
) -> None:
    label = _row_label(new_row)

    def add(kind: str, breaking: bool, before: str | None, after: str | None, why: str) -> None:
        diff.add(order, kind, breaking, label, before, after, why)

    if renamed:
        side = "finance" if row_key(old_row)[1] == row_key(new_row)[1] else "dataverse"
        old_name = old_row.finance if side == "finance" else old_row.dataverse
        new_name = new_row.finance if side == "finance" else new_row.dataverse
        assert old_name is not None and new_name is not None
        add(
            "renamed",
            True,
            old_name.text,
            new_name.text,
            f"the {side} field {old_name.text} is no longer mapped; {new_name.text} is",
        )
    if old_row.map_type is not new_row.map_type:
        old_directions = _directions(old_row.map_type)
        new_directions = _directions(new_row.map_type)
        dropped = sorted(old_directions - new_directions)
        gained = sorted(new_directions - old_directions)
        if dropped and gained:
            kind, why = "direction changed", f"no longer maps {dropped[0]}; maps {gained[0]}"
        elif dropped:
            kind, why = "direction narrowed", f"no longer maps {dropped[0]}"
        elif gained:
            kind, why = "direction widened", f"now also maps {gained[0]}"
        else:
            kind, why = "map type changed", "the same directions; value-map changes are listed"
        add(kind, bool(dropped), old_row.map_type.value, new_row.map_type.value, why)
    old_default = None if old_row.default is None else old_row.default.value
    new_default = None if new_row.default is None else new_row.default.value
    if old_row.default is None and new_row.default is not None:
        add("default added", True, None, scalar_text(new_default), "a new value is written")
    elif old_row.default is not None and new_row.default is None:
        add("default removed", True, scalar_text(old_default), None, "a value is no longer written")
    elif _value_key(old_default) != _value_key(new_default):
        add(
            "default changed",
            True,
            scalar_text(old_default),
            scalar_text(new_default),
            "a different value is written",
        )
    if old_row.keep_unmapped != new_row.keep_unmapped:
        policies = {False: "error", True: "keep"}
        add(
            "unmapped policy changed",
            True,
            policies[old_row.keep_unmapped],
            policies[new_row.keep_unmapped],
            "values the map does not list are "
            + ("now passed through" if new_row.keep_unmapped else "now rejected"),
        )
    _compare_values(add, old_row.values, new_row.values)


def _compare_template(old: MapSpec, new: MapSpec) -> list[Change]:
    diff = _TemplateDiff(new.module, new.template)
    _template_level(diff, old, new)
    matched, renamed = match_rows(old.rows, new.rows)
    moved = rows_moved(matched)
    if moved:
        diff.add(
            (0, 100, 0, 0),
            "rows reordered",
            False,
            None,
            None,
            f"{moved} row{'s' * (moved != 1)} moved",
            "rows are independent: their order does not change what is written",
        )
    new_positions = set(matched.values())
    for position, row in enumerate(new.rows):
        if position not in new_positions:
            diff.add(
                (1, position, 0, 0),
                "row added",
                False,
                _row_label(row),
                None,
                _row_text(row),
                "a field is newly mapped",
            )
    anchor = -1
    for position, row in enumerate(old.rows):
        if position in matched:
            anchor = matched[position]
            new_row = new.rows[anchor]
            _compare_rows(
                diff,
                row,
                new_row,
                position in renamed,
                (1, anchor, 0, 0),
            )
        else:
            # A removed row is listed where it stood: after the row that preceded it.
            diff.add(
                (1, anchor, 1, position),
                "row removed",
                True,
                _row_label(row),
                _row_text(row),
                None,
                "a field is no longer mapped",
            )
    return diff.sorted()


def _template_summary(spec: MapSpec) -> str:
    rows = len(spec.rows)
    return f"{spec.finance.name.text} ↔ {spec.dataverse.name.text}, {rows} row{'s' * (rows != 1)}"


def compare(old: dict[str, MapSpec], new: dict[str, MapSpec]) -> list[Change]:
    """The changes from ``old`` to ``new`` (module -> spec), by module, then in spec order."""
    changes: list[Change] = []
    for module in sorted(old.keys() | new.keys()):
        before, after = old.get(module), new.get(module)
        if after is None:
            assert before is not None
            changes.append(
                Change(
                    module,
                    before.template,
                    "template removed",
                    True,
                    None,
                    _template_summary(before),
                    None,
                    f"the generated module {module} is gone",
                )
            )
        elif before is None:
            changes.append(
                Change(
                    module,
                    after.template,
                    "template added",
                    False,
                    None,
                    None,
                    _template_summary(after),
                    "a new generated module",
                )
            )
        else:
            changes.extend(_compare_template(before, after))
    return changes
