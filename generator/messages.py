"""The message catalog: every diagnostic tablemap reports, with a stable code and severity.

Codes never change meaning once released; a retired code is not reused. Ranges by stage:
TM0xx reading YAML, TM1xx the spec language, TM2xx entity schemas, TM3xx binding and
validation, TM4xx filters, TM5xx the project and its outputs (and the environment),
TM6xx import from reference pages, TM7xx the review diff, TM8xx schema import from
$metadata, TM9xx bulk runs. The README lists them all (a test keeps it complete).
"""

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
LOOKUP_VALUE_MAP = Message("TM309", E, "value maps on lookup columns are not supported")
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

# --- TM5xx: the project, its outputs and the environment ----------------------------------
OUTPUT_CANNOT_WRITE = Message("TM501", E, "cannot write it: {problem}")
OUTPUT_CANNOT_READ = Message("TM502", E, "cannot read it: {problem}")
OUTPUT_NOT_OURS = Message(
    "TM503",
    E,
    "not replaced: tablemap did not write it (its first line has no 'Generated by tablemap' "
    "header); move it away or choose another output folder",
)
OUTPUT_UNFINISHED = Message(
    "TM504",
    E,
    "an interrupted run left its committed changes unfinished: run `python -m generator "
    "generate` to finish them",
)
OUTPUT_JOURNAL_UNREADABLE = Message(
    "TM505",
    W,
    "the record of an interrupted run is unreadable ({problem}); removed it, and this run "
    "rewrites every output that differs instead",
)
PROJECT_NO_SPECS = Message("TM580", E, "no specs (*.yaml) found")
PROJECT_DUPLICATE_MODULE = Message(
    "TM581", E, "produces module {module!r}, as {other} does: rename one of them"
)
PROJECT_ENTITY_SET = Message(
    "TM582", E, "x-entity-set {entity_set!r} must match the file name {stem!r}"
)
PROJECT_NO_SCHEMA = Message(
    "TM583",
    W,
    "no schema for {what} {name!r} ({path}){hint}: its fields are typed as JSON values and "
    "keyed as written",
)
PROJECT_UNREADABLE = Message("TM584", E, "can't read it: {problem}")

# --- TM6xx: import from reference pages ---------------------------------------------------
IMPORT_UNREADABLE = Message("TM601", E, "can't read it: {problem}")
IMPORT_NO_TABLE_MAP = Message(
    "TM602",
    E,
    "no table map found (a table map is a heading and a table whose header has a "
    "'Map type' column)",
)
IMPORT_FOLDER = Message("TM603", E, "can't create the folder: {problem}")
IMPORT_WRITE = Message("TM604", E, "can't write it: {problem}")
IMPORT_EXISTS = Message(
    "TM605",
    W,
    "exists with different content; not overwritten (move it away or import into another folder)",
)
IMPORT_ROW_FAILED = Message("TM606", W, "could not import ({reason}): {source}")
IMPORT_NO_ROWS = Message("TM607", W, "no row of the table could be imported")
IMPORT_COLUMNS_IGNORED = Message("TM608", W, "columns ignored: {columns}")
IMPORT_VALUE_MAP_UNMATCHED = Message("TM609", W, "value map '{title}' matches no row of the table")
IMPORT_VALUE_MAP_PROBLEM = Message("TM610", W, "value map '{title}': {problem}")
IMPORT_GUESS_HEADING = Message(
    "TM611", W, "guess: no heading found above the table; named 'Table map {number}'"
)
IMPORT_GUESS_MODULE = Message(
    "TM612",
    W,
    "guess: module {module}: an earlier table map of the document is also named {earlier}",
)
IMPORT_GUESS_NAME = Message(
    "TM613",
    W,
    "guess: {key} {name} is made from the heading {heading}; "
    "check it against specs/entities/{side}/{name}.yaml",
)
IMPORT_GUESS_LOOKUP = Message(
    "TM614",
    W,
    "guess: {field} is a lookup: the compiler needs column {column} of {table} to declare its "
    "x-lookup target (specs/entities/dataverse/{table}.yaml)",
)
IMPORT_GUESS_NO_DEFAULT = Message(
    "TM615",
    W,
    "guess: the document gives no default for this none row; "
    "the compiler needs one as the 4th element",
)
IMPORT_GUESS_VALUE_MAP = Message(
    "TM616",
    W,
    "guess: value map from the document; its finance values must be members of the enum of "
    "{field} in specs/entities/finance/{entity}.yaml (matched case-insensitively)",
)
IMPORT_GUESS_COPIES = Message(
    "TM617",
    W,
    "guess: {map_type} without a value map copies values unchanged; "
    "add {{values: [[finance value, dataverse value], ...]}} if the two sides differ",
)
IMPORT_GUESS_COMPANY = Message(
    "TM618",
    W,
    "guess: company {scope}: the document does not say whether the map is company-specific; "
    "it is striped when the key of {entity} has dataAreaId, and global otherwise",
)

# --- TM7xx: the review diff ---------------------------------------------------------------
DIFF_NO_GIT = Message("TM701", E, "can't run git: {problem}")
DIFF_NOT_A_REPOSITORY = Message("TM702", E, "not in a git repository ({problem})")
DIFF_MISSING_REVISION = Message(
    "TM703",
    E,
    "no such revision in this repository "
    "(in a shallow CI clone, fetch it first: git fetch --depth=1 origin <branch>)",
)
DIFF_OUTPUT_FORMAT = Message("TM704", E, "unknown output format {format!r}: use {expected}")
DIFF_SPECS_OUTSIDE = Message("TM705", E, "the specs folder is not inside {root}")

