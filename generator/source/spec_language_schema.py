"""The JSON Schema of the spec language, derived from the spec reader's own vocabulary.

Editors with the YAML language server complete and validate specs from it. It is
built from the same constants ``generator.source.spec`` checks against (keys, map types,
row options, unmapped policies), so the schema cannot drift from the compiler.
"""

from __future__ import annotations

import json
from typing import Any

from generator.source.spec import (
    COMPANY_SCOPES,
    DATAVERSE_KEYS,
    FINANCE_KEYS,
    IDENTIFIER_PATTERN,
    NONE_FIELD,
    OPTION_KEYS,
    OVERFLOW_POLICIES,
    TOP_LEVEL_KEYS,
    UNMAPPED_POLICIES,
    MapType,
)

_MAP_TYPES = {
    MapType.BOTH: "both ways",
    MapType.TO_DATAVERSE: "finance and operations to Dataverse",
    MapType.TO_FINANCE: "Dataverse to finance and operations",
    MapType.BOTH_TRANSFORMED: "both ways, through a value map",
    MapType.TO_DATAVERSE_TRANSFORMED: "finance and operations to Dataverse, through a value map",
    MapType.TO_FINANCE_TRANSFORMED: "Dataverse to finance and operations, through a value map",
}

_DESCRIPTIONS = {
    "template": "The table map's name, as Microsoft's mapping reference titles it.",
    "description": "What the template synchronizes.",
    "finance": "The finance and operations side.",
    "dataverse": "The Dataverse side.",
    "fields": "The rows, in the documentation's order.",
    "company": (
        "striped: company-specific on both sides (dataAreaId in the F&O key, a cdm_companies "
        "lookup in Dataverse); global: cross-company on both sides."
    ),
    "key": "The integration key: finance fields that, with the company on striped maps, identify a row.",
    "entity": "OData entity set; its schema is specs/entities/finance/<entity>.yaml.",
    "table": "Web API entity set; its schema is specs/entities/dataverse/<table>.yaml.",
    "filter": "Source filter (F&O query syntax) or reversed source filter (OData $filter).",
    "default": "Written when the source is none, or when the source value is null.",
    "values": "A value map: the name of one in specs/value_maps.yaml, or inline pairs.",
    "unmapped": "error: an unlisted value raises MappingError; keep: it passes through.",
    "overflow": "error: a string too long for its column raises MappingError; truncate: it is cut.",
}


def _object(keys: tuple[str, ...], required: tuple[str, ...], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": {key: {"description": _DESCRIPTIONS[key], **properties[key]} for key in keys},
    }


def spec_json_schema() -> dict[str, Any]:
    scalar = {"$ref": "#/$defs/scalar"}
    field = {
        "type": "string",
        "minLength": 1,
        "description": f"A column name, or {NONE_FIELD} when this side receives the default.",
    }
    name = {"type": "string", "pattern": IDENTIFIER_PATTERN}
    side = {"type": "string", "minLength": 1}
    pairs = {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "array",
            "prefixItems": [scalar, scalar],
            "minItems": 2,
            "maxItems": 2,
            "description": "[finance and operations value, Dataverse value]",
        },
    }
    schema = _object(
        TOP_LEVEL_KEYS,
        ("template", "company", "finance", "dataverse", "fields"),
        template={"type": "string", "minLength": 1},
        description={"type": "string"},
        company={"enum": list(COMPANY_SCOPES)},
        key={"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        finance=_object(FINANCE_KEYS, ("entity",), entity=name, filter=side),
        dataverse=_object(DATAVERSE_KEYS, ("table",), table=name, filter=side),
        fields={"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/row"}},
    )
    options = _object(
        OPTION_KEYS,
        (),
        default=scalar,
        values={"anyOf": [{"type": "string"}, pairs]},
        unmapped={"enum": list(UNMAPPED_POLICIES)},
        overflow={"enum": list(OVERFLOW_POLICIES)},
    )
    map_type = {
        "oneOf": [
            {"const": member.value, "description": description}
            for member, description in _MAP_TYPES.items()
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "spec.schema.json",
        "title": "tablemap table-map spec",
        **schema,
        "$defs": {
            "scalar": {"type": ["string", "number", "boolean", "null"]},
            "row": {
                "type": "array",
                "description": "[finance field, map type, dataverse field, default or options]",
                "minItems": 3,
                "maxItems": 4,
                "prefixItems": [field, map_type, field, {"anyOf": [scalar, options]}],
            },
        },
    }


def render_spec_schema() -> str:
    return json.dumps(spec_json_schema(), indent=2) + "\n"
