"""Reading servers' back-off instructions (pure): ``Retry-After`` and rate-limit headers.

Understands ``Retry-After`` (seconds or an HTTP date), Reddit's ``X-Ratelimit-Remaining`` /
``X-Ratelimit-Reset`` (seconds until the window resets) and Mastodon's ``X-RateLimit-Remaining`` /
``X-RateLimit-Reset`` (an ISO 8601 time). Unparseable values are ignored (``None``), never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def _parse_time(value: str) -> datetime | None:
    text = value.strip()
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value (≥ 0), or ``None`` if absent/unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    when = _parse_time(text)
    return None if when is None else max(0.0, (when - now).total_seconds())


def rate_limit_wait_s(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds until the rate-limit window resets when the remaining budget is exhausted (< 1), else
    ``None``. ``headers`` keys are lower-case."""
    remaining = headers.get("x-ratelimit-remaining")
    reset = headers.get("x-ratelimit-reset")
    if remaining is None or reset is None:
        return None
    try:
        if float(remaining) >= 1.0:
            return None
    except ValueError:
        return None
    try:
        return max(0.0, float(reset))
    except ValueError:
        when = _parse_time(reset)
        return None if when is None else max(0.0, (when - now).total_seconds())
