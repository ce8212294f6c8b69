"""Loading: messages of TM95x-TM97x (``python -m generator load``).

TM959-TM961 and TM966 are also the ``code`` of a row in ``FOLDER/load/failed.jsonl`` that failed
here rather than at the service.
"""

from __future__ import annotations

from generator.diagnostics import Message, Severity

E = Severity.ERROR

LOAD_NOT_BULK_OUTPUT = Message("TM950", E, "not a bulk output folder: {problem}")
LOAD_UNKNOWN_MODULE = Message(
    "TM951", E, "the folder was written for module {module!r}, which no spec compiles to{hint}"
)
LOAD_BAD_PAYLOADS = Message("TM952", E, "can't load the payloads: {problem}")
LOAD_WRONG_DIRECTION = Message(
    "TM953",
    E,
    "the folder holds {direction} payloads, and the first folder's load writes {system}: load "
    "the folders of each direction in a run of their own",
)
LOAD_OTHER_ENVIRONMENT = Message(
    "TM954",
    E,
    "the journal here belongs to a load into {journal_url}: to load these rows into {url}, "
    "remove {path} first",
)
LOAD_BAD_URL = Message(
    "TM955",
    E,
    "--url must be an environment URL such as https://contoso.crm.dynamics.com, not {url!r}",
)
LOAD_TOKEN_REFUSED = Message(
    "TM956",
    E,
    "the service refused the access token (HTTP 401{detail}): set TABLEMAP_ACCESS_TOKEN to a "
    "valid token for {url}, or unset it and run `az login`",
)
LOAD_NO_TOKEN = Message(
    "TM957",
    E,
    "no access token: TABLEMAP_ACCESS_TOKEN is unset and azure-identity found no credential "
    "({problem}); run `az login`, or set TABLEMAP_ACCESS_TOKEN",
)
LOAD_UNREACHABLE = Message("TM958", E, "can't connect to {url}: {problem}")
LOAD_TARGET_FAILED = Message(
    "TM959",
    E,
    "not sent: its lookup {lookup} points at {target}, which failed in this run ({where})",
)
LOAD_KEY_UNRESOLVED = Message(
    "TM960",
    E,
    "not sent: its key holds the row its lookup {lookup} points at, and {target} is no row",
)
LOAD_GAVE_UP = Message(
    "TM961",
    E,
    "no answer from the service ({problem}); the next run sends the row again",
)
LOAD_CANT_WRITE = Message("TM962", E, "can't write the load's records: {problem}")
LOAD_TWICE = Message("TM963", E, "the folder is given twice")
LOAD_BAD_JOURNAL = Message(
    "TM964",
    E,
    "the journal is damaged before its last line ({problem}): remove {path} to start over",
)
LOAD_BIND_TARGET_FAILED = Message(
    "TM966",
    E,
    "upserted without its lookup {lookup}: it points at {target}, which failed in this run "
    "({where})",
)
LOAD_PACKAGES_MISSING = Message(
    "TM967",
    E,
    "this Python lacks packages `load` needs ({packages}): run `make engines`, which adds "
    "them and the rest of requirements.lock to .venv, then `.venv/bin/python -m generator "
    "load ...` (or `pip install '.[load]'` into a virtual environment)",
)
LOAD_BAD_RESPONSE = Message("TM965", E, "the service's answer can't be read: {problem}")
