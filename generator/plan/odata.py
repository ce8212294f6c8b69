"""OData addresses: key values in, the literals and references the Web API reads out.

The generated runtime has its own copy of these rules (it imports only the standard
library); a test checks that both produce the same text for any value.
"""

from __future__ import annotations

from urllib.parse import quote


def string_literal(value: str) -> str:
    """An OData string literal inside a URL: quotes doubled, then percent-encoded.

    Everything that could end the literal or the path segment (``/ ? # % &``, spaces,
    non-ASCII) is encoded; the quotes themselves stay, as OData reads them.
    """
    return "'" + quote(value.replace("'", "''"), safe="'") + "'"


def bind_reference(entity_set: str, key: str, value: str) -> str:
    """The ``@odata.bind`` reference to the row of ``entity_set`` whose ``key`` is ``value``."""
    return f"/{entity_set}({key}={string_literal(value)})"
