"""Value checks: a spec's default or value-map scalar and its column in, a canonical value out.

Everything a constant must satisfy to be written to its column is checked here, once,
at generate time: JSON type, enum membership, option values, length, range, finiteness.
"""

from __future__ import annotations

import math

from generator import messages
from generator.diagnostics import Diagnostics, Location, Message, suggestion
from generator.source.entity_schema import Column, Kind
from generator.source.located_yaml import Scalar, ScalarValue
from generator.source.spec import MapType, scalar_text


def describe(column: Column) -> str:
    """A column's type as messages name it."""
    if column.is_enum:
        return f"enum {column.enum_type}"
    if column.options:
        return "option set"
    return column.kind.value


def compatible(source: Column, target: Column) -> bool:
    """Whether copying a value of ``source`` into ``target`` keeps its type."""
    if Kind.ANY in (source.kind, target.kind):
        return True
    if source.kind is target.kind:
        return source.is_enum == target.is_enum
    return source.kind is Kind.INTEGER and target.kind is Kind.NUMBER


def fold_key(value: ScalarValue) -> object:
    """How a finance value is matched: strings without regard to case, as F&O compares them."""
    if isinstance(value, str):
        return value.casefold()
    return (isinstance(value, bool), value)


class ValueChecker:
    def __init__(self, diagnostics: Diagnostics) -> None:
        self.diagnostics = diagnostics
        self.failed = False

    def error(self, location: Location, message: Message, **fields: object) -> None:
        self.failed = True
        self.diagnostics.report(message, location, **fields)

    def value_for(self, column: Column, scalar: Scalar, role: str) -> tuple[bool, ScalarValue]:
        """Check that ``scalar`` fits ``column``; give its canonical value."""
        value = scalar.value
        if isinstance(value, float) and not math.isfinite(value):
            # JSON has no NaN or infinity: no service accepts one, whatever the column.
            self.error(scalar.location, messages.VALUE_NOT_FINITE, role=role, value=value)
            return False, None
        if value is None or column.kind is Kind.ANY:
            return True, value
        if column.is_enum:
            member = None
            if isinstance(value, str):
                member = column.enum_member(value)
            elif type(value) is int:
                member = column.enum_member_by_value(value)
            if member is not None:
                return True, member
            members = [name for name, _ in column.enum_values]
            self.error(
                scalar.location,
                messages.VALUE_NOT_ENUM_MEMBER,
                role=role,
                value=scalar_text(value),
                enum=column.enum_type,
                name=column.name,
                hint=suggestion(str(value), members),
                members=", ".join(members),
            )
            return False, None
        if column.options and type(value) is int and value not in dict(column.options):
            options = ", ".join(
                f"{number} ({label})" if label else str(number) for number, label in column.options
            )
            self.error(
                scalar.location,
                messages.VALUE_NOT_OPTION,
                role=role,
                value=value,
                name=column.name,
                options=options,
            )
            return False, None
        if not column.kind.admits(value):
            self.error(
                scalar.location,
                messages.VALUE_WRONG_TYPE,
                role=role,
                value=scalar_text(value),
                name=column.name,
                type=describe(column),
            )
            return False, None
        return self.within_constraints(column, scalar, role)

    def within_constraints(
        self, column: Column, scalar: Scalar, role: str
    ) -> tuple[bool, ScalarValue]:
        value = scalar.value
        limit = column.constraints.max_length
        if isinstance(value, str) and limit is not None and len(value) > limit:
            self.error(
                scalar.location,
                messages.VALUE_TOO_LONG,
                role=role,
                name=column.name,
                limit=limit,
                length=len(value),
            )
            return False, None
        low, high = column.bounds
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and ((low is not None and value < low) or (high is not None and value > high))
        ):
            self.error(
                scalar.location,
                messages.VALUE_OUT_OF_RANGE,
                role=role,
                value=value,
                name=column.name,
                low=low,
                high=high,
            )
            return False, None
        return True, value

    def one_to_one(
        self, map_type: MapType, pairs: list[tuple[ScalarValue, ScalarValue]], location: Location
    ) -> bool:
        """Each direction a value map is read in must find at most one pair per value."""
        sides = []
        if map_type.to_dataverse:
            sides.append((0, "finance and operations"))
        if map_type.to_finance:
            sides.append((1, "Dataverse"))
        ok = True
        for index, label in sides:
            seen: dict[object, int] = {}
            for number, pair in enumerate(pairs):
                value = pair[index]
                # Finance values are looked up case-insensitively, so 'No' and 'no' collide.
                key = fold_key(value) if index == 0 else (isinstance(value, bool), value)
                if key in seen:
                    self.error(
                        location,
                        messages.VALUE_MAP_AMBIGUOUS,
                        shape=(
                            "is not one-to-one"
                            if map_type.to_dataverse and map_type.to_finance
                            else "is ambiguous"
                        ),
                        side=label,
                        value=scalar_text(value),
                        first=seen[key] + 1,
                        second=number + 1,
                    )
                    ok = False
                else:
                    seen[key] = number
        return ok
