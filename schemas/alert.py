"""Alert events (topic ``alerts``, key ``tenant:rule id``): one event per fired or grouped alert.

An alert says why it fired (the explanation: observed value, baseline, threshold, the statistic used)
and shows sample mentions with links; ``text`` is written in the language of the mentions (fr/en).
``count`` is the number of mentions the alert stands for: the one that fired it plus those grouped
during the rule's cooldown. The id is deterministic (tenant, rule, trigger), so a replayed alert keeps
its id and downstream consumers (webhooks, the alert store) deduplicate on it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.common import Frozen, UtcDatetime
from schemas.rules import RuleKind

AlertLang = Literal["fr", "en"]


def alert_event_type(kind: str) -> str:
    """Webhook / SSE event type of an alert kind (``alert.spike`` …)."""
    return f"alert.{kind}"


class AlertSample(Frozen):
    """A mention shown in an alert, with its link."""

    mention_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    url: str | None = Field(default=None, max_length=4096)
    title: str | None = Field(default=None, max_length=300)
    excerpt: str = Field(default="", max_length=400)
    author: str | None = Field(default=None, max_length=512)
    followers: int | None = Field(default=None, ge=0)
    site: str = Field(max_length=300)
    source_id: str = Field(max_length=200)
    lang: str = Field(max_length=35)
    sentiment: Literal["negative", "neutral", "positive"] | None = None
    sentiment_score: float | None = Field(default=None, ge=-1.0, le=1.0)
    published_at: UtcDatetime


class AlertExplanation(Frozen):
    """Why the rule fired: what was measured, against what, with which test."""

    statistic: str = Field(
        max_length=60,
        description="match | poisson_upper_tail | ewma_z | two_proportion_z | binomial_upper_tail | "
        "followers | first_seen_site",
    )
    observed: float
    baseline: float | None = Field(default=None, description="expected value / baseline share")
    threshold: float
    p_value: float | None = Field(default=None, ge=0.0, le=1.0)
    z: float | None = None
    window_start: UtcDatetime | None = None
    window_end: UtcDatetime | None = None
    baseline_start: UtcDatetime | None = None
    baseline_end: UtcDatetime | None = None
    details: dict[str, float | int | str] = Field(default_factory=dict, max_length=20)


class Alert(Frozen):
    """A fired (or grouped) alert."""

    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^[0-9a-f]{32}$", description="hash of (tenant, rule, trigger)")
    tenant: str = Field(min_length=1, max_length=100)
    rule_id: str = Field(min_length=1, max_length=200)
    rule_name: str = Field(default="", max_length=200)
    kind: RuleKind
    query_id: str = Field(min_length=1, max_length=200)
    fired_at: UtcDatetime = Field(description="event time (mention published_at) of the trigger")
    emitted_at: UtcDatetime = Field(description="processing time the worker emitted the alert")
    grouped: bool = Field(default=False, description="flush of mentions grouped during the cooldown")
    count: int = Field(ge=1, description="mentions this alert stands for (trigger + grouped)")
    grouped_since: UtcDatetime | None = Field(default=None, description="start of the grouped period")
    lang: AlertLang
    title: str = Field(max_length=300)
    text: str = Field(max_length=4000)
    explanation: AlertExplanation
    samples: tuple[AlertSample, ...] = Field(default=(), max_length=20)

    @property
    def key(self) -> str:
        return f"{self.tenant}:{self.rule_id}"

    @property
    def event_type(self) -> str:
        return alert_event_type(self.kind)
