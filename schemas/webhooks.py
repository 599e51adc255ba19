"""Webhook subscriptions (compacted topic ``config.subscriptions``, key ``tenant:id``) and delivery
records (Elasticsearch ``<prefix>-deliveries``, and ``dlq.webhooks`` once the last attempt failed).

Deliveries follow the Standard Webhooks specification: ``webhook-id`` is the delivery id (stable across
retries and replays), ``webhook-timestamp`` the attempt time, ``webhook-signature`` ``v1,<base64
HMAC-SHA256 of id.timestamp.body>`` keyed with the base64 secret after ``whsec_``.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
from typing import Literal

from pydantic import Field, field_validator

from schemas.common import Frozen, UtcDatetime
from schemas.config import ENTITY_ID_PATTERN, TENANT_PATTERN
from schemas.rules import RULE_KINDS

SECRET_PREFIX = "whsec_"
EVENT_TYPES: tuple[str, ...] = tuple(f"alert.{k}" for k in RULE_KINDS)
MAX_ATTEMPTS_KEPT = 50

WebhookFormat = Literal["standard", "slack"]
DeliveryState = Literal["pending", "delivered", "dead"]
AttemptOutcome = Literal["delivered", "retry", "gone", "failed"]


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret; ``ValueError`` if it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is whsec_ followed by base64") from exc
    if not 16 <= len(key) <= 64:
        raise ValueError("a webhook secret key is 16 to 64 bytes")
    return key


class WebhookSubscription(Frozen):
    """Where a tenant wants its alerts delivered (topic ``config.subscriptions``, key ``tenant:id``)."""

    schema_version: Literal[1] = 1
    tenant: str = Field(pattern=TENANT_PATTERN)
    id: str = Field(pattern=ENTITY_ID_PATTERN)
    url: str = Field(min_length=8, max_length=2048)
    event_types: tuple[str, ...] = Field(default=("alert.*",), min_length=1, max_length=20)
    rule_ids: tuple[str, ...] = Field(default=(), max_length=200, description="empty = every rule")
    secret: str = Field(max_length=200, description="whsec_<base64 key>")
    format: WebhookFormat = "standard"
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=500)
    description: str = Field(default="", max_length=500)
    updated_at: UtcDatetime

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        decode_secret(value)
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("webhook URL must be http(s)")
        return value

    @field_validator("event_types")
    @classmethod
    def _event_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            if pattern not in EVENT_TYPES and not any(fnmatch.fnmatchcase(t, pattern) for t in EVENT_TYPES):
                raise ValueError(f"unknown event type {pattern!r}; known: {', '.join(EVENT_TYPES)}")
        return value

    @property
    def key(self) -> str:
        return subscription_key(self.tenant, self.id)

    def accepts(self, event_type: str, rule_id: str) -> bool:
        """True if an alert of this type from this rule is to be delivered here (enabled or not)."""
        if self.rule_ids and rule_id not in self.rule_ids:
            return False
        return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.event_types)


def subscription_key(tenant: str, subscription_id: str) -> str:
    """Kafka key of a subscription (and of its dead deliveries)."""
    return f"{tenant}:{subscription_id}"


class DeliveryAttempt(Frozen):
    """One HTTP attempt of a delivery."""

    number: int = Field(ge=1, description="1-based, counts every attempt including replays")
    at: UtcDatetime
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=500)
    duration_ms: float = Field(ge=0.0)
    outcome: AttemptOutcome
    retry_after_s: float | None = Field(default=None, ge=0.0, description="the endpoint's Retry-After")


class WebhookDelivery(Frozen):
    """One alert to one subscription: its payload, state and attempts.

    Stored in Elasticsearch (``<prefix>-deliveries``, ``_id`` = ``id``) as the durable outbox and
    attempt log; dead deliveries are also written to ``dlq.webhooks`` (key ``tenant:subscription``),
    from where they can be replayed with the same ``id``.
    """

    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^msg_[0-9a-f]{32}$", description="webhook-id, stable across retries")
    tenant: str = Field(min_length=1, max_length=100)
    subscription_id: str = Field(min_length=1, max_length=200)
    alert_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    rule_id: str = Field(min_length=1, max_length=200)
    event_type: str = Field(max_length=100)
    url: str = Field(max_length=2048)
    format: WebhookFormat = "standard"
    partition: int | None = Field(default=None, ge=0, description="alerts partition owning it")
    state: DeliveryState = "pending"
    attempt_count: int = Field(default=0, ge=0, description="attempts in the current retry schedule")
    attempts: tuple[DeliveryAttempt, ...] = Field(default=(), max_length=MAX_ATTEMPTS_KEPT)
    next_attempt_at: UtcDatetime | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    delivered_at: UtcDatetime | None = None
    dead_reason: str | None = Field(default=None, max_length=1000)
    replays: int = Field(default=0, ge=0)
    body: str = Field(max_length=200_000, description="the exact request body, identical on retries")

    @property
    def subscription_key(self) -> str:
        return subscription_key(self.tenant, self.subscription_id)