# --- TM8xx: schema import from $metadata --------------------------------------------------
METADATA_UNREADABLE = Message("TM801", E, "can't read the $metadata document: {problem}")
METADATA_EMPTY = Message("TM802", E, "the file is empty, not a $metadata document")
METADATA_NOT_XML = Message(
    "TM803",
    E,
    "not well-formed XML at line {line}, column {column} ({problem}): an HTML sign-in page or "
    "a JSON error is not $metadata; download it again",
)
METADATA_TRUNCATED = Message(
    "TM804",
    E,
    "the document stops before its end (line {line}, column {column}): it is truncated; "
    "download $metadata again",
)
METADATA_NOT_CSDL = Message(
    "TM805",
    E,
    "not an OData v4 CSDL document: the root element is <{root}>, not <edmx:Edmx>; download "
    "<organization URL>/data/$metadata (finance and operations) or "
    "<organization URL>/api/data/v9.2/$metadata (Dataverse)",
)
METADATA_UNSAFE = Message(
    "TM806",
    E,
    "refused to read the document: {problem} (a $metadata document has no DTD, entity "
    "declarations or external references)",
)
METADATA_UNKNOWN_DIALECT = Message(
    "TM807",
    E,
    "neither finance and operations (namespace Microsoft.Dynamics.DataEntities) nor Dataverse "
    "(Microsoft.Dynamics.CRM) metadata: the document's schemas are {namespaces}",
)
METADATA_MALFORMED = Message("TM808", E, "malformed CSDL: an <{element}> has {problem}")
METADATA_UNDEFINED_TYPE = Message(
    "TM809", E, "malformed CSDL: entity type {type!r} is used but never defined"
)
METADATA_MISSING_ENTITY = Message(
    "TM810",
    E,
    "{what} {name!r} is not in {document} ({dialect} metadata){hint}; nothing was written",
)
METADATA_COLUMN_GONE = Message(
    "TM811",
    E,
    "column {column!r} is used here but {entity} in {document} has no such column{hint}; "
    "fix the spec or the environment, then import again",
)
METADATA_BAD_NAME = Message(
    "TM812", E, "entity set {name!r} is not an OData name, so it can't name a schema file"
)
METADATA_NOTHING_TO_IMPORT = Message(
    "TM813",
    E,
    "nothing to import from this {dialect} document: name the entities or tables "
    "(schema import {document} NAME ...), or add specs that use them",
)
SCHEMA_IMPORT_EXISTING = Message(
    "TM814",
    E,
    "can't update this schema: {problem}; fix it or move it away, then import again",
)
SCHEMA_IMPORT_WRITE = Message(
    "TM815", E, "can't write the schema: {problem}; no schema was changed"
)
OPTIONS_UNREADABLE = Message("TM820", E, "can't read the option-set file: {problem}")
OPTIONS_NOT_ATTRIBUTE_METADATA = Message(
    "TM821",
    E,
    "not Dataverse attribute metadata: {problem}; expected the JSON response of "
    "EntityDefinitions(LogicalName='<table>')/Attributes/Microsoft.Dynamics.CRM."
    "PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet,GlobalOptionSet",
)
OPTIONS_NO_TABLE = Message(
    "TM822",
    E,
    "can't tell which table the option sets belong to: the @odata.context names no "
    "EntityDefinitions('<table>'); write --options <table>={file}",
)
OPTIONS_NOT_DATAVERSE = Message(
    "TM823", W, "option sets apply to Dataverse metadata, not to this {dialect} document; ignored"
)
OPTIONS_TABLE_NOT_IMPORTED = Message(
    "TM824", W, "option sets for table {table!r}, which this run does not import; ignored"
)
OPTIONS_UNKNOWN_COLUMN = Message(
    "TM825", W, "option set for column {column!r}, which {table} does not have{hint}; ignored"
)
OPTIONS_WRONG_TYPE = Message(
    "TM826",
    W,
    "option set for column {column!r} of {table}, whose type is {odata_type}, not "
    "{expected}; ignored",
)

# --- TM9xx: bulk runs ---------------------------------------------------------------------
BULK_UNKNOWN_MODULE = Message("TM901", E, "no spec compiles to module {module!r}{hint}")
BULK_SPECS_FAILED = Message(
    "TM902", E, "the specs have errors; run `python -m generator generate` to see them"
)
BULK_NO_INPUT = Message("TM903", E, "input not found: {path}")
BULK_UNREADABLE = Message("TM904", E, "can't read the input as {format}: {problem}")
BULK_OUTPUT = Message("TM905", E, "can't write the output: {problem}; nothing was written")
BULK_UNSUPPORTED = Message("TM906", E, "the SQL backend can't run this map yet: it has {what}")
BULK_ENGINE = Message("TM907", E, "the {engine} engine failed: {problem}")
BULK_NEEDS_COMPANIES = Message(
    "TM908",
    E,
    "{module} {direction} binds company-specific lookups: give the company directory with "
    "--companies FILE (the JSON of GET cdm_companies?$select=cdm_companyid,cdm_companycode)",
)
BULK_BAD_COMPANIES = Message("TM909", E, "can't use the company directory: {problem}")


def catalog() -> list[Message]:
    """Every message, in code order (for the README and its test)."""
    found = [value for value in globals().values() if isinstance(value, Message)]
    return sorted(found, key=lambda message: message.code)
