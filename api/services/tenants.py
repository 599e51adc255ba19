"""Tenants and their keys: pure operations on :class:`schemas.config.Tenant` records."""

from __future__ import annotations

from datetime import datetime

from api.models.tenants import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, Scope, TenantCreate, TenantPublic
from api.security import hash_token, new_key_id, new_token
from schemas.config import ApiKey, Tenant

MAX_KEYS = 100


class TooManyKeysError(ValueError):
    pass


def new_tenant(body: TenantCreate, now: datetime) -> Tenant:
    return Tenant(id=body.id, name=body.name, created_at=now, updated_at=now)


def key_public(key: ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=key.id,
        tenant=key.tenant,
        name=key.name,
        scope=key.scope,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def tenant_public(t: Tenant) -> TenantPublic:
    return TenantPublic(
        id=t.id,
        name=t.name,
        created_at=t.created_at,
        updated_at=t.updated_at,
        keys=[key_public(k) for k in t.keys],
    )


def add_key(tenant: Tenant, body: ApiKeyCreate, now: datetime) -> tuple[Tenant, ApiKeyCreated]:
    """The tenant with a new key, and the key with its token (the only time the token exists).
    Raises :class:`TooManyKeysError` beyond :data:`MAX_KEYS` live keys."""
    if sum(1 for k in tenant.keys if k.revoked_at is None) >= MAX_KEYS:
        raise TooManyKeysError(f"a tenant has at most {MAX_KEYS} live keys; revoke some first")
    key_id = new_key_id()
    token = new_token(key_id)
    scope: Scope = body.scope
    key = ApiKey(
        id=key_id, tenant=tenant.id, name=body.name, scope=scope, hash=hash_token(token), created_at=now
    )
    updated = tenant.model_copy(update={"keys": (*tenant.keys, key), "updated_at": now})
    return updated, ApiKeyCreated(**key_public(key).model_dump(), token=token)


def revoke_key(tenant: Tenant, key_id: str, now: datetime) -> Tenant | None:
    """The tenant with ``key_id`` revoked (unchanged if it already was); None if there is no such key."""
    if not any(k.id == key_id for k in tenant.keys):
        return None
    keys = tuple(
        k.model_copy(update={"revoked_at": now}) if k.id == key_id and k.revoked_at is None else k
        for k in tenant.keys
    )
    return tenant.model_copy(update={"keys": keys, "updated_at": now})
