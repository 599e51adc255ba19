"""Tenants and API keys (administrator key only; any other caller gets 404), and ``GET /v1/me``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status

from api.config import tenant_ops as ops
from api.deps import NOT_FOUND, AdminDep, EsDep, PrincipalDep, SettingsDep, StoreDep
from api.models.common import error_responses
from api.models.tenants import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    MePublic,
    TenantCreate,
    TenantPublic,
    TenantUpdate,
)
from api.services import sources as source_logic
from api.services import tenants as logic
from api.services.alerts_config import AlertConfigDep
from ecoute.es import delete_tenant_documents
from schemas.common import utc_now
from schemas.config import KEY_ID_PATTERN, TENANT_PATTERN, Tenant, query_key
from schemas.source import SourceDefinition
from schemas.topics import CONFIG_QUERIES, CONFIG_RULES, CONFIG_SOURCES, CONFIG_SUBSCRIPTIONS, CONFIG_TENANTS

router = APIRouter(prefix="/v1", tags=["tenants"])
TenantId = Annotated[str, Path(pattern=TENANT_PATTERN, examples=["agence-lumiere"])]
KeyId = Annotated[str, Path(pattern=KEY_ID_PATTERN)]
ADMIN_ERRORS = error_responses(401, 404, 422, 503)


def _tenant(store: StoreDep, tenant_id: str) -> Tenant:
    try:
        return ops.get_tenant(store, tenant_id)
    except ops.NotFound as exc:
        raise HTTPException(status_code=404, detail=NOT_FOUND) from exc


@router.get("/me", response_model=MePublic, responses=error_responses(401, 503))
def me(principal: PrincipalDep) -> MePublic:
    """Who the presented key belongs to, and its scope."""
    return MePublic(
        role=principal.role, tenant=principal.tenant, key_id=principal.key_id, scope=principal.scope
    )


@router.post(
    "/tenants",
    response_model=TenantPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422, 503),
)
def create_tenant(body: TenantCreate, _: AdminDep, store: StoreDep) -> TenantPublic:
    """Create a tenant (an agency's client). Then create its keys."""
    try:
        return logic.tenant_public(ops.create_tenant(store, body))
    except ops.TenantExists as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc


@router.get("/tenants", response_model=list[TenantPublic], responses=error_responses(401, 404, 503))
def list_tenants(_: AdminDep, store: StoreDep) -> list[TenantPublic]:
    tenants = store.read(lambda v: sorted(v.tenants.values(), key=lambda t: t.id))
    return [logic.tenant_public(t) for t in tenants]


@router.get("/tenants/{tenant_id}", response_model=TenantPublic, responses=ADMIN_ERRORS)
def get_tenant(tenant_id: TenantId, _: AdminDep, store: StoreDep) -> TenantPublic:
    return logic.tenant_public(_tenant(store, tenant_id))


@router.patch("/tenants/{tenant_id}", response_model=TenantPublic, responses=ADMIN_ERRORS)
def update_tenant(tenant_id: TenantId, body: TenantUpdate, _: AdminDep, store: StoreDep) -> TenantPublic:
    with store.mutation:
        tenant = _tenant(store, tenant_id).model_copy(update={"name": body.name, "updated_at": utc_now()})
        store.write(CONFIG_TENANTS, [(tenant.id, tenant)])
    return logic.tenant_public(tenant)


@router.delete("/tenants/{tenant_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ADMIN_ERRORS)
def delete_tenant(
    tenant_id: TenantId,
    _: AdminDep,
    store: StoreDep,
    alerts_config: AlertConfigDep,
    es: EsDep,
    settings: SettingsDep,
) -> Response:
    """Delete a tenant: its keys stop working at once, its queries, alert rules, webhook subscriptions
    and source subscriptions are removed and its per-tenant mention documents deleted (so a future
    tenant with the same id starts empty). Its past alerts and delivery records stay for audit."""
    with store.mutation:
        _tenant(store, tenant_id)
        query_ids = store.read(lambda v: [qid for (t, qid) in v.queries if t == tenant_id])
        sources = store.read(lambda v: [s for s in v.sources.values() if tenant_id in s.tenants])
        # queries first (no new matches), then documents (Elasticsearch down → 503, tenant intact, retry),
        # then subscriptions and the tenant itself (its keys stop working)
        store.write(CONFIG_QUERIES, [(query_key(tenant_id, q), None) for q in query_ids])
        with alerts_config.mutation:
            rules = alerts_config.read(lambda v: v.tenant_rules(tenant_id))
            hooks = alerts_config.read(lambda v: v.tenant_subscriptions(tenant_id))
            alerts_config.write(CONFIG_RULES, [(r.key, None) for r in rules])
            alerts_config.write(CONFIG_SUBSCRIPTIONS, [(h.key, None) for h in hooks])
        delete_tenant_documents(es, settings.index_prefix, tenant_id)
        records: list[tuple[str, SourceDefinition | None]] = []
        for source in sources:
            left = source_logic.unsubscribe(source, tenant_id)
            records.append((source.id, source_logic.definition(left) if left is not None else None))
        store.write(CONFIG_SOURCES, records)
        store.write(CONFIG_TENANTS, [(tenant_id, None)])
    return Response(status_code=204)


@router.post(
    "/tenants/{tenant_id}/keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=ADMIN_ERRORS,
)
def create_key(tenant_id: TenantId, body: ApiKeyCreate, _: AdminDep, store: StoreDep) -> ApiKeyCreated:
    """Create a key for the tenant. The token is in this response only: it is stored hashed."""
    try:
        return ops.create_key(store, tenant_id, body)
    except ops.NotFound as exc:
        raise HTTPException(status_code=404, detail=NOT_FOUND) from exc
    except logic.TooManyKeysError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc


@router.get("/tenants/{tenant_id}/keys", response_model=list[ApiKeyPublic], responses=ADMIN_ERRORS)
def list_keys(tenant_id: TenantId, _: AdminDep, store: StoreDep) -> list[ApiKeyPublic]:
    return [logic.key_public(k) for k in _tenant(store, tenant_id).keys]


@router.delete(
    "/tenants/{tenant_id}/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ADMIN_ERRORS
)
def revoke_key(tenant_id: TenantId, key_id: KeyId, _: AdminDep, store: StoreDep) -> Response:
    """Revoke a key: requests with it get 401 from the moment this call returns."""
    try:
        ops.revoke_key(store, tenant_id, key_id)
    except ops.NotFound as exc:
        raise HTTPException(status_code=404, detail=NOT_FOUND) from exc
    return Response(status_code=204)
