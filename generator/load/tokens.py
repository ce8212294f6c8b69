"""Access tokens: ``TABLEMAP_ACCESS_TOKEN``, or Microsoft Entra through azure-identity.

azure-identity is imported only when no token is given, so a load with a token needs nothing
of it. A token is held here and put in the Authorization header; it is never written to a
message, a log or an output file.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

TOKEN_VARIABLE = "TABLEMAP_ACCESS_TOKEN"
# Refresh this long before the token expires, so no request goes out with a dying one.
MARGIN = 300.0


class NoToken(Exception):
    """No token: the variable is unset and azure-identity could not get one."""


class TokenSource:
    def __init__(self, environment_url: str) -> None:
        self._given = os.environ.get(TOKEN_VARIABLE)
        self._scope = environment_url.rstrip("/") + "/.default"
        self._lock = threading.Lock()
        self._credential: Any = None
        self._token: str | None = None
        self._expires = 0.0

    @property
    def fixed(self) -> bool:
        """Whether the token was given (it can't be refreshed)."""
        return self._given is not None

    def authorization(self, *, fresh: bool = False) -> str:
        if self._given is not None:
            return f"Bearer {self._given}"
        with self._lock:
            if fresh or self._token is None or time.time() > self._expires - MARGIN:
                self._token, self._expires = self._acquire()
            return f"Bearer {self._token}"

    def _acquire(self) -> tuple[str, float]:
        try:
            if self._credential is None:
                from azure.identity import DefaultAzureCredential

                self._credential = DefaultAzureCredential()
            access = self._credential.get_token(self._scope)
        except ImportError:
            raise NoToken("azure-identity is not installed (pip install '.[load]')") from None
        except Exception as problem:  # azure-identity raises its own hierarchy, and others
            first_line = str(problem).strip().splitlines()[0] if str(problem).strip() else ""
            raise NoToken(first_line or type(problem).__name__) from None
        return access.token, float(access.expires_on)
