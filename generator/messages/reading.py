"""Reading: messages of TM0xx (YAML), TM1xx (the spec language) and TM2xx (entity schemas)."""

from __future__ import annotations

from generator.diagnostics import Message, Severity

E = Severity.ERROR
W = Severity.WARNING

# --- TM0xx: reading YAML ------------------------------------------------------------------
NOT_UTF8 = Message("TM001", E, "not UTF-8: {problem}")
YAML_TOO_LARGE = Message("TM002", E, "file is larger than {limit} bytes")
YAML_SYNTAX = Message("TM003", E, "YAML syntax error: {problem}")
YAML_EMPTY = Message("TM004", E, "the file is empty")
YAML_ALIAS = Message("TM005", E, "YAML anchors and aliases are not supported in specs")
YAML_TAG = Message("TM006", E, "YAML tags such as {tag!r} are not supported in specs")
YAML_TOO_DEEP = Message("TM007", E, "nesting deeper than {limit} levels")
YAML_TOO_MANY_NODES = Message("TM008", E, "more than {limit} YAML nodes")
YAML_KEY_NOT_SCALAR = Message("TM009", E, "mapping keys must be plain scalars")
YAML_DUPLICATE_KEY = Message(
    "TM010",
    E,
    "duplicate key {key!r} (first defined at line {line}); YAML would silently keep only the last",
)
YAML_NODE = Message("TM011", E, "unsupported YAML node {kind}")
YAML_SURROGATE = Message(
    "TM012",
    E,
    "'{escape}' is a lone UTF-16 surrogate, not a character: no UTF-8 file can hold it; write "
    "the character itself, or \\U0001F600 and the like for one beyond U+FFFF",
)
YAML_BARE_MAP_TYPE = Message(
    "TM013",
    E,
    'quote the map type: write "{symbol}"; YAML can\'t read an unquoted {symbol} in a row',
)

# --- TM1xx: the spec language -------------------------------------------------------------
SPEC_MODULE_NAME = Message(
    "TM101",
    E,
    "spec file name {name!r} is not a valid module name: use lower-case letters, digits and "
    "underscores, starting with a letter",
)
SPEC_MODULE_RESERVED = Message(
    "TM102", E, "spec file name {name!r} is reserved in the generated package"
)
SPEC_PATH_UNPRINTABLE = Message(
    "TM103", E, "spec path {path!r} has characters that can't appear in a generated header"
)
SPEC_NOT_MAPPING = Message("TM104", E, "{what} must be a mapping")
SPEC_UNKNOWN_KEY = Message("TM105", E, "unknown key {key!r} in {what}{hint}; expected {expected}")
SPEC_MISSING_KEY = Message("TM106", E, "{what} is missing the key {key!r}")
SPEC_NOT_STRING = Message("TM107", E, "{what} must be a non-empty string")
SPEC_NOT_IDENTIFIER = Message(
    "TM108", E, "{what} {name!r} is not an OData name (letters, digits and underscores)"
)
SPEC_NO_ROWS = Message("TM109", E, "'fields' must be a non-empty list of rows")
SPEC_FIELD_NOT_NAME = Message("TM110", E, "the {side} field must be a name or none")
SPEC_ROW_SHAPE = Message(
    "TM111",
    E,
    "a row must be [finance field, map type, dataverse field] with an optional 4th element "
    "(default or options), got {size}",
)
SPEC_DEFAULT_NOT_SCALAR = Message("TM112", E, "a default must be a scalar")
SPEC_POLICY = Message("TM113", E, "{key!r} must be {expected}, not {policy!r}{hint}")
SPEC_FOURTH_ELEMENT = Message("TM114", E, "the 4th element must be a default or options")
SPEC_UNKNOWN_MAP_TYPE = Message(
    "TM115", E, "unknown map type {symbol!r}{hint}; expected one of {expected}"
)
SPEC_MAP_TYPE_NOT_SYMBOL = Message("TM116", E, "the map type must be one of {expected}")
SPEC_VALUE_MAP_EMPTY = Message("TM117", E, "a value map must be a non-empty list of pairs")
SPEC_VALUE_PAIR_SHAPE = Message(
    "TM118", E, "a value-map pair must be [finance value, dataverse value]"
)
SPEC_COMPANY_SCOPE = Message("TM119", E, "'company' must be striped or global, not {scope!r}{hint}")
SPEC_KEY_SHAPE = Message("TM120", E, "'key' must be a non-empty list of finance field names")
VALUE_MAPS_NOT_MAPPING = Message("TM190", E, "value_maps.yaml must map names to lists of pairs")
VALUE_MAP_UNKNOWN = Message("TM191", E, "unknown value map {name!r}{hint}")

# --- TM2xx: entity schemas ----------------------------------------------------------------
SCHEMA_MISSING = Message("TM201", E, "missing {what}")
SCHEMA_NOT_STRING = Message("TM202", E, "{what} must be a string")
SCHEMA_NOT_MAPPING = Message("TM203", E, "{what} must be a mapping")
SCHEMA_PROPERTY_NAME = Message("TM204", E, "property names must be strings")
SCHEMA_KEY_NOT_LIST = Message("TM205", E, "'x-key' must be a list of property names")
SCHEMA_REF_NOT_LOCAL = Message("TM206", E, "only local references {prefix}<name> are supported")
SCHEMA_REF_UNKNOWN = Message("TM207", E, "no definition {name!r} in $defs{hint}")
SCHEMA_TYPE_UNSUPPORTED = Message(
    "TM208", E, "unsupported type {type!r}; expected one of {expected}"
)
SCHEMA_ENUM_KIND = Message("TM209", E, "'enum' is supported on string and integer columns")
SCHEMA_ENUM_NOT_LIST = Message("TM210", E, "'enum' must be a list")
SCHEMA_ENUM_NO_VALUE = Message("TM211", E, "enum member {member!r} has no integer in x-enum-values")
SCHEMA_OPTION_NOT_INT = Message("TM212", E, "option-set values must be integers")
SCHEMA_UNKNOWN_KEYWORD = Message("TM213", E, "unknown keyword {key!r} in property {name!r}{hint}")
SCHEMA_BAD_CONSTRAINT = Message(
    "TM214", E, "{key!r} must be a finite number (an integer for maxLength)"
)
SCHEMA_ALTERNATE_KEYS_SHAPE = Message(
    "TM216", E, "'x-alternate-keys' must be a list of non-empty lists of column names"
)
SCHEMA_KEY_COLUMN_UNKNOWN = Message(
    "TM217", E, "alternate-key column {name!r} is not a property{hint}"
)
SCHEMA_COMPANY_NOT_LOOKUP = Message(
    "TM218", E, "x-company {name!r} must name a lookup column (type object with x-lookup)"
)
SCHEMA_BAD_FORMAT = Message("TM215", E, "unsupported format {format!r}; expected one of {expected}")
SCHEMA_PARTIAL_UNLISTED = Message(
    "TM219",
    W,
    "{entity} has columns its schema does not list (x-partial: true in {path}), and this map uses "
    "{columns}: typed as JSON values and keyed as written; complete the schema from your "
    "environment's $metadata: {command}",
)
SCHEMA_PARTIAL_NOT_BOOLEAN = Message("TM220", E, "'x-partial' must be true or false")
