"""Webhook deliveries (the ``<prefix>-deliveries`` index), and request examples of webhook
subscriptions (the subscription shapes themselves are :mod:`alerting.api_shapes`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alerting.api_shapes import SubscriptionPublic
from schemas.webhooks import DeliveryAttempt, DeliveryState, WebhookFormat

MAX_DELIVERY_PAGE = 500

SUBSCRIPTION_CREATE_EXAMPLES: dict[str, dict[str, Any]] = {
    "standard": {
        "summary": "Standard Webhooks endpoint, every alert",
        "value": {"url": "https://hooks.agence-lumiere.example/ecoute", "description": "CRM de l'agence"},
    },
    "slack": {
        "summary": "Slack incoming webhook, crisis and spike alerts of two rules",
        "value": {
            "id": "slack-crise",
            "url": "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
            "format": "slack",
            "event_types": ["alert.match", "alert.spike"],
            "rule_ids": ["bonval-crise-alerte", "bonval-pic"],
        },
    },
}
SUBSCRIPTION_UPDATE_EXAMPLES: dict[str, dict[str, Any]] = {
    "re-enable": {"summary": "re-enable after 410 Gone", "value": {"enabled": True}},
    "rotate": {"summary": "new secret (shown once in the response)", "value": {"rotate_secret": True}},
    "move": {"summary": "new URL", "value": {"url": "https://hooks.agence-lumiere.example/v2/ecoute"}},
}


class SubscriptionPatched(SubscriptionPublic):
    """A subscription after a change; ``secret`` is present only when ``rotate_secret`` was asked."""

    secret: str | None = Field(default=None, description="the new secret, shown only once (rotation)")


class DeliverySearchParams(BaseModel):
    """Which deliveries: the tenant's, newest first (by creation)."""

    subscription_id: str | None = Field(default=None, max_length=200)
    alert_id: str | None = Field(default=None, max_length=64)
    state: DeliveryState | None = Field(default=None, description="pending, delivered or dead")
    since: datetime | None = Field(default=None, description="created at or after (ISO 8601)")
    size: int = Field(default=50, ge=1, le=MAX_DELIVERY_PAGE)
    cursor: str | None = Field(
        default=None, max_length=1000, description="`next_cursor` of the previous page"
    )

    @field_validator("since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DeliveryPublic(BaseModel):
    """One alert sent to one webhook: state and every HTTP attempt. ``id`` is the ``webhook-id`` header,
    the same on every retry and replay (receivers deduplicate on it)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "msg_0f3a5c7e9b1d4f6a8c2e4b6d8f0a1c3e",
                    "subscription_id": "slack-crise",
                    "alert_id": "5b1d0f6e2a9c4e7d8f3a1b2c4d5e6f70",
                    "rule_id": "bonval-pic",
                    "event_type": "alert.spike",
                    "url": "https://hooks.agence-lumiere.example/ecoute",
                    "format": "standard",
                    "state": "dead",
                    "attempt_count": 10,
                    "attempts": [
                        {
                            "number": 10,
                            "at": "2026-11-22T23:59:00Z",
                            "status_code": 503,
                            "duration_ms": 41.0,
                            "outcome": "failed",
                        }
                    ],
                    "created_at": "2026-11-22T08:14:01Z",
                    "updated_at": "2026-11-22T23:59:00Z",
                    "dead_reason": "HTTP 503 after 10 attempts",
                    "replays": 0,
                }
            ]
        }
    )

    id: str = Field(description="webhook-id")
    subscription_id: str
    alert_id: str
    rule_id: str
    event_type: str
    url: str
    format: WebhookFormat = "standard"
    state: DeliveryState
    attempt_count: int = Field(description="attempts in the current retry schedule")
    attempts: list[DeliveryAttempt] = Field(default_factory=list, description="oldest first")
    next_attempt_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None = None
    dead_reason: str | None = None
    replays: int = Field(default=0, description="times this delivery was replayed")


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")
