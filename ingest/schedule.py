"""When to poll next (pure): the interval with ±10 % jitter; after errors, exponential backoff capped at
an hour, never sooner than the server's Retry-After; streams reconnect quickly after a clean end."""

from __future__ import annotations

import random

MAX_BACKOFF_S = 3600.0


def next_delay(
    interval_s: float,
    errors_in_a_row: int,
    retry_after_s: float | None = None,
    *,
    streaming: bool = False,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before the next poll (or stream reconnection) of a source."""
    r = rng or random
    if streaming:
        base = 1.0 if errors_in_a_row == 0 else min(2.0 ** min(errors_in_a_row, 12), 300.0)
    elif errors_in_a_row:
        base = min(interval_s * (2 ** min(errors_in_a_row, 10)), MAX_BACKOFF_S)
    else:
        base = interval_s
    delay = base * r.uniform(0.9, 1.1)
    return max(delay, retry_after_s or 0.0)
