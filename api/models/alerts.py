"""Alerts (the ``<prefix>-alerts`` index), their lifecycle, response-time KPIs, and request examples of
alert rules (the rule shapes themselves are :mod:`alerting.api_shapes`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alerting.lifecycle import AlertStatus, Lifecycle
from schemas.alert import AlertExplanation, AlertLang, AlertSample
from schemas.rules import RuleKind

MAX_ALERT_PAGE = 200

RULE_CREATE_EXAMPLES: dict[str, dict[str, Any]] = {
    "crisis": {
        "summary": "crisis terms: every negative mention of the query",
        "value": {
            "id": "bonval-crise-alerte",
            "name": "Bonval — crise",
            "query_id": "bonval-crise",
            "detector": {"kind": "match", "only_negative": True},
            "cooldown_s": 900,
        },
    },
    "spike": {
        "summary": "volume spike: last 15 min against the previous 24 h",
        "value": {
            "name": "Bonval — pic de volume",
            "query_id": "bonval",
            "detector": {"kind": "spike", "window_s": 900, "baseline_s": 86400, "min_count": 10},
        },
    },
    "influencer": {
        "summary": "an author with at least 50,000 followers",
        "value": {
            "query_id": "bonval",
            "detector": {"kind": "influencer", "min_followers": 50000},
            "cooldown_s": 0,
        },
    },
}
RULE_UPDATE_EXAMPLES: dict[str, dict[str, Any]] = {
    "pause": {"summary": "pause a rule", "value": {"enabled": False}},
    "threshold": {
        "summary": "change the detector",
        "value": {"detector": {"kind": "negative_surge", "window_s": 3600, "min_increase": 0.2}},
    },
}


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AlertSearchParams(BaseModel):
    """Which alerts: the tenant's, newest first (by ``fired_at``)."""

    rule_id: list[str] = Field(default_factory=list, description="alerts of these rules (repeatable)")
    kind: list[RuleKind] = Field(default_factory=list, description="match, spike, negative_surge, …")
    status: list[AlertStatus] = Field(default_factory=list, description="open, acknowledged, resolved")
    since: datetime | None = Field(default=None, description="fired at or after (ISO 8601, UTC if no zone)")
    until: datetime | None = Field(default=None, description="fired before (ISO 8601, UTC if no zone)")
    size: int = Field(default=20, ge=1, le=MAX_ALERT_PAGE)
    cursor: str | None = Field(
        default=None, max_length=1000, description="`next_cursor` of the previous page"
    )

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _utc(value)

    @field_validator("rule_id")
    @classmethod
    def _rule_ids(cls, value: list[str]) -> list[str]:
        if len(value) > 50 or any(len(v) > 128 for v in value):
            raise ValueError("at most 50 rule ids of at most 128 characters")
        return value


class AlertPublic(BaseModel):
    """An alert: why it fired, sample mentions with links, and where it stands (``lifecycle``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5b1d0f6e2a9c4e7d8f3a1b2c4d5e6f70",
                    "rule_id": "bonval-pic",
                    "rule_name": "Bonval — pic de volume",
                    "kind": "spike",
                    "query_id": "bonval",
                    "fired_at": "2026-11-22T08:14:00Z",
                    "emitted_at": "2026-11-22T08:14:01Z",
                    "grouped": False,
                    "count": 42,
                    "lang": "fr",
                    "title": "Pic de mentions : Bonval (42 en 15 min, 3,1 attendues)",
                    "text": "42 mentions en 15 minutes contre 3,1 attendues (p < 0,001).",
                    "explanation": {
                        "statistic": "poisson_upper_tail",
                        "observed": 42,
                        "baseline": 3.1,
                        "threshold": 0.001,
                        "p_value": 1e-12,
                    },
                    "samples": [],
                    "lifecycle": {
                        "status": "acknowledged",
                        "opened_at": "2026-11-22T08:14:00Z",
                        "acknowledged_at": "2026-11-22T08:20:00Z",
                        "acknowledged_by": "camille (key 9f2c1a7b3d4e)",
                    },
                }
            ]
        }
    )

    id: str
    rule_id: str
    rule_name: str = ""
    kind: RuleKind
    query_id: str
    fired_at: datetime = Field(description="event time (the triggering mention's publication)")
    emitted_at: datetime
    grouped: bool = Field(default=False, description="mentions grouped during the rule's cooldown")
    count: int = Field(description="mentions this alert stands for")
    grouped_since: datetime | None = None
    lang: AlertLang
    title: str
    text: str
    explanation: AlertExplanation
    samples: list[AlertSample] = Field(default_factory=list)
    lifecycle: Lifecycle


class AlertPage(BaseModel):
    total: int = Field(description="matching alerts (exact up to 10,000, then a lower bound)")
    items: list[AlertPublic]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


class AlertAction(BaseModel):
    """Optional body of acknowledge / resolve / reopen. Who and when are the caller's key and now."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "Réponse publiée sur X et Facebook"}]}
    )

    note: str | None = Field(default=None, max_length=2000, description="kept with the lifecycle")


class KpiParams(BaseModel):
    per_rule: bool = Field(default=True, description="also one row per rule")
    since: datetime | None = Field(default=None, description="alerts fired at or after (ISO 8601)")
    until: datetime | None = Field(default=None, description="alerts fired before (ISO 8601)")
    rule_id: list[str] = Field(default_factory=list, description="only these rules (repeatable)")

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _utc(value)

    @field_validator("rule_id")
    @classmethod
    def _rule_ids(cls, value: list[str]) -> list[str]:
        if len(value) > 50 or any(len(v) > 128 for v in value):
            raise ValueError("at most 50 rule ids of at most 128 characters")
        return value


class KpiPublic(BaseModel):
    """Response figures of the tenant (``rule_id`` null) or of one rule. Times in seconds."""

    rule_id: str | None = Field(default=None, description="null: every rule of the tenant")
    rule_name: str | None = Field(default=None, description="the rule's current name, if it still exists")
    alerts: int
    open: int
    acknowledged: int
    resolved: int
    ack_p50_s: float | None = Field(default=None, description="time to acknowledge, median")
    ack_p90_s: float | None = Field(default=None, description="time to acknowledge, 90th percentile")
    resolve_p50_s: float | None = Field(default=None, description="time to resolve, median")
    resolve_p90_s: float | None = Field(default=None, description="time to resolve, 90th percentile")


class AlertKpis(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "since": "2026-11-01T00:00:00Z",
                    "until": None,
                    "tenant": {
                        "rule_id": None,
                        "alerts": 12,
                        "open": 2,
                        "acknowledged": 3,
                        "resolved": 7,
                        "ack_p50_s": 420.0,
                        "ack_p90_s": 1800.0,
                        "resolve_p50_s": 5400.0,
                        "resolve_p90_s": 14400.0,
                    },
                    "rules": [],
                    "truncated": False,
                }
            ]
        }
    )

    since: datetime | None = None
    until: datetime | None = None
    tenant: KpiPublic = Field(description="every alert of the tenant in the period")
    rules: list[KpiPublic] = Field(default_factory=list, description="one row per rule (per_rule=true)")
    truncated: bool = Field(
        default=False, description="more alerts than the KPI limit matched: figures cover the newest ones"
    )
