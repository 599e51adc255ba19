"""A tenant's alert rules (CRUD, published to ``config.rules``) and alerts (the ``<prefix>-alerts`` index
written by the webhook deliverer): search, lifecycle (acknowledge / resolve / reopen), response-time
KPIs, and the live stream (server-sent events resumable with ``Last-Event-ID``).

A rule watches one of the tenant's queries: an unknown ``query_id`` is a 422 on ``body.query_id`` (the
rule route exists; what is wrong is a field of the request). The router's lifespan starts the follower
of the alerting configuration (:mod:`api.services.alerts_config`).
"""

from __future__ import annotations

import logging
from itertools import islice
from typing import Annotated

from elasticsearch import ConflictError, Elasticsearch
from fastapi import APIRouter, Body, Header, HTTPException, Path, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from alerting.api_shapes import (
    RuleCreate,
    RulePublic,
    RuleUpdate,
    apply_rule_update,
    rule_from_create,
    rule_public,
)
from alerting.kpis import response_kpis
from alerting.lifecycle import Action, TransitionError, transition
from alerting.sse import CursorError, decode_cursor
from api.config.store import ConfigStore
from api.deps import NOT_FOUND, EsDep, PrincipalDep, SettingsDep, StoreDep, TenantRead, TenantWrite
from api.errors import RequestProblem
from api.es_io import search
from api.models.alerts import (
    RULE_CREATE_EXAMPLES,
    RULE_UPDATE_EXAMPLES,
    AlertAction,
    AlertKpis,
    AlertPage,
    AlertPublic,
    AlertSearchParams,
    KpiParams,
)
from api.models.common import error_responses
from api.services import alerts as logic
from api.services import alerts_es
from api.services.alerts_config import AlertConfigDep, AlertConfigStore, alert_config_lifespan
from api.services.alerts_stream import AlertStreamResponse, AlertTail, StreamUnavailable
from ecoute.settings import Settings
from schemas.common import utc_now
from schemas.config import ENTITY_ID_PATTERN
from schemas.rules import AlertRule, rule_key
from schemas.topics import CONFIG_RULES

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", lifespan=alert_config_lifespan)
RuleId = Annotated[str, Path(pattern=ENTITY_ID_PATTERN, examples=["bonval-crise-alerte"])]
AlertId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", examples=["5b1d0f6e2a9c4e7d8f3a1b2c4d5e6f70"])]
ERRORS = error_responses(401, 404, 422, 503)
MOVE_ERRORS = error_responses(401, 404, 409, 422, 503)
MOVE_ATTEMPTS = 5
SSE_EVENT_SCHEMA = {
    "type": "object",
    "description": "one server-sent event",
    "required": ["data"],
    "properties": {
        "event": {
            "type": "string",
            "description": "`ready`, or the alert's type: `alert.match`, `alert.spike`…",
        },
        "id": {
            "type": "string",
            "description": "resume cursor (`partition:offset,…`): send it as Last-Event-ID",
        },
        "retry": {"type": "integer", "description": "reconnection delay (ms)"},
        "data": {
            "type": "string",
            "description": "JSON: the alert (as delivered to webhooks); for `ready`, `{cursor, partitions}`",
        },
    },
}


# --- alert rules -------------------------------------------------------------------------------------
def _rule(alerts_config: AlertConfigStore, tenant: str, rule_id: str) -> AlertRule:
    found = alerts_config.read(lambda v: v.rules.get((tenant, rule_id)))
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return found


def _check_query(store: ConfigStore, tenant: str, query_id: str) -> None:
    if not store.read(lambda v: (tenant, query_id) in v.queries):
        raise RequestProblem(
            ["body", "query_id"],
            f"unknown query {query_id!r}: a rule watches one of the tenant's queries (see /v1/queries)",
            "unknown_query",
        )


@router.get(
    "/alert-rules",
    response_model=list[RulePublic],
    tags=["alert rules"],
    responses=error_responses(401, 404, 503),
)
def list_rules(tenant: TenantRead, alerts_config: AlertConfigDep) -> list[RulePublic]:
    return [rule_public(r) for r in alerts_config.read(lambda v: v.tenant_rules(tenant))]


