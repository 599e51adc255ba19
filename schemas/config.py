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
