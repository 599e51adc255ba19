"""Alerts, KPIs and webhook deliveries for the API: Elasticsearch request bodies, opaque cursors and the
public views. Pure (no I/O).

* Every body starts with a ``term`` filter on the caller's tenant (and a looked-up id is combined with
  it), so another tenant's alert or delivery is indistinguishable from a missing one.
* Cursors are base64url JSON of the last hit's sort values, tagged with what they page through; a cursor
  of another listing (or a made-up one) is a 422 (:class:`~api.services.search.InvalidRequestError`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from alerting.kpis import KpiRow
from alerting.lifecycle import Lifecycle, opened
from alerting.webhooks.queries import search_body as delivery_search_body
from api.models.alerts import AlertKpis, AlertPublic, AlertSearchParams, KpiParams, KpiPublic
from api.models.alerts_webhooks import DeliveryPublic, DeliverySearchParams
from api.services.search import TOTAL_HITS_LIMIT, InvalidRequestError
from schemas.alert import Alert
from schemas.webhooks import WebhookDelivery, WebhookSubscription

MAX_RULES_PER_TENANT: Final = 500
MAX_SUBSCRIPTIONS_PER_TENANT: Final = 50
KPI_PAGE: Final = 5000
KPI_LIMIT: Final = 100_000
ALERT_SORT: Final = [{"fired_at": "desc"}, {"id": "asc"}]
_CURSOR_KINDS: Final = {"alerts": "a", "deliveries": "d"}
PatchT = TypeVar("PatchT", bound=BaseModel)


# --- cursors -----------------------------------------------------------------------------------------
def encode_cursor(listing: str, sort_values: Sequence[Any]) -> str:
    raw = json.dumps([_CURSOR_KINDS[listing], *sort_values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str, size: int = 2) -> list[Any]:
    """Sort values of a cursor made by :func:`encode_cursor` for ``listing``. Raises
    :class:`InvalidRequestError` for anything else."""
    try:
        values = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequestError("cursor", "cursor is not valid") from exc
    if (
        not isinstance(values, list)
        or len(values) != size + 1
        or values[0] != _CURSOR_KINDS[listing]
        or not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values[1:])
    ):
        raise InvalidRequestError("cursor", f"cursor is not valid (or not one of {listing})")
    return values[1:]


# --- alerts ------------------------------------------------------------------------------------------
def alert_query(
    tenant: str,
    *,
    rule_ids: Sequence[str] = (),
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"term": {"tenant": tenant}}]
    if rule_ids:
        filters.append({"terms": {"rule_id": list(rule_ids)}})
    if kinds:
        filters.append({"terms": {"kind": list(kinds)}})
    if statuses:
        filters.append({"terms": {"lifecycle.status": list(statuses)}})
    fired: dict[str, str] = {}
    if since is not None:
        fired["gte"] = since.isoformat()
    if until is not None:
        fired["lt"] = until.isoformat()
    if fired:
        filters.append({"range": {"fired_at": fired}})
    return {"bool": {"filter": filters}}


def alert_search_body(params: AlertSearchParams, tenant: str) -> dict[str, Any]:
    """One page of the tenant's alerts, newest first. Raises :class:`InvalidRequestError` (cursor)."""
    body: dict[str, Any] = {
        "query": alert_query(
            tenant,
            rule_ids=params.rule_id,
            kinds=params.kind,
            statuses=[s.value for s in params.status],
            since=params.since,
            until=params.until,
        ),
        "sort": ALERT_SORT,
        "size": params.size,
        "track_total_hits": TOTAL_HITS_LIMIT,
    }
    if params.cursor:
        body["search_after"] = decode_cursor("alerts", params.cursor)
    return body


def find_alert_body(tenant: str, alert_id: str) -> dict[str, Any]:
    """The tenant's alert ``alert_id`` with its sequence number (for optimistic concurrency)."""
    return {
        "query": {"bool": {"filter": [{"term": {"tenant": tenant}}, {"ids": {"values": [alert_id]}}]}},
        "size": 1,
        "seq_no_primary_term": True,
    }


def lifecycle_of(source: Mapping[str, Any]) -> Lifecycle:
    """The stored lifecycle (an alert stored without one is open since it fired)."""
    stored = source.get("lifecycle")
    if isinstance(stored, dict):
        return Lifecycle.model_validate(stored)
    return opened(Alert.model_validate(_alert_fields(source)).fired_at)


def _alert_fields(source: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in source.items() if k != "lifecycle"}


def alert_public(source: Mapping[str, Any]) -> AlertPublic:
    """The public view of a stored alert document. Raises ``ValidationError`` for a corrupt one."""
    alert = Alert.model_validate(_alert_fields(source))
    return AlertPublic.model_validate(
        {**alert.model_dump(exclude={"schema_version", "tenant"}), "lifecycle": lifecycle_of(source)}
    )


def actor(key_id: str | None, key_name: str | None) -> str:
    """Who moved an alert: the API key's name and id (``camille (key 9f2c1a7b3d4e)``)."""
    key = f"key {key_id or 'unknown'}"
    name = (key_name or "").strip()[:150]
    return f"{name} ({key})" if name else key


