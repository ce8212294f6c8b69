"""Binding: messages of TM3xx (binding and validation) and TM4xx (filters)."""

from __future__ import annotations

from generator.diagnostics import Message, Severity

E = Severity.ERROR
W = Severity.WARNING

# --- TM3xx: binding and validation --------------------------------------------------------
FIELD_UNKNOWN = Message("TM301", E, "unknown {what} {name!r}: {entity} has no such column{hint}")
FIELD_AMBIGUOUS = Message("TM302", E, "{what} {name!r} is ambiguous in {path}: {spellings}")
LOOKUP_WITHOUT_KEY = Message(
    "TM303",
    E,
    "{name!r} is a lookup: name the target's key column, as in {name}.<key column>",
)
LOOKUP_NO_SCHEMA = Message(
    "TM304", E, "lookup {name!r} has no target: table {table} has no schema to declare one"
)
LOOKUP_NO_TARGET = Message(
    "TM305", E, "lookup {name!r} has no target: {column!r} has no x-lookup in {path}"
)
LOOKUP_SHAPE = Message("TM306", E, "lookup {name!r} must be <column>.<key column>")
LOOKUP_TARGET_UNKNOWN = Message(
    "TM307",
    E,
    "lookup target {target!r} of {column!r} has no schema "
    "(specs/entities/dataverse/{target}.yaml){hint}",
)
LOOKUP_KEY_UNKNOWN = Message("TM308", E, "lookup key {key!r} is not a column of {target}{hint}")
LOOKUP_VALUE_MAP = Message(
    "TM309",
    E,
    "a value map can't translate a lookup: {name} binds the {target} row whose {key} is the "
    "finance value itself; remove 'values' and use {plain}, or look the row up by the column "
    "that holds the finance values ({column}.<that column>, in an alternate key of {target})",
)
LOOKUP_DEFAULT = Message(
    "TM310",
    E,
    "a default on a lookup row that names both fields is not supported; "
    "use a none row for a constant lookup",
)
LOOKUP_KEY_TYPE = Message(
    "TM311", E, "lookup {lookup} is keyed by a string, but {name!r} is {type}"
)
ROW_NONE_BOTH = Message("TM312", E, "a row can't have none on both sides")
ROW_NONE_FINANCE = Message(
    "TM313",
    E,
    "a row with none as finance field must use map type >> "
    "(the Dataverse field receives the default), not {symbol}",
)
ROW_NONE_DATAVERSE = Message(
    "TM314",
    E,
    "a row with none as dataverse field must use map type << "
    "(the finance field receives the default), not {symbol}",
)
ROW_NONE_NO_DEFAULT = Message(
    "TM315", E, "a row with none on one side needs a default for the other side"
)
ROW_VALUES_PLAIN = Message(
    "TM316", E, "a value map needs a transforming map type (><, >>, <<), not {symbol}"
)
COPY_WRONG_TYPE = Message(
    "TM317", E, "{source!r} ({source_type}) can't be copied to {target!r} ({target_type}); {fix}"
)
KEEP_WRONG_TYPE = Message(
    "TM318",
    E,
    "unmapped: keep would write unlisted values of {source!r} ({source_type}) to {target!r} "
    "({target_type}) unchanged; list every value, or use unmapped: error",
)
WRITTEN_TWICE = Message(
    "TM319",
    E,
    "{target!r} is written twice in the {direction} direction: "
    "row {row} repeats row {earlier} (line {line})",
)
TRANSFORM_WITHOUT_MAP = Message(
    "TM320",
    W,
    "map type {symbol} transforms, but the row has no value map: it copies values unchanged",
)
VALUE_NOT_FINITE = Message(
    "TM321", E, "{role} {value} is not a finite number: JSON has no NaN or infinity"
)
VALUE_NOT_ENUM_MEMBER = Message(
    "TM322",
    E,
    "{role} {value} is not a member of enum {enum} of {name!r}{hint}; members: {members}",
)
VALUE_NOT_OPTION = Message(
    "TM323", E, "{role} {value} is not an option of {name!r}; options: {options}"
)
VALUE_WRONG_TYPE = Message("TM324", E, "{role} {value} does not fit column {name!r} ({type})")
VALUE_TOO_LONG = Message(
    "TM325", E, "{role} does not fit column {name!r}: at most {limit} characters, got {length}"
)
VALUE_OUT_OF_RANGE = Message(
    "TM326", E, "{role} {value} is out of the range of column {name!r} ({low} to {high})"
)
COMPANY_MISSING = Message(
    "TM341",
    E,
    "the spec must declare its company scope: add `company: {scope}` "
    "(striped: company-specific on both sides; global: on neither)",
)
COMPANY_ONE_SIDED = Message(
    "TM329",
    E,
    "a map must be company-specific on both sides or on neither (dual-write's DIPV1002): "
    "{entity} {finance} company-specific, {table} {dataverse}",
)
COMPANY_DECLARED_WRONG = Message(
    "TM330", E, "company: {declared} does not match the schemas: {path} says the map is {actual}"
)
COMPANY_NEEDS_SCHEMA = Message(
    "TM331",
    E,
    "a striped map needs the Dataverse table's schema with x-company (its lookup to cdm_companies)",
)
COMPANY_TARGET_KEY = Message(
    "TM332",
    E,
    "the company table {target!r} needs a schema with a one-column alternate key (cdm_companycode)",
)
COMPANY_ROW = Message(
    "TM333",
    E,
    "a striped map carries the company itself (dataAreaId <-> the company lookup): remove this row",
)
LOOKUP_COMPANY_FROM_GLOBAL = Message(
    "TM334",
    E,
    "{target} is company-specific: a lookup into it needs the record's company, "
    "but this map is company: global",
)
LOOKUP_NOT_ALTERNATE_KEY = Message(
    "TM335",
    E,
    "lookup key {key!r} can't address a row of {target}: it is in no alternate key whose other "
    "columns the record supplies (declared keys: {keys})",
)
KEY_NOT_MAPPED = Message("TM336", E, "key field {name!r} is not mapped by any row{hint}")
KEY_ONE_WAY = Message(
    "TM337", E, "key field {name!r} must map both ways on a bidirectional map, not {symbol}"
)
KEY_TRANSFORMED = Message(
    "TM338",
    E,
    "key field {name!r} can't have a default, a one-way value map or unmapped: keep: "
    "key values must not change",
)
KEY_NOT_ALTERNATE_KEY = Message(
    "TM340",
    E,
    "the key maps to {columns}, which is not an alternate key of {table} (declared: {keys})",
)
COLUMN_UNMAPPED = Message(
    "TM328", W, "column {name!r} of {entity} is not mapped by any spec that uses it ({users})"
)
VALUE_MAP_AMBIGUOUS = Message(
    "TM327", E, "value map {shape}: {side} value {value} appears in pairs {first} and {second}"
)

# --- TM4xx: filters -----------------------------------------------------------------------
FILTER_SYNTAX = Message("TM401", E, "{kind} does not parse: {problem}")
FILTER_FIELD_UNKNOWN = Message("TM402", E, "unknown filter field {name!r} in {where}{hint}")
FILTER_FIELD_AMBIGUOUS = Message("TM403", E, "filter field {name!r} is ambiguous in {where}")
FILTER_NOT_FIELD_AND_VALUE = Message(
    "TM404", E, "a comparison must compare one field with one value"
)
FILTER_LOOKUP = Message("TM405", E, "lookup column {name!r} can't be filtered here")
FILTER_ENUM_TYPE = Message(
    "TM406", E, "{literal} compares field {name!r} of enum {enum} with a member of enum {other}"
)
FILTER_ENUM_VALUE = Message("TM407", E, "{value} is not a value of enum {enum} ({values})")
FILTER_ENUM_MEMBER = Message("TM408", E, "{value!r} is not a member of enum {enum}{hint}")
FILTER_ENUM_COMPARISON = Message(
    "TM409", E, "enum field {name!r} can't be compared with this value"
)
