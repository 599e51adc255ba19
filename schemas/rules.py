"""Alert rules (compacted topic ``config.rules``, key ``tenant:rule id``; a tombstone deletes).

A rule belongs to a tenant, watches one of the tenant's queries (``query_id``) and carries one detector
with its parameters (a discriminated union on ``kind``). Window lengths are whole minutes because the
alerting worker counts mentions in one-minute buckets. The statistics behind each detector are
documented in ``alerting/rules/``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from schemas.common import Frozen, UtcDatetime
from schemas.config import ENTITY_ID_PATTERN, TENANT_PATTERN

MINUTE = 60
HOUR = 3600
DAY = 86_400
MAX_BASELINE_S = 7 * DAY

RuleKind = Literal["match", "spike", "negative_surge", "influencer", "new_source"]
RULE_KINDS: tuple[RuleKind, ...] = ("match", "spike", "negative_surge", "influencer", "new_source")


def _whole_minutes(value: int, name: str) -> None:
    if value % MINUTE:
        raise ValueError(f"{name} must be a whole number of minutes (multiple of 60 s)")


class MatchDetector(Frozen):
    """Fires on each mention matching the query (optionally only negative ones, or big authors)."""

    kind: Literal["match"] = "match"
    only_negative: bool = False
    min_followers: int | None = Field(default=None, ge=0, description="author reach at least this")


class SpikeDetector(Frozen):
    """Mentions in the last ``window_s`` against the rate of the ``baseline_s`` before it."""

    kind: Literal["spike"] = "spike"
    window_s: int = Field(default=15 * MINUTE, ge=MINUTE, le=DAY)
    baseline_s: int = Field(default=DAY, ge=HOUR, le=MAX_BASELINE_S)
    method: Literal["poisson", "ewma"] = "poisson"
    min_count: int = Field(default=10, ge=1, description="never fire below this many mentions")
    min_ratio: float = Field(default=3.0, ge=1.0, description="observed / expected at least this")
    p_value: float = Field(default=0.001, gt=0.0, lt=0.5, description="Poisson upper-tail level")
    z_threshold: float = Field(default=4.0, gt=0.0, description="EWMA z-score threshold")
    ewma_alpha: float = Field(default=0.1, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _check(self) -> SpikeDetector:
        _whole_minutes(self.window_s, "window_s")
        _whole_minutes(self.baseline_s, "baseline_s")
        if self.baseline_s < 2 * self.window_s:
            raise ValueError("baseline_s must be at least twice window_s")
        return self


class NegativeSurgeDetector(Frozen):
    """The negative share of the last ``window_s`` against the ``baseline_s`` before it."""

    kind: Literal["negative_surge"] = "negative_surge"
    window_s: int = Field(default=HOUR, ge=MINUTE, le=DAY)
    baseline_s: int = Field(default=MAX_BASELINE_S, ge=HOUR, le=MAX_BASELINE_S)
    min_count: int = Field(default=10, ge=1, description="mentions in the window at least")
    min_negative: int = Field(default=5, ge=1, description="negative mentions in the window at least")
    min_increase: float = Field(default=0.15, ge=0.0, le=1.0, description="share rise at least this")
    z_threshold: float = Field(default=3.09, gt=0.0, description="one-sided; 3.09 ≈ p 0.001")
    min_baseline_count: int = Field(default=30, ge=1, description="below: compare with the prior share")
    prior_negative_share: float = Field(default=0.2, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _check(self) -> NegativeSurgeDetector:
        _whole_minutes(self.window_s, "window_s")
        _whole_minutes(self.baseline_s, "baseline_s")
        if self.baseline_s < self.window_s:
            raise ValueError("baseline_s must be at least window_s")
        return self


class InfluencerDetector(Frozen):
    """A mention by an author whose reach (followers, past reach, or the tenant's list) is high."""

    kind: Literal["influencer"] = "influencer"
    min_followers: int = Field(default=50_000, ge=1)
    known_reach: dict[str, int] = Field(
        default_factory=dict,
        max_length=10_000,
        description="author handle or name → audience, for sources that do not report followers",
    )
    only_negative: bool = False


class NewSourceDetector(Frozen):
    """The first mention of the query on a site never seen for it, after a learning period."""

    kind: Literal["new_source"] = "new_source"
    learn_s: int = Field(
        default=7 * DAY,
        ge=0,
        le=90 * DAY,
        description="sites seen during this long after the query's first mention are the baseline",
    )


Detector = Annotated[
    MatchDetector | SpikeDetector | NegativeSurgeDetector | InfluencerDetector | NewSourceDetector,
    Field(discriminator="kind"),
]


class AlertRule(Frozen):
    """A tenant's alert rule on one of its queries (topic ``config.rules``, key ``tenant:id``)."""

    schema_version: Literal[1] = 1
    tenant: str = Field(pattern=TENANT_PATTERN)
    id: str = Field(pattern=ENTITY_ID_PATTERN)
    name: str = Field(default="", max_length=200)
    query_id: str = Field(pattern=ENTITY_ID_PATTERN)
    enabled: bool = True
    detector: Detector
    cooldown_s: int = Field(default=15 * MINUTE, ge=0, le=7 * DAY, description="0 = alert on every firing")
    max_samples: int = Field(default=5, ge=1, le=20)
    updated_at: UtcDatetime

    @property
    def key(self) -> str:
        return rule_key(self.tenant, self.id)

    @property
    def kind(self) -> RuleKind:
        return self.detector.kind


def rule_key(tenant: str, rule_id: str) -> str:
    """Kafka key of a rule (and of the alerts it fires)."""
    return f"{tenant}:{rule_id}"