def transition_time(now: datetime, current: Lifecycle) -> datetime:
    """When a transition happens: now, or the alert's last change if that is later (an alert dated in
    the future — a source whose clock is ahead — can still be handled; its response time is then 0)."""
    return max(now, current.last_change)


# --- KPIs --------------------------------------------------------------------------------------------
def kpi_body(params: KpiParams, tenant: str, after: list[Any] | None) -> dict[str, Any]:
    """One page of (rule id, lifecycle) of the tenant's alerts, newest first."""
    body: dict[str, Any] = {
        "query": alert_query(tenant, rule_ids=params.rule_id, since=params.since, until=params.until),
        "sort": ALERT_SORT,
        "size": KPI_PAGE,
        "_source": ["rule_id", "lifecycle", "fired_at"],
        "track_total_hits": False,
    }
    if after is not None:
        body["search_after"] = after
    return body


def kpi_item(tenant: str, source: Mapping[str, Any]) -> tuple[str, str, Lifecycle] | None:
    """(tenant, rule id, lifecycle) of a KPI hit; None for a document without them."""
    rule_id, stored = source.get("rule_id"), source.get("lifecycle")
    if not isinstance(rule_id, str) or not isinstance(stored, dict):
        return None
    try:
        return tenant, rule_id, Lifecycle.model_validate(stored)
    except ValidationError:
        return None


def _kpi_public(row: KpiRow, names: Mapping[str, str]) -> KpiPublic:
    return KpiPublic(
        rule_id=row.rule_id,
        rule_name=names.get(row.rule_id) if row.rule_id is not None else None,
        alerts=row.alerts,
        open=row.open,
        acknowledged=row.acknowledged,
        resolved=row.resolved,
        ack_p50_s=row.ack_p50_s,
        ack_p90_s=row.ack_p90_s,
        resolve_p50_s=row.resolve_p50_s,
        resolve_p90_s=row.resolve_p90_s,
    )


def kpis_public(
    rows: Iterable[KpiRow], params: KpiParams, rule_names: Mapping[str, str], *, truncated: bool
) -> AlertKpis:
    """Rows of :func:`alerting.kpis.response_kpis` for one tenant → the response (zeros when no alert)."""
    overall: KpiPublic | None = None
    per_rule: list[KpiPublic] = []
    for row in rows:
        if row.rule_id is None:
            overall = _kpi_public(row, rule_names)
        else:
            per_rule.append(_kpi_public(row, rule_names))
    return AlertKpis(
        since=params.since,
        until=params.until,
        tenant=overall or KpiPublic(alerts=0, open=0, acknowledged=0, resolved=0),
        rules=per_rule,
        truncated=truncated,
    )


# --- deliveries --------------------------------------------------------------------------------------
def deliveries_body(params: DeliverySearchParams, tenant: str) -> dict[str, Any]:
    """One page of the tenant's deliveries (bodies excluded), newest first."""
    body = delivery_search_body(
        tenant,
        subscription_id=params.subscription_id,
        alert_id=params.alert_id,
        state=params.state,
        since=params.since,
        size=params.size,
    )
    if params.cursor:
        body["search_after"] = decode_cursor("deliveries", params.cursor)
    body["track_total_hits"] = False
    return body


def delivery_public(source: Mapping[str, Any]) -> DeliveryPublic:
    fields = DeliveryPublic.model_fields
    return DeliveryPublic.model_validate({k: v for k, v in source.items() if k in fields})


class ReplayRefused(ValueError):
    """A delivery that cannot be replayed now (API: 409 with this message)."""


def check_replayable(delivery: WebhookDelivery, subscription: WebhookSubscription | None) -> None:
    """A delivery can be replayed when it is dead or delivered and its webhook exists and is enabled
    (the deliverer would kill it at once otherwise). A pending one is still in the retry schedule."""
    if delivery.state == "pending":
        raise ReplayRefused("the delivery is still pending: it will be attempted again anyway")
    if subscription is None:
        raise ReplayRefused("its webhook was deleted: there is nothing to deliver to")
    if not subscription.enabled:
        reason = f" ({subscription.disabled_reason})" if subscription.disabled_reason else ""
        raise ReplayRefused(f"its webhook is disabled{reason}: re-enable it first (PATCH enabled=true)")


def next_version_time(now: datetime, previous: datetime) -> datetime:
    """``updated_at`` of a new version: strictly after the previous one, even if clocks disagree (the
    webhook deliverer ignores a subscription version not newer than the one it disabled after a 410)."""
    return max(now, previous + timedelta(milliseconds=1))


def without_nulls(patch: PatchT) -> PatchT:
    """A PATCH body with its ``null`` fields treated as absent (unchanged), as for queries: no field of
    a rule or a webhook is cleared by null."""
    return type(patch).model_validate(patch.model_dump(exclude_unset=True, exclude_none=True))


def request_error(exc: ValidationError, where: str = "body") -> RequestValidationError:
    """A model validation failure inside a route, reported like FastAPI's own 422."""
    return RequestValidationError(
        [
            {"loc": (where, *e.get("loc", ())), "msg": str(e.get("msg", "invalid")), "type": e.get("type")}
            for e in exc.errors()
        ]
    )
