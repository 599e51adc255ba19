"""Request/response shapes of the rule and subscription API, and the pure functions behind the routes
(the API wires them; nothing here does I/O except the optional DNS check of webhook URLs).

Proposed routes (all under the caller's tenant; anything outside it is 404):

* ``POST/GET /v1/alert-rules``, ``GET/PATCH/DELETE /v1/alert-rules/{id}`` — :class:`RuleCreate`,
  :class:`RuleUpdate` → :class:`RulePublic`; writes ``config.rules`` (tombstone on delete).
* ``POST/GET /v1/webhooks``, ``GET/PATCH/DELETE /v1/webhooks/{id}`` — :class:`SubscriptionCreate`,
  :class:`SubscriptionUpdate` → :class:`SubscriptionPublic` (the secret is shown once, at creation or
  rotation, in :class:`SubscriptionCreated`); writes ``config.subscriptions``.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from alerting.webhooks.signing import new_secret
from ecoute.net import check_url
from schemas.config import ENTITY_ID_PATTERN
from schemas.rules import AlertRule, Detector
from schemas.webhooks import WebhookFormat, WebhookSubscription


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def new_entity_id(name: str = "") -> str:
    """A readable unique id: a slug of ``name`` plus a short random suffix."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    suffix = uuid.uuid4().hex[:8]
    return f"{slug}-{suffix}" if slug else suffix


# --- rules --------------------------------------------------------------------------------------------
class RuleCreate(_Body):
    id: str | None = Field(default=None, pattern=ENTITY_ID_PATTERN)
    name: str = Field(default="", max_length=200)
    query_id: str = Field(pattern=ENTITY_ID_PATTERN)
    enabled: bool = True
    detector: Detector
    cooldown_s: int = Field(default=900, ge=0, le=7 * 86_400)
    max_samples: int = Field(default=5, ge=1, le=20)


class RuleUpdate(_Body):
    name: str | None = Field(default=None, max_length=200)
    query_id: str | None = Field(default=None, pattern=ENTITY_ID_PATTERN)
    enabled: bool | None = None
    detector: Detector | None = None
    cooldown_s: int | None = Field(default=None, ge=0, le=7 * 86_400)
    max_samples: int | None = Field(default=None, ge=1, le=20)


class RulePublic(_Body):
    id: str
    name: str
    query_id: str
    enabled: bool
    detector: Detector
    cooldown_s: int
    max_samples: int
    updated_at: datetime


def rule_from_create(tenant: str, body: RuleCreate, *, now: datetime) -> AlertRule:
    """The rule to publish for a create request (id generated from the name when absent)."""
    data = body.model_dump(exclude={"id"})
    return AlertRule.model_validate(
        {**data, "tenant": tenant, "id": body.id or new_entity_id(body.name), "updated_at": now}
    )


def apply_rule_update(rule: AlertRule, patch: RuleUpdate, *, now: datetime) -> AlertRule:
    """The rule after a PATCH (only the given fields change)."""
    changes = patch.model_dump(exclude_unset=True)
    return AlertRule.model_validate({**rule.model_dump(), **changes, "updated_at": now})


def rule_public(rule: AlertRule) -> RulePublic:
    return RulePublic.model_validate(rule.model_dump(exclude={"schema_version", "tenant"}))


# --- subscriptions -----------------------------------------------------------------------------------
class SubscriptionCreate(_Body):
    id: str | None = Field(default=None, pattern=ENTITY_ID_PATTERN)
    url: str = Field(min_length=8, max_length=2048)
    event_types: tuple[str, ...] = ("alert.*",)
    rule_ids: tuple[str, ...] = ()
    format: WebhookFormat = "standard"
    description: str = Field(default="", max_length=500)
    secret: str | None = Field(default=None, description="whsec_…; generated when absent")


class SubscriptionUpdate(_Body):
    url: str | None = Field(default=None, min_length=8, max_length=2048)
    event_types: tuple[str, ...] | None = None
    rule_ids: tuple[str, ...] | None = None
    format: WebhookFormat | None = None
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = Field(default=None, description="true re-enables an endpoint disabled by 410")
    rotate_secret: bool = False


class SubscriptionPublic(_Body):
    id: str
    url: str
    event_types: tuple[str, ...]
    rule_ids: tuple[str, ...]
    format: WebhookFormat
    description: str
    enabled: bool
    disabled_reason: str | None
    secret_hint: str = Field(description="whsec_…last 4 characters")
    updated_at: datetime


class SubscriptionCreated(SubscriptionPublic):
    secret: str = Field(description="shown only once")


def secret_hint(secret: str) -> str:
    return f"whsec_…{secret[-4:]}"


def subscription_from_create(
    tenant: str, body: SubscriptionCreate, *, now: datetime, allow_private: bool, resolve: bool = True
) -> WebhookSubscription:
    """The subscription to publish. Raises :class:`~ecoute.net.UnsafeUrlError` for a URL the SSRF guard
    refuses (API: 422) and ``pydantic.ValidationError`` for a bad secret or event type."""
    check_url(body.url, allow_private=allow_private, resolve=resolve)
    return WebhookSubscription.model_validate(
        {
            **body.model_dump(exclude={"id", "secret"}),
            "tenant": tenant,
            "id": body.id or new_entity_id("hook"),
            "secret": body.secret or new_secret(),
            "updated_at": now,
        }
    )


def apply_subscription_update(
    sub: WebhookSubscription,
    patch: SubscriptionUpdate,
    *,
    now: datetime,
    allow_private: bool,
    resolve: bool = True,
) -> WebhookSubscription:
    """The subscription after a PATCH; re-enabling clears the 410 reason, ``rotate_secret`` makes a new
    secret. The new URL passes the SSRF guard."""
    changes = patch.model_dump(exclude_unset=True, exclude={"rotate_secret"})
    if "url" in changes:
        check_url(changes["url"], allow_private=allow_private, resolve=resolve)
    if changes.get("enabled"):
        changes["disabled_reason"] = None
    if patch.rotate_secret:
        changes["secret"] = new_secret()
    return WebhookSubscription.model_validate({**sub.model_dump(), **changes, "updated_at": now})


def subscription_public(sub: WebhookSubscription) -> SubscriptionPublic:
    return SubscriptionPublic.model_validate(
        {
            **sub.model_dump(exclude={"schema_version", "tenant", "secret"}),
            "secret_hint": secret_hint(sub.secret),
        }
    )


def subscription_created(sub: WebhookSubscription) -> SubscriptionCreated:
    return SubscriptionCreated.model_validate({**subscription_public(sub).model_dump(), "secret": sub.secret})
