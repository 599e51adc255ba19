"""A tenant's webhook subscriptions (CRUD, published to ``config.subscriptions``, which the webhook
deliverer follows live) and its delivery log (the ``<prefix>-deliveries`` outbox): list the attempts,
replay a delivery with the same ``webhook-id``.

* The secret (``whsec_…``, Standard Webhooks) is shown only in the response that creates it: at creation
  and on ``PATCH {"rotate_secret": true}``; otherwise only its last 4 characters (``secret_hint``).
* URLs pass the SSRF guard (``ecoute.net.check_url``, names resolved): loopback, private, link-local and
  reserved targets are a 422 unless the deployment allows private URLs.
* A subscription the deliverer disabled after ``410 Gone`` is re-enabled with ``PATCH {"enabled": true}``
  (a newer version of the record; the deliverer honours it).
* Replay: a dead (or delivered) delivery goes back to ``pending`` with a fresh retry schedule, the same
  ``webhook-id`` and body; the deliverer picks it up at its next outbox scan (a few seconds). A pending
  delivery, or one whose webhook is deleted or disabled, answers 409 with the reason.
"""

from __future__ import annotations

import logging
from typing import Annotated

from elasticsearch import NotFoundError
from fastapi import APIRouter, Body, HTTPException, Path, Query, Response, status
from pydantic import ValidationError

from alerting.api_shapes import (
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPublic,
    SubscriptionUpdate,
    apply_subscription_update,
    subscription_created,
    subscription_from_create,
    subscription_public,
)
from alerting.webhooks.outbox import DeliveryOutbox
from alerting.webhooks.planning import replay_delivery
from api.deps import NOT_FOUND, EsDep, SettingsDep, TenantRead, TenantWrite
from api.errors import RequestProblem
from api.es_io import search
from api.models.alerts_webhooks import (
    SUBSCRIPTION_CREATE_EXAMPLES,
    SUBSCRIPTION_UPDATE_EXAMPLES,
    DeliveryPage,
    DeliveryPublic,
    DeliverySearchParams,
    SubscriptionPatched,
)
from api.models.common import error_responses
from api.services import alerts as logic
from api.services import alerts_es
from api.services.alerts_config import AlertConfigDep, AlertConfigStore, alert_config_lifespan
from ecoute.net import UnsafeUrlError
from schemas.common import utc_now
from schemas.config import ENTITY_ID_PATTERN
from schemas.topics import CONFIG_SUBSCRIPTIONS
from schemas.webhooks import WebhookSubscription, subscription_key

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], lifespan=alert_config_lifespan)
SubscriptionId = Annotated[str, Path(pattern=ENTITY_ID_PATTERN, examples=["slack-crise"])]
DeliveryId = Annotated[
    str, Path(pattern=r"^msg_[0-9a-f]{32}$", examples=["msg_0f3a5c7e9b1d4f6a8c2e4b6d8f0a1c3e"])
]
ERRORS = error_responses(401, 404, 422, 503)
RESERVED_IDS = frozenset({"deliveries"})  # /v1/webhooks/deliveries is the delivery log


def _subscription(alerts_config: AlertConfigStore, tenant: str, subscription_id: str) -> WebhookSubscription:
    found = alerts_config.read(lambda v: v.subscriptions.get((tenant, subscription_id)))
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return found


def _unsafe(exc: UnsafeUrlError) -> RequestProblem:
    return RequestProblem(["body", "url"], f"URL refused: {exc}", "unsafe_url")


