"""The materialised view of the ``config.*`` topics: pure state, one record applied at a time.

``config.tenants`` (key = tenant id → :class:`Tenant` with its hashed keys), ``config.queries``
(``tenant:id`` → :class:`QueryDefinition`), ``config.sources`` (source id → source definition with its
subscribed tenants). A ``None`` value (tombstone) deletes. A record that does not validate is logged and
ignored (the previous state of that key is kept): one bad record never stops the API.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from schemas.config import ApiKey, QueryDefinition, Tenant
from schemas.source import SourceConfig, SourceDefinition
from schemas.topics import CONFIG_QUERIES, CONFIG_SOURCES, CONFIG_TENANTS

log = logging.getLogger(__name__)
TOPICS = (CONFIG_TENANTS, CONFIG_QUERIES, CONFIG_SOURCES)
_SOURCE: TypeAdapter[SourceDefinition] = TypeAdapter(SourceDefinition)


@dataclass
class ConfigView:
    tenants: dict[str, Tenant] = field(default_factory=dict)
    queries: dict[tuple[str, str], QueryDefinition] = field(default_factory=dict)
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    key_hashes: dict[str, tuple[str, str]] = field(default_factory=dict)  # hash → (tenant, key id)

    def sizes(self) -> dict[str, int]:
        return {"tenants": len(self.tenants), "queries": len(self.queries), "sources": len(self.sources)}

    def apply(self, logical_topic: str, key: bytes | None, value: bytes | None, *, where: str = "") -> None:
        """Apply one record of ``logical_topic`` (registry name). Never raises on bad records."""
        key_text = (key or b"").decode("utf-8", "replace")
        try:
            if logical_topic == CONFIG_TENANTS.name:
                self._tenant(key_text, None if value is None else Tenant.model_validate_json(value))
            elif logical_topic == CONFIG_QUERIES.name:
                tenant, _, query_id = key_text.partition(":")
                if value is None:
                    self.queries.pop((tenant, query_id), None)
                else:
                    q = QueryDefinition.model_validate_json(value)
                    self.queries[(q.tenant, q.id)] = q
            elif logical_topic == CONFIG_SOURCES.name:
                if value is None:
                    self.sources.pop(key_text, None)
                else:
                    source = _SOURCE.validate_json(value).root
                    self.sources[source.id] = source
        except ValidationError as exc:
            log.warning(
                "ignoring invalid configuration record: %s",
                str(exc)[:300],
                extra={"topic": logical_topic, "key": key_text, "at": where},
            )

    def _tenant(self, tenant_id: str, tenant: Tenant | None) -> None:
        old = self.tenants.pop(tenant_id, None)
        if old is not None:
            for k in old.keys:
                self.key_hashes.pop(k.hash, None)
        if tenant is None:
            return
        self.tenants[tenant.id] = tenant
        for k in tenant.keys:
            if k.revoked_at is None:
                self.key_hashes[k.hash] = (tenant.id, k.id)

    def key_for_hash(self, token_hash: str) -> tuple[Tenant, ApiKey] | None:
        """The live (tenant, key) a token hash belongs to; None if unknown or revoked."""
        found = self.key_hashes.get(token_hash)
        if found is None:
            return None
        tenant = self.tenants.get(found[0])
        if tenant is None:
            return None
        key = next((k for k in tenant.keys if k.id == found[1] and k.revoked_at is None), None)
        return (tenant, key) if key is not None else None
