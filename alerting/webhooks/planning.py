"""From alerts to deliveries, and dead deliveries back to pending ones (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from alerting.webhooks.payloads import render_body
from alerting.webhooks.signing import delivery_id
from schemas.alert import Alert
from schemas.webhooks import WebhookDelivery, WebhookSubscription


def plan_deliveries(
    alert: Alert, subscriptions: Iterable[WebhookSubscription], *, partition: int | None, now: datetime
) -> list[WebhookDelivery]:
    """One pending delivery per enabled subscription of the alert's tenant that wants this event type
    and rule. Disabled subscriptions get nothing (re-enabling does not backfill)."""
    out = []
    for sub in subscriptions:
        if sub.tenant != alert.tenant or not sub.enabled or not sub.accepts(alert.event_type, alert.rule_id):
            continue
        out.append(
            WebhookDelivery(
                id=delivery_id(alert.id, sub.key),
                tenant=alert.tenant,
                subscription_id=sub.id,
                alert_id=alert.id,
                rule_id=alert.rule_id,
                event_type=alert.event_type,
                url=sub.url,
                format=sub.format,
                partition=partition,
                state="pending",
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
                body=render_body(alert, sub.format),
            )
        )
    return out


def replay_delivery(delivery: WebhookDelivery, *, now: datetime) -> WebhookDelivery:
    """A dead (or any) delivery made pending again with a fresh retry schedule.

    The ``id`` (``webhook-id``) and body are unchanged, so receivers that already processed it can
    deduplicate; the attempt history is kept and ``replays`` counts the replays.
    """
    return delivery.model_copy(
        update={
            "state": "pending",
            "attempt_count": 0,
            "next_attempt_at": now,
            "dead_reason": None,
            "replays": delivery.replays + 1,
            "updated_at": now,
        }
    )
