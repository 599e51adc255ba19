"""Settings of the alerting worker and the webhook deliverer (environment, prefix ``ECOUTE_``).

They live here rather than in :class:`ecoute.settings.Settings` so this stage can evolve on its own; the
variable names (``ECOUTE_ALERTING_*``, ``ECOUTE_WEBHOOK_*``) are the ones a merge into the main settings
would keep. Read once per process with :func:`get_alerting_settings`.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RETRY_SCHEDULE_S = (5.0, 30.0, 120.0, 600.0, 1800.0, 3600.0, 7200.0, 14_400.0, 28_800.0)
"""Delays before retries 1..9 (≈ 15.6 h in all), each with ±``webhook_jitter`` jitter."""


class AlertingSettings(BaseSettings):
    """Knobs of alert detection and webhook delivery; the defaults suit production."""

    model_config = SettingsConfigDict(env_prefix="ECOUTE_", frozen=True, extra="ignore")

    # --- detection (Faust worker)
    alerting_batch_size: int = Field(default=500, ge=1)
    alerting_batch_within_s: float = Field(default=0.05, gt=0)
    # the broker holds a fetch until Settings.faust_fetch_min_bytes or this wait: match records are
    # few and small, so this is the wait a match pays (on the webhook's path), and 1000/this the
    # fetches per second of an idle worker (100 ms: ~27 ms less CPU per second idle, webhook p99 later)
    alerting_fetch_max_wait_ms: int = Field(default=20, ge=0)
    alerting_max_lateness_s: float = Field(
        default=2 * 3600.0, ge=0, description="older than the watermark minus this: counted, never alerted"
    )
    alerting_future_skew_s: float = Field(default=300.0, ge=0, description="clamp future-dated mentions")
    alerting_idle_advance_s: float = Field(
        default=30.0, gt=0, description="a partition idle this long lets its event clock follow the wall"
    )
    alerting_tick_s: float = Field(default=2.0, gt=0, description="cooldown flush / expiry tick")
    alerting_retention_s: float = Field(
        default=8 * 86_400.0,
        gt=0,
        description="hour count buckets kept (minute buckets: as long as the rules read them)",
    )
    alerting_recent_samples: int = Field(default=50, ge=1, le=1000)

    # --- webhook delivery
    webhook_retry_schedule_s: tuple[float, ...] = Field(
        default=DEFAULT_RETRY_SCHEDULE_S, min_length=0, max_length=40
    )
    webhook_jitter: float = Field(default=0.2, ge=0, lt=1, description="±fraction applied to each delay")
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    webhook_connect_timeout_s: float = Field(default=5.0, gt=0)
    webhook_retry_after_cap_s: float = Field(default=86_400.0, gt=0)
    webhook_max_in_flight: int = Field(default=8, ge=1, le=256, description="per endpoint")
    webhook_batch_size: int = Field(default=500, ge=1)
    webhook_batch_within_s: float = Field(default=0.05, gt=0)
    webhook_scan_interval_s: float = Field(default=2.0, gt=0, description="outbox scan for due retries")
    webhook_horizon_s: float = Field(default=60.0, gt=0, description="retries due within are kept in memory")
    webhook_max_queued: int = Field(default=20_000, ge=100, description="pause consuming above this")
    webhook_flush_interval_s: float = Field(default=0.2, gt=0, description="attempt records to ES")

    @field_validator("webhook_retry_schedule_s")
    @classmethod
    def _non_negative(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(v < 0 for v in value):
            raise ValueError("retry delays must be >= 0")
        return value


@lru_cache(maxsize=1)
def get_alerting_settings() -> AlertingSettings:
    """The process-wide alerting settings (read once)."""
    return AlertingSettings()
