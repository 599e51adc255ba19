"""Tenant and key changes against the configuration store, shared by the admin routes and the CLI.

Each holds the store's mutation lock across read-modify-write. Failures: :class:`TenantExists`,
:class:`NotFound`, ``TooManyKeysError`` and the store's ``ConfigUnavailable``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from api.config.store import ConfigStore
from api.models.tenants import ApiKeyCreate, ApiKeyCreated, Scope, TenantCreate
from api.services import tenants as logic
from ecoute.settings import Settings
from schemas.common import utc_now
from schemas.config import Tenant
from schemas.topics import CONFIG_TENANTS


class TenantExists(ValueError):
    pass


class NotFound(LookupError):
    pass


def get_tenant(store: ConfigStore, tenant_id: str) -> Tenant:
    tenant = store.read(lambda v: v.tenants.get(tenant_id))
    if tenant is None:
        raise NotFound(tenant_id)
    return tenant


def create_tenant(store: ConfigStore, body: TenantCreate) -> Tenant:
    with store.mutation:
        if store.read(lambda v: body.id in v.tenants):
            raise TenantExists(f"tenant {body.id} already exists")
        tenant = logic.new_tenant(body, utc_now())
        store.write(CONFIG_TENANTS, [(tenant.id, tenant)])
    return tenant


def create_key(store: ConfigStore, tenant_id: str, body: ApiKeyCreate) -> ApiKeyCreated:
    with store.mutation:
        tenant, created = logic.add_key(get_tenant(store, tenant_id), body, utc_now())
        store.write(CONFIG_TENANTS, [(tenant.id, tenant)])
    return created


def revoke_key(store: ConfigStore, tenant_id: str, key_id: str) -> None:
    with store.mutation:
        tenant = logic.revoke_key(get_tenant(store, tenant_id), key_id, utc_now())
        if tenant is None:
            raise NotFound(key_id)
        store.write(CONFIG_TENANTS, [(tenant.id, tenant)])


def provision(settings: Settings, tenant_ids: Iterable[str], scope: Scope = "read") -> dict[str, str]:
    """Create the tenants that do not exist yet and one new ``scope`` key for each; returns the tokens
    by tenant (for the demo and scripts). Raises ``ConfigUnavailable`` when Kafka cannot be read."""
    from api.config.store import ConfigUnavailable

    store = ConfigStore(settings)
    store.start()
    try:
        if not store.wait_ready(30):
            raise ConfigUnavailable("configuration could not be loaded from Kafka")
        tokens = {}
        for tenant_id in tenant_ids:
            with contextlib.suppress(TenantExists):
                create_tenant(store, TenantCreate(id=tenant_id))
            tokens[tenant_id] = create_key(
                store, tenant_id, ApiKeyCreate(name="provisioned", scope=scope)
            ).token
        return tokens
    finally:
        store.stop()
