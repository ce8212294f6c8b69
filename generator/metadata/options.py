"""Option sets: Dataverse attribute-metadata JSON in, each column's values and labels out.

$metadata types an option set as Edm.Int32 and says nothing of its values; the Web API's
attribute metadata does. The file is the response of

    GET [organization URL]/api/data/v9.2/EntityDefinitions(LogicalName='account')/Attributes/
        Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName
        &$expand=OptionSet,GlobalOptionSet

or the same for ``BooleanAttributeMetadata``, ``StateAttributeMetadata`` and
``StatusAttributeMetadata``. Its ``@odata.context`` names the table
(``...$metadata#EntityDefinitions('account')/Attributes/...``); ``TABLE=FILE`` names it
when the context does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import messages
from generator.diagnostics import Diagnostics, Location

# Attribute metadata for one table is kilobytes; a file this large is something else.
MAX_BYTES = 64 * 1024 * 1024
_CONTEXT_TABLE = re.compile(r"EntityDefinitions\((?:LogicalName=)?'([^'/]+)'\)")


@dataclass(frozen=True)
class OptionSet:
    column: str
    # A Boolean column's two options are keyed False and True, the others by integer value.
    boolean: bool
    options: tuple[tuple[int | bool, str], ...]


@dataclass(frozen=True)
class TableOptions:
    table: str  # the table's logical name, e.g. account
    display: str
    columns: dict[str, OptionSet]


class _NotAttributeMetadata(Exception):
    pass


def split_argument(argument: str) -> tuple[str | None, Path]:
    """``--options`` takes FILE or TABLE=FILE (a file whose name has '=' in it wins)."""
    table, equals, file_name = argument.partition("=")
    if not equals or Path(argument).exists() or not table or not file_name:
        return None, Path(argument)
    return table, Path(file_name)


def _label(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    user = node.get("UserLocalizedLabel")
    if isinstance(user, dict) and isinstance(user.get("Label"), str):
        return str(user["Label"])
    for localized in node.get("LocalizedLabels") or []:
        if isinstance(localized, dict) and isinstance(localized.get("Label"), str):
            return str(localized["Label"])
    return ""


def _value(option: Any) -> int:
    value = option.get("Value") if isinstance(option, dict) else None
    if type(value) is not int:
        raise _NotAttributeMetadata(f"an option's Value is {value!r}, not an integer")
    return value


def _option_set(attribute: Any) -> OptionSet | None:
    if not isinstance(attribute, dict) or not isinstance(attribute.get("LogicalName"), str):
        raise _NotAttributeMetadata("an attribute has no LogicalName")
    column = attribute["LogicalName"]
    for key in ("OptionSet", "GlobalOptionSet"):
        option_set = attribute.get(key)
        if not isinstance(option_set, dict):
            continue
        if isinstance(option_set.get("TrueOption"), dict):
            false = option_set.get("FalseOption")
            false_label = _label(false.get("Label")) if isinstance(false, dict) else ""
            true_label = _label(option_set["TrueOption"].get("Label"))
            return OptionSet(column, True, ((False, false_label), (True, true_label)))
        options = option_set.get("Options")
        if isinstance(options, list):
            return OptionSet(
                column,
                False,
                tuple((_value(option), _label(option.get("Label"))) for option in options),
            )
    return None


def _parse(document: Any) -> tuple[str | None, dict[str, OptionSet]]:
    if not isinstance(document, dict):
        raise _NotAttributeMetadata("the document is not a JSON object")
    context = document.get("@odata.context")
    found = _CONTEXT_TABLE.search(context) if isinstance(context, str) else None
    attributes = document.get("value", [document])
    if not isinstance(attributes, list):
        raise _NotAttributeMetadata("'value' is not a list")
    columns: dict[str, OptionSet] = {}
    for attribute in attributes:
        option_set = _option_set(attribute)
        if option_set is not None:
            columns[option_set.column] = option_set
    return (found.group(1) if found else None), columns


def read_options(argument: str, diagnostics: Diagnostics) -> TableOptions | None:
    """One ``--options`` file; its problems go to ``diagnostics`` and give None."""
    table, path = split_argument(argument)
    display = path.as_posix()
    where = Location(display)
    try:
        if path.stat().st_size > MAX_BYTES:
            diagnostics.report(
                messages.OPTIONS_UNREADABLE, where, problem=f"larger than {MAX_BYTES} bytes"
            )
            return None
        document = json.loads(path.read_bytes())
    except OSError as problem:
        diagnostics.report(messages.OPTIONS_UNREADABLE, where, problem=problem.strerror or problem)
        return None
    except (ValueError, RecursionError) as problem:
        diagnostics.report(
            messages.OPTIONS_NOT_ATTRIBUTE_METADATA, where, problem=f"not JSON ({problem})"
        )
        return None
    try:
        named, columns = _parse(document)
    except _NotAttributeMetadata as problem:
        diagnostics.report(messages.OPTIONS_NOT_ATTRIBUTE_METADATA, where, problem=problem)
        return None
    table = table or named
    if table is None:
        diagnostics.report(messages.OPTIONS_NO_TABLE, where, file=display)
        return None
    return TableOptions(table, display, columns)
