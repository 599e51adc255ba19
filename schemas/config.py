"""Configuration events (compacted ``config.*`` topics; the key is the entity id, a tombstone deletes).

The API writes them; the stream processors read them as tables, so a change applies without restart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.common import Frozen, UtcDatetime

TENANT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
ENTITY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"


class QueryDefinition(Frozen):
    """A tenant's Boolean brand query (topic ``config.queries``, key ``tenant:id``)."""

    schema_version: Literal[1] = 1
    tenant: str = Field(pattern=TENANT_PATTERN)
    id: str = Field(pattern=ENTITY_ID_PATTERN)
    name: str = Field(default="", max_length=200)
    query: str = Field(min_length=1, max_length=10_000, description="Boolean query language")
    updated_at: UtcDatetime

    @property
    def key(self) -> str:
        return query_key(self.tenant, self.id)


def query_key(tenant: str, query_id: str) -> str:
    """Kafka key of a query definition."""
    return f"{tenant}:{query_id}"


KEY_ID_PATTERN = r"^[a-z0-9]{8,32}$"
KEY_HASH_PATTERN = r"^sha256:[0-9a-f]{64}$"


class ApiKey(Frozen):
    """A tenant's API key as stored: its SHA-256, never the token itself (embedded in :class:`Tenant`).

    The token (``ek_<id>_<43 base64url chars>``, 256 random bits) is shown once when the key is created.
    A revoked key keeps its record (``revoked_at`` set) so audits can still name it.
    """

    schema_version: Literal[1] = 1
    id: str = Field(pattern=KEY_ID_PATTERN, description="public key id, also inside the token")
    tenant: str = Field(pattern=TENANT_PATTERN)
    name: str = Field(default="", max_length=200)
    scope: Literal["read", "write"] = Field(description="read: GET only; write: everything of the tenant")
    hash: str = Field(pattern=KEY_HASH_PATTERN, description="sha256 of the whole token, hex")
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None


class Tenant(Frozen):
    """An agency's client (topic ``config.tenants``, key = tenant id; a tombstone deletes it).

    Keys live inside the tenant record so one compacted record holds everything needed to authenticate
    the tenant's requests.
    """

    schema_version: Literal[1] = 1
    id: str = Field(pattern=TENANT_PATTERN)
    name: str = Field(default="", max_length=200)
    created_at: UtcDatetime
    updated_at: UtcDatetime
    keys: tuple[ApiKey, ...] = ()
