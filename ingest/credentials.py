"""Credentials by environment variable *name* (sources never contain secrets).

This is the one place ingest reads credentials from the environment. An unset or empty variable means
"no credentials" (public access); it is logged once as a warning, never raised.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)
_warned: set[str] = set()


def secret(env_name: str | None) -> str | None:
    """The value of the environment variable ``env_name``, or ``None`` if unnamed/unset/empty."""
    if not env_name:
        return None
    value = os.environ.get(env_name, "").strip()
    if not value and env_name not in _warned:
        _warned.add(env_name)
        log.warning("credential variable is not set; going on without it", extra={"env": env_name})
    return value or None


def bearer_headers(env_name: str | None) -> dict[str, str]:
    """``Authorization: Bearer …`` when the named variable holds a token, else no header."""
    token = secret(env_name)
    return {"Authorization": f"Bearer {token}"} if token else {}
