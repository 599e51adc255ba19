"""FastAPI dependencies: settings, clients and the caller's identity (FastAPI template style).

Authentication: ``Authorization: Bearer <token>``. The administrator key manages tenants and keys; a
tenant key (read or write scope) works on its own tenant only. Anything outside the caller's scope —
another tenant's objects, admin routes for a tenant key, tenant routes for the admin key, a write with a
read key — answers **404 Not Found**, exactly as if it did not exist: the API never confirms that
something exists outside the caller's scope. A missing, unknown or revoked key answers 401.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Literal

from elasticsearch import Elasticsearch
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.config.store import ConfigStore
from api.security import hash_token
from ecoute.settings import Settings

NOT_FOUND = "not found"
bearer = HTTPBearer(auto_error=False, description="admin key or a tenant's API key")


@dataclass(frozen=True, slots=True)
class Principal:
    role: Literal["admin", "tenant"]
    tenant: str | None = None
    key_id: str | None = None
    scope: Literal["read", "write"] | None = None


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_es(request: Request) -> Elasticsearch:
    es: Elasticsearch = request.app.state.es
    return es


def get_store(request: Request) -> ConfigStore:
    store: ConfigStore = request.app.state.config
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
EsDep = Annotated[Elasticsearch, Depends(get_es)]
StoreDep = Annotated[ConfigStore, Depends(get_store)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def get_principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Who is calling. Raises 401 (no/unknown key) or 503 (keys not loaded yet)."""
    if credentials is None or not credentials.credentials:
        raise _unauthorized("missing API key: send `Authorization: Bearer <key>`")
    digest = hash_token(credentials.credentials)
    admin_hash: str = request.app.state.admin_hash
    if hmac.compare_digest(digest, admin_hash):
        return Principal(role="admin")
    found = store.read(lambda view: view.key_for_hash(digest))
    if found is None:
        raise _unauthorized("unknown or revoked API key")
    tenant, key = found
    request.state.tenant = tenant.id
    return Principal(role="tenant", tenant=tenant.id, key_id=key.id, scope=key.scope)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(principal: PrincipalDep) -> Principal:
    if principal.role != "admin":
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return principal


def tenant_reader(principal: PrincipalDep) -> str:
    """The caller's tenant (any scope)."""
    if principal.role != "tenant" or principal.tenant is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return principal.tenant


def tenant_writer(principal: PrincipalDep) -> str:
    """The caller's tenant, for a write-scoped key."""
    if principal.role != "tenant" or principal.tenant is None or principal.scope != "write":
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return principal.tenant


AdminDep = Annotated[Principal, Depends(require_admin)]
TenantRead = Annotated[str, Depends(tenant_reader)]
TenantWrite = Annotated[str, Depends(tenant_writer)]
