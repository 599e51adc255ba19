"""The administrator key: from the settings (``ECOUTE_ADMIN_KEY``), else generated once and kept.

When no key is configured, the first start generates one (256 random bits) into
``<state_dir>/api/admin_key`` (mode 0600) and logs the file's path — never the key itself, since logs
travel. Later starts read the same file, and ``ecoute tenants …`` finds it there too. Several API
processes on different machines must share one configured key instead.
Failure: ``OSError`` if the state directory cannot be written.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from ecoute.settings import Settings

log = logging.getLogger(__name__)
MIN_LENGTH = 16


def admin_key_path(settings: Settings) -> Path:
    return settings.state_dir / "api" / "admin_key"


def configured_admin_key(settings: Settings) -> str | None:
    """``Settings.admin_key`` when the settings define and set it."""
    value = getattr(settings, "admin_key", None)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return str(value) if value else None


def resolve_admin_key(settings: Settings) -> str:
    """The configured key, else the stored one, else a new stored one. Raises ``ValueError`` when the
    configured key is shorter than 16 characters."""
    configured = configured_admin_key(settings)
    if configured is not None:
        if len(configured) < MIN_LENGTH:
            raise ValueError(f"ECOUTE_ADMIN_KEY must be at least {MIN_LENGTH} characters")
        return configured
    path = admin_key_path(settings)
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = "ea_" + secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    log.warning("generated the administrator API key; it is stored in %s (mode 0600)", path)
    return key
