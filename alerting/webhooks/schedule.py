"""Retry policy and attempt bookkeeping (pure).

* A 2xx answer delivers. ``410 Gone`` means the endpoint is gone for good: the delivery dies and the
  subscription is disabled. Every other outcome (other status, timeout, connection error) is retried.
* Retry ``n`` waits ``delays[n-1]`` seconds ± ``jitter`` (uniform), so retries of many deliveries that
  failed together spread out; the default schedule spans ~15.6 hours (:mod:`alerting.settings`).
* ``429`` and ``503`` with a ``Retry-After`` (seconds or HTTP date) wait what the endpoint asked
  (capped), instead of the schedule's delay; the attempt still counts.
* After the last delay the delivery is dead: it goes to ``dlq.webhooks`` and can be replayed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from schemas.webhooks import MAX_ATTEMPTS_KEPT, AttemptOutcome, DeliveryAttempt, WebhookDelivery


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    delays_s: tuple[float, ...]
    jitter: float = 0.2
    retry_after_cap_s: float = 86_400.0

    @property
    def max_attempts(self) -> int:
        return len(self.delays_s) + 1


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if absent/bad."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def is_success(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def retry_delay(
    policy: RetryPolicy,
    attempt_count: int,
    status: int | None,
    retry_after_s: float | None,
    rng: random.Random,
) -> float | None:
    """Delay before the next attempt after ``attempt_count`` attempts; None when none is left."""
    if attempt_count >= policy.max_attempts:
        return None
    if status in (429, 503) and retry_after_s is not None:
        return min(retry_after_s, policy.retry_after_cap_s)
    base = policy.delays_s[attempt_count - 1]
    return max(0.0, base * rng.uniform(1.0 - policy.jitter, 1.0 + policy.jitter))


def settle_attempt(
    delivery: WebhookDelivery,
    *,
    at: datetime,
    status: int | None,
    error: str | None,
    duration_ms: float,
    retry_after_s: float | None,
    policy: RetryPolicy,
    rng: random.Random,
    permanent: str | None = None,
) -> WebhookDelivery:
    """The delivery after one attempt: delivered, scheduled again, or dead (with the reason).

    ``permanent`` forces death without retry (e.g. the URL fails the SSRF guard).
    """
    count = delivery.attempt_count + 1
    number = delivery.attempts[-1].number + 1 if delivery.attempts else 1
    outcome: AttemptOutcome
    state = delivery.state
    next_at: datetime | None = None
    dead_reason: str | None = None
    delivered_at = delivery.delivered_at
    what = f"HTTP {status}" if status is not None else (error or "no answer")
    if permanent is None and is_success(status):
        outcome, state, delivered_at = "delivered", "delivered", at
    elif permanent is None and status == 410:
        outcome, state = "gone", "dead"
        dead_reason = "endpoint answered 410 Gone; subscription disabled"
    else:
        delay = None if permanent else retry_delay(policy, count, status, retry_after_s, rng)
        if delay is None:
            outcome, state = "failed", "dead"
            dead_reason = permanent or f"no success after {count} attempt(s); last: {what}"
        else:
            outcome, state, next_at = "retry", "pending", at + timedelta(seconds=delay)
    attempt = DeliveryAttempt(
        number=number,
        at=at,
        status_code=status,
        error=(error or None) and error[:500],
        duration_ms=max(0.0, duration_ms),
        outcome=outcome,
        retry_after_s=retry_after_s,
    )
    attempts = (*delivery.attempts, attempt)[-MAX_ATTEMPTS_KEPT:]
    return delivery.model_copy(
        update={
            "attempt_count": count,
            "attempts": attempts,
            "state": state,
            "next_attempt_at": next_at,
            "dead_reason": dead_reason[:1000] if dead_reason else None,
            "delivered_at": delivered_at,
            "updated_at": at,
        }
    )


def kill(delivery: WebhookDelivery, *, at: datetime, reason: str) -> WebhookDelivery:
    """Dead without an attempt (subscription deleted or disabled)."""
    return delivery.model_copy(
        update={"state": "dead", "next_attempt_at": None, "dead_reason": reason[:1000], "updated_at": at}
    )