@router.post(
    "/alert-rules",
    response_model=RulePublic,
    status_code=status.HTTP_201_CREATED,
    tags=["alert rules"],
    responses=error_responses(401, 404, 409, 422, 503),
)
def create_rule(
    body: Annotated[RuleCreate, Body(openapi_examples=RULE_CREATE_EXAMPLES)],
    tenant: TenantWrite,
    store: StoreDep,
    alerts_config: AlertConfigDep,
) -> RulePublic:
    """Create a rule on one of the tenant's queries: `match` (crisis terms), `spike` (volume against
    its baseline), `negative_surge`, `influencer`, `new_source`. The alerting workers apply it to the
    next mentions, without restart."""
    _check_query(store, tenant, body.query_id)
    try:
        rule = rule_from_create(tenant, body, now=utc_now())
    except ValidationError as exc:
        raise logic.request_error(exc) from exc
    with alerts_config.mutation:
        existing = alerts_config.read(lambda v: [r.id for r in v.tenant_rules(tenant)])
        if rule.id in existing:
            raise HTTPException(status_code=409, detail=f"rule {rule.id} already exists")
        if len(existing) >= logic.MAX_RULES_PER_TENANT:
            raise HTTPException(status_code=409, detail=f"at most {logic.MAX_RULES_PER_TENANT} rules")
        alerts_config.write(CONFIG_RULES, [(rule.key, rule)])
    return rule_public(rule)


@router.get("/alert-rules/{rule_id}", response_model=RulePublic, tags=["alert rules"], responses=ERRORS)
def get_rule(rule_id: RuleId, tenant: TenantRead, alerts_config: AlertConfigDep) -> RulePublic:
    return rule_public(_rule(alerts_config, tenant, rule_id))


@router.patch("/alert-rules/{rule_id}", response_model=RulePublic, tags=["alert rules"], responses=ERRORS)
def update_rule(
    rule_id: RuleId,
    body: Annotated[RuleUpdate, Body(openapi_examples=RULE_UPDATE_EXAMPLES)],
    tenant: TenantWrite,
    store: StoreDep,
    alerts_config: AlertConfigDep,
) -> RulePublic:
    """Change a rule: only the fields sent (and not null) change; `detector` is replaced as a whole."""
    body = logic.without_nulls(body)
    with alerts_config.mutation:
        current = _rule(alerts_config, tenant, rule_id)
        if body.query_id is not None:
            _check_query(store, tenant, body.query_id)
        try:
            rule = apply_rule_update(current, body, now=utc_now())
        except ValidationError as exc:
            raise logic.request_error(exc) from exc
        alerts_config.write(CONFIG_RULES, [(rule.key, rule)])
    return rule_public(rule)


@router.delete(
    "/alert-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["alert rules"], responses=ERRORS
)
def delete_rule(rule_id: RuleId, tenant: TenantWrite, alerts_config: AlertConfigDep) -> Response:
    """Delete a rule: it stops firing; its past alerts stay listed."""
    with alerts_config.mutation:
        _rule(alerts_config, tenant, rule_id)
        alerts_config.write(CONFIG_RULES, [(rule_key(tenant, rule_id), None)])
    return Response(status_code=204)


