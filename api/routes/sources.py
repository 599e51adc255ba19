"""Source subscriptions of a tenant: feeds and social sources ecoute should poll for it.

Sources are shared between tenants (``config.sources``, read live by ingest); a tenant only ever sees
its own subscriptions, never who else is subscribed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Response, status

from api.deps import NOT_FOUND, SettingsDep, StoreDep, TenantRead, TenantWrite
from api.models.common import error_responses
from api.models.sources import SOURCE_EXAMPLES, SourcePublic
from api.services import sources as logic
from schemas.source import SOURCE_ID_PATTERN, SourceConfig
from schemas.topics import CONFIG_SOURCES

router = APIRouter(prefix="/v1/sources", tags=["sources"])
SourceId = Annotated[str, Path(pattern=SOURCE_ID_PATTERN, examples=["feed-85797f84d8839087"])]
ERRORS = error_responses(401, 404, 422, 503)


def _subscribed(store: StoreDep, tenant: str, source_id: str) -> SourceConfig:
    found = store.read(lambda v: v.sources.get(source_id))
    if found is None or tenant not in found.tenants:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return found


@router.get("", response_model=list[SourcePublic], responses=error_responses(401, 404, 503))
def list_sources(tenant: TenantRead, store: StoreDep) -> list[SourcePublic]:
    found = store.read(
        lambda v: sorted((s for s in v.sources.values() if tenant in s.tenants), key=lambda s: s.id)
    )
    return [logic.source_public(s) for s in found]


@router.post("", response_model=SourcePublic, status_code=status.HTTP_201_CREATED, responses=ERRORS)
def subscribe(
    body: Annotated[
        dict[str, Any],
        Body(
            openapi_examples=SOURCE_EXAMPLES,
            description="a source definition without `id` and `tenants`: `kind` (feed, forum, discourse, "
            "mastodon, bluesky, reddit, hackernews) and that kind's settings",
        ),
    ],
    tenant: TenantWrite,
    store: StoreDep,
    settings: SettingsDep,
) -> SourcePublic:
    """Subscribe the tenant to a source (created if no tenant follows it yet). Idempotent."""
    requested = logic.validate_request(body, tenant, allow_private=settings.allow_private_urls)
    with store.mutation:
        existing = store.read(lambda v: v.sources.get(requested.id))
        source = logic.subscribe(existing, requested, tenant)
        if source != existing:
            store.write(CONFIG_SOURCES, [(source.id, logic.definition(source))])
    return logic.source_public(source)


@router.get("/{source_id}", response_model=SourcePublic, responses=ERRORS)
def get_source(source_id: SourceId, tenant: TenantRead, store: StoreDep) -> SourcePublic:
    return logic.source_public(_subscribed(store, tenant, source_id))


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def unsubscribe(source_id: SourceId, tenant: TenantWrite, store: StoreDep) -> Response:
    """Unsubscribe; the source stops being polled when its last tenant leaves."""
    with store.mutation:
        left = logic.unsubscribe(_subscribed(store, tenant, source_id), tenant)
        store.write(CONFIG_SOURCES, [(source_id, logic.definition(left) if left is not None else None)])
    return Response(status_code=204)
