"""The materialised view of the config topics (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from api.config.view import ConfigView
from api.models.tenants import ApiKeyCreate, TenantCreate
from api.services.tenants import add_key, new_tenant, revoke_key
from schemas.config import QueryDefinition

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_keys_are_found_by_hash_until_revoked_or_deleted() -> None:
    view = ConfigView()
    tenant, _created = add_key(new_tenant(TenantCreate(id="acme"), NOW), ApiKeyCreate(scope="write"), NOW)
    view.apply("config.tenants", b"acme", tenant.model_dump_json().encode())
    stored = tenant.keys[0]
    found = view.key_for_hash(stored.hash)
    assert found is not None and found[0].id == "acme" and found[1].scope == "write"
    revoked = revoke_key(tenant, stored.id, NOW)
    assert revoked is not None
    view.apply("config.tenants", b"acme", revoked.model_dump_json().encode())
    assert view.key_for_hash(stored.hash) is None
    view.apply("config.tenants", b"acme", tenant.model_dump_json().encode())
    view.apply("config.tenants", b"acme", None)  # tombstone
    assert view.key_for_hash(stored.hash) is None and "acme" not in view.tenants


def test_queries_sources_tombstones_and_bad_records() -> None:
    view = ConfigView()
    q = QueryDefinition(tenant="acme", id="b", query="bonval", updated_at=NOW)
    view.apply("config.queries", b"acme:b", q.model_dump_json().encode())
    assert view.queries[("acme", "b")] == q
    view.apply("config.queries", b"acme:b", b"{not json")  # ignored: previous state kept
    assert view.queries[("acme", "b")] == q
    view.apply("config.queries", b"acme:b", None)
    assert view.queries == {}
    src = b'{"id": "feed-1", "kind": "feed", "url": "https://x.example/rss", "tenants": ["acme"]}'
    view.apply("config.sources", b"feed-1", src)
    assert view.sources["feed-1"].tenants == ("acme",)
    view.apply("config.sources", b"feed-1", None)
    assert view.sources == {}
    view.apply("config.tenants", b"x", b'{"id": "BAD"}')
    assert view.tenants == {}
