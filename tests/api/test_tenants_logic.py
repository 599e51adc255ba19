"""Tenants, keys and token hashing (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.models.tenants import ApiKeyCreate, TenantCreate
from api.security import hash_token, new_token, same_secret
from api.services.tenants import MAX_KEYS, TooManyKeysError, add_key, new_tenant, revoke_key, tenant_public
from schemas.config import Tenant

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    tenant = new_tenant(TenantCreate(id="acme", name="Acme"), NOW)
    tenant, created = add_key(tenant, ApiKeyCreate(name="ci", scope="write"), NOW)
    (stored,) = tenant.keys
    assert created.token.startswith(f"ek_{stored.id}_") and len(created.token) >= 3 + 12 + 1 + 43
    assert stored.hash == hash_token(created.token) and created.token not in tenant.model_dump_json()
    assert same_secret(created.token, stored.hash) and not same_secret(created.token + "x", stored.hash)
    assert new_token("k") != new_token("k")
    assert "token" not in tenant_public(tenant).model_dump()["keys"][0]


def test_revoke_keeps_the_record_and_is_idempotent() -> None:
    tenant = new_tenant(TenantCreate(id="acme"), NOW)
    tenant, created = add_key(tenant, ApiKeyCreate(), NOW)
    assert created.scope == "read"
    later = NOW + timedelta(hours=1)
    revoked = revoke_key(tenant, created.id, later)
    assert revoked is not None and revoked.keys[0].revoked_at == later
    again = revoke_key(revoked, created.id, later + timedelta(hours=1))
    assert again is not None and again.keys[0].revoked_at == later
    assert revoke_key(tenant, "nope", later) is None


def test_live_keys_are_bounded() -> None:
    tenant: Tenant = new_tenant(TenantCreate(id="acme"), NOW)
    for _ in range(MAX_KEYS):
        tenant, _created = add_key(tenant, ApiKeyCreate(), NOW)
    with pytest.raises(TooManyKeysError):
        add_key(tenant, ApiKeyCreate(), NOW)
    tenant = revoke_key(tenant, tenant.keys[0].id, NOW) or tenant
    tenant, _created = add_key(tenant, ApiKeyCreate(), NOW)  # a revoked key frees a slot
