"""The tools: messages of TM8xx (schema import from $metadata) and TM9xx (bulk runs)."""

from __future__ import annotations

from generator.diagnostics import Message, Severity

E = Severity.ERROR
W = Severity.WARNING

# --- TM8xx: schema import from $metadata --------------------------------------------------
METADATA_UNREADABLE = Message("TM801", E, "can't read the $metadata document: {problem}")
METADATA_EMPTY = Message("TM802", E, "the file is empty, not a $metadata document")
METADATA_NOT_XML = Message(
    "TM803",
    E,
    "not well-formed XML at line {line}, column {column} ({problem}): not a $metadata "
    "document; download it again",
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
_DOWNLOAD = (
    'download it with a token: curl -fsS -H "Authorization: Bearer $TOKEN" '
    "<organization URL>/data/$metadata (finance and operations) or "
    "<organization URL>/api/data/v9.2/$metadata (Dataverse) -o metadata.xml"
)
METADATA_ZIP = Message(
    "TM827",
    E,
    "a zip archive, not a $metadata document: extract the document from it ({members}) and "
    "import that",
)
METADATA_HTML = Message(
    "TM828",
    E,
    "an HTML page{title}, not $metadata: a sign-in or error page, which the service sends to a "
    "request without a valid token; " + _DOWNLOAD,
)
METADATA_JSON_ERROR = Message(
    "TM829",
    E,
    "a JSON error response, not $metadata: the service said {error}; fix what it says (an "
    "expired token, a wrong URL), then " + _DOWNLOAD,
)
METADATA_JSON = Message(
    "TM830",
    E,
    "a JSON document, not $metadata, which is XML: " + _DOWNLOAD + ", with no Accept header",
)
METADATA_BINARY = Message(
    "TM831",
    E,
    "a binary file, not $metadata (its first bytes are {start}); download it again",
)
METADATA_BAD_GZIP = Message(
    "TM832",
    E,
    "the file is gzip-compressed but damaged ({problem}): it was cut short or changed; "
    "download it again",
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
BULK_BUSY = Message(
    "TM910",
    E,
    "another run (pid {pid}) is using this output folder (it holds {lock}): a bulk or reconcile "
    "run writes it, a load reads it; run again when it has finished",
)
BULK_NOT_OUTPUT = Message(
    "TM911",
    E,
    "won't replace the output folder, which a run replaces whole: {problem}; give a new or "
    "empty folder, or a bulk run's output",
)
BULK_SCRATCH = Message(
    "TM912",
    E,
    "can't write the scratch files in {folder} (TMPDIR chooses it): {problem}; nothing was "
    "written",
)
BULK_NO_COLUMNS = Message(
    "TM920",
    E,
    "the input holds none of the columns {direction} reads: expected {expected}; the input "
    "has {found}",
)
BULK_NO_FILTER_COLUMN = Message(
    "TM921",
    E,
    "the input lacks {missing}, which the source filter of {direction} reads, so it would "
    "filter out every row: expected {expected}; the input has {found}",
)
BULK_AMBIGUOUS_COLUMNS = Message(
    "TM922",
    E,
    "input columns {names} all name the field {field!r}, none exactly: keep one",
)
BULK_KEY_NEEDS_COMPANIES = Message(
    "TM940",
    E,
    "{module} {direction} addresses each row by its alternate key, which holds the company's "
    "cdm_companyid: give the company directory with --companies FILE (the JSON of GET "
    "cdm_companies?$select=cdm_companyid,cdm_companycode)",
)