# --- alerts ------------------------------------------------------------------------------------------
@router.get("/alerts", response_model=AlertPage, tags=["alerts"], responses=ERRORS)
def search_alerts(
    params: Annotated[AlertSearchParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> AlertPage:
    """The tenant's alerts, newest first (by `fired_at`), filtered by rule, kind, lifecycle status and
    time; `next_cursor` pagination."""
    resp = search(es, alerts_es.alert_index_name(settings), logic.alert_search_body(params, tenant))
    hits = resp["hits"]["hits"]
    next_cursor = logic.encode_cursor("alerts", hits[-1]["sort"]) if len(hits) == params.size else None
    return AlertPage(
        total=int(resp["hits"]["total"]["value"]),
        items=[logic.alert_public(h["_source"]) for h in hits],
        next_cursor=next_cursor,
    )


@router.get("/alerts/kpis", response_model=AlertKpis, tags=["alerts"], responses=ERRORS)
def alert_kpis(
    params: Annotated[KpiParams, Query()],
    tenant: TenantRead,
    es: EsDep,
    settings: SettingsDep,
    alerts_config: AlertConfigDep,
) -> AlertKpis:
    """Response times of the tenant, and per rule: time to acknowledge and to resolve (p50, p90, in
    seconds) over the alerts fired in the period; alerts not yet acknowledged (resolved) count as open
    (acknowledged) and stay out of those figures."""
    sources = islice(alerts_es.kpi_sources(es, settings, tenant, params), logic.KPI_LIMIT + 1)
    items = [item for item in (logic.kpi_item(tenant, s) for s in sources) if item is not None]
    truncated = len(items) > logic.KPI_LIMIT
    rows = response_kpis(items[: logic.KPI_LIMIT], per_rule=params.per_rule)
    names = {r.id: r.name for r in alerts_config.read(lambda v: v.tenant_rules(tenant))}
    return logic.kpis_public(rows, params, names, truncated=truncated)


@router.get(
    "/alerts/stream",
    response_class=StreamingResponse,
    tags=["alerts"],
    responses={
        200: {
            "description": "server-sent events: `ready` (the start position), then one event per alert "
            "(`event: alert.<kind>`, `data`: the alert as JSON, `id`: the resume cursor), and a "
            "`: keep-alive` comment every 15 s",
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        },
        **ERRORS,
    },
)
def stream_alerts(
    tenant: TenantRead,
    settings: SettingsDep,
    last_event_id: Annotated[
        str | None,
        Header(
            max_length=100_000,
            description="the `id` of the last event received: resume right after it (sent by EventSource "
            "on reconnection); without it the stream starts now",
        ),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(max_length=100_000, description="same as `Last-Event-ID`, for clients that cannot set headers"),
    ] = None,
) -> StreamingResponse:
    """The tenant's alerts as they fire (server-sent events). Reconnect with `Last-Event-ID`: nothing is
    lost or repeated while the `alerts` topic retains the records (30 days)."""
    try:
        position = decode_cursor(last_event_id if last_event_id is not None else cursor)
    except CursorError as exc:
        where: list[str | int] = (
            ["header", "last-event-id"] if last_event_id is not None else ["query", "cursor"]
        )
        raise RequestProblem(where, str(exc), "cursor") from exc
    tail = AlertTail(settings, tenant)
    try:
        effective = tail.open(position)
    except StreamUnavailable as exc:
        raise HTTPException(status_code=503, detail=str(exc), headers={"Retry-After": "5"}) from exc
    return AlertStreamResponse(tail, tenant, effective)


@router.get("/alerts/{alert_id}", response_model=AlertPublic, tags=["alerts"], responses=ERRORS)
def get_alert(alert_id: AlertId, tenant: TenantRead, es: EsDep, settings: SettingsDep) -> AlertPublic:
    """One alert: why it fired (statistic, observed value, baseline, threshold), samples with links, and
    its lifecycle."""
    hit = alerts_es.find_alert(es, settings, tenant, alert_id)
    if hit is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return logic.alert_public(hit["_source"])


def _who(store: ConfigStore, tenant: str, key_id: str | None) -> str:
    found = store.read(lambda v: v.tenants.get(tenant))
    key = next((k for k in found.keys if k.id == key_id), None) if found is not None else None
    return logic.actor(key_id, key.name if key is not None else None)


def _move(
    action: Action,
    alert_id: str,
    body: AlertAction | None,
    tenant: str,
    who: str,
    es: Elasticsearch,
    settings: Settings,
) -> AlertPublic:
    for _ in range(MOVE_ATTEMPTS):
        hit = alerts_es.find_alert(es, settings, tenant, alert_id)
        if hit is None:
            raise HTTPException(status_code=404, detail=NOT_FOUND)
        current = logic.lifecycle_of(hit["_source"])
        try:
            moved = transition(
                current,
                action,
                who=who,
                at=logic.transition_time(utc_now(), current),
                note=body.note if body is not None else None,
            )
        except TransitionError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        try:
            alerts_es.write_lifecycle(es, hit, moved)
        except ConflictError:
            continue  # someone else moved it meanwhile: decide again on the new state
        log.info("alert %s", action, extra={"tenant": tenant, "alert": alert_id, "by": who})
        return logic.alert_public({**hit["_source"], "lifecycle": moved.model_dump(mode="json")})
    raise HTTPException(status_code=409, detail="the alert kept changing; retry")


@router.post(
    "/alerts/{alert_id}/acknowledge", response_model=AlertPublic, tags=["alerts"], responses=MOVE_ERRORS
)
def acknowledge_alert(
    alert_id: AlertId,
    tenant: TenantWrite,
    principal: PrincipalDep,
    store: StoreDep,
    es: EsDep,
    settings: SettingsDep,
    body: Annotated[AlertAction | None, Body()] = None,
) -> AlertPublic:
    """open → acknowledged, by the caller's key, now. Another state: 409."""
    return _move("acknowledge", alert_id, body, tenant, _who(store, tenant, principal.key_id), es, settings)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertPublic, tags=["alerts"], responses=MOVE_ERRORS)
def resolve_alert(
    alert_id: AlertId,
    tenant: TenantWrite,
    principal: PrincipalDep,
    store: StoreDep,
    es: EsDep,
    settings: SettingsDep,
    body: Annotated[AlertAction | None, Body()] = None,
) -> AlertPublic:
    """open or acknowledged → resolved (an open alert is acknowledged at the same instant). Already
    resolved: 409."""
    return _move("resolve", alert_id, body, tenant, _who(store, tenant, principal.key_id), es, settings)


@router.post("/alerts/{alert_id}/reopen", response_model=AlertPublic, tags=["alerts"], responses=MOVE_ERRORS)
def reopen_alert(
    alert_id: AlertId,
    tenant: TenantWrite,
    principal: PrincipalDep,
    store: StoreDep,
    es: EsDep,
    settings: SettingsDep,
    body: Annotated[AlertAction | None, Body()] = None,
) -> AlertPublic:
    """acknowledged or resolved → open; the response clock restarts now. Already open: 409."""
    return _move("reopen", alert_id, body, tenant, _who(store, tenant, principal.key_id), es, settings)