# --- deliveries (declared first: "deliveries" would also match a subscription id) ---------------------
@router.get("/deliveries", response_model=DeliveryPage, responses=ERRORS)
def list_deliveries(
    params: Annotated[DeliverySearchParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> DeliveryPage:
    """Delivery attempts of the tenant's webhooks, newest first: state, every HTTP attempt (status,
    duration, error), next attempt, why a delivery died. Filters: webhook, alert, state, time."""
    resp = search(es, alerts_es.delivery_index_name(settings), logic.deliveries_body(params, tenant))
    hits = resp["hits"]["hits"]
    next_cursor = logic.encode_cursor("deliveries", hits[-1]["sort"]) if len(hits) == params.size else None
    return DeliveryPage(items=[logic.delivery_public(h["_source"]) for h in hits], next_cursor=next_cursor)


@router.post(
    "/deliveries/{delivery_id}/replay",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 404, 409, 422, 503),
)
def replay(
    delivery_id: DeliveryId,
    tenant: TenantWrite,
    es: EsDep,
    settings: SettingsDep,
    alerts_config: AlertConfigDep,
) -> DeliveryPublic:
    """Send a dead (or delivered) delivery again: back to `pending` with a fresh retry schedule and the
    same `webhook-id`, so receivers that already processed it can deduplicate."""
    outbox = DeliveryOutbox(es, settings.index_prefix)
    try:
        stored = outbox.get_many([delivery_id]).get(delivery_id)
    except NotFoundError:  # no delivery index yet
        stored = None
    if stored is None or stored.tenant != tenant:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    wanted = (tenant, stored.subscription_id)
    subscription = alerts_config.read(lambda v: v.subscriptions.get(wanted))
    try:
        logic.check_replayable(stored, subscription)
    except logic.ReplayRefused as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    replayed = replay_delivery(stored, now=utc_now())
    outbox.save_many([replayed])
    outbox.refresh()  # the delivery log shows it pending when this returns
    log.info(
        "delivery replayed", extra={"tenant": tenant, "delivery": delivery_id, "replays": replayed.replays}
    )
    return logic.delivery_public(replayed.model_dump(mode="json"))


# --- subscriptions -----------------------------------------------------------------------------------
@router.get("", response_model=list[SubscriptionPublic], responses=error_responses(401, 404, 503))
def list_webhooks(tenant: TenantRead, alerts_config: AlertConfigDep) -> list[SubscriptionPublic]:
    return [subscription_public(s) for s in alerts_config.read(lambda v: v.tenant_subscriptions(tenant))]


@router.post(
    "",
    response_model=SubscriptionCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422, 503),
)
def create_webhook(
    body: Annotated[SubscriptionCreate, Body(openapi_examples=SUBSCRIPTION_CREATE_EXAMPLES)],
    tenant: TenantWrite,
    settings: SettingsDep,
    alerts_config: AlertConfigDep,
) -> SubscriptionCreated:
    """Subscribe a URL to the tenant's alerts (`standard`: Standard Webhooks JSON, signed; `slack`:
    incoming-webhook format), optionally only some event types (`alert.spike`, `alert.*`…) or rules.
    The response is the only one that shows the secret."""
    if body.id in RESERVED_IDS:
        raise RequestProblem(["body", "id"], f"{body.id!r} is reserved", "reserved")
    try:
        sub = subscription_from_create(tenant, body, now=utc_now(), allow_private=settings.allow_private_urls)
    except UnsafeUrlError as exc:
        raise _unsafe(exc) from exc
    except ValidationError as exc:
        raise logic.request_error(exc) from exc
    with alerts_config.mutation:
        existing = alerts_config.read(lambda v: [s.id for s in v.tenant_subscriptions(tenant)])
        if sub.id in existing:
            raise HTTPException(status_code=409, detail=f"webhook {sub.id} already exists")
        if len(existing) >= logic.MAX_SUBSCRIPTIONS_PER_TENANT:
            raise HTTPException(
                status_code=409, detail=f"at most {logic.MAX_SUBSCRIPTIONS_PER_TENANT} webhooks"
            )
        alerts_config.write(CONFIG_SUBSCRIPTIONS, [(sub.key, sub)])
    return subscription_created(sub)


@router.get("/{subscription_id}", response_model=SubscriptionPublic, responses=ERRORS)
def get_webhook(
    subscription_id: SubscriptionId, tenant: TenantRead, alerts_config: AlertConfigDep
) -> SubscriptionPublic:
    return subscription_public(_subscription(alerts_config, tenant, subscription_id))


@router.patch("/{subscription_id}", response_model=SubscriptionPatched, responses=ERRORS)
def update_webhook(
    subscription_id: SubscriptionId,
    body: Annotated[SubscriptionUpdate, Body(openapi_examples=SUBSCRIPTION_UPDATE_EXAMPLES)],
    tenant: TenantWrite,
    settings: SettingsDep,
    alerts_config: AlertConfigDep,
) -> SubscriptionPatched:
    """Change a webhook: only the fields sent change. `enabled: true` re-enables one disabled after
    `410 Gone`; `rotate_secret: true` makes a new secret, shown in this response only. A null field is
    left unchanged."""
    body = logic.without_nulls(body)
    with alerts_config.mutation:
        current = _subscription(alerts_config, tenant, subscription_id)
        try:
            sub = apply_subscription_update(
                current,
                body,
                now=logic.next_version_time(utc_now(), current.updated_at),
                allow_private=settings.allow_private_urls,
            )
        except UnsafeUrlError as exc:
            raise _unsafe(exc) from exc
        except ValidationError as exc:
            raise logic.request_error(exc) from exc
        alerts_config.write(CONFIG_SUBSCRIPTIONS, [(sub.key, sub)])
    shown = subscription_public(sub).model_dump()
    return SubscriptionPatched.model_validate({**shown, "secret": sub.secret if body.rotate_secret else None})


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_webhook(
    subscription_id: SubscriptionId, tenant: TenantWrite, alerts_config: AlertConfigDep
) -> Response:
    """Delete a webhook: nothing more is sent to it (pending deliveries end as dead, "subscription
    deleted"); its delivery log stays queryable."""
    with alerts_config.mutation:
        _subscription(alerts_config, tenant, subscription_id)
        alerts_config.write(CONFIG_SUBSCRIPTIONS, [(subscription_key(tenant, subscription_id), None)])
    return Response(status_code=204)
