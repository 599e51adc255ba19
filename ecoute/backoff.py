"""Exponential backoff with full jitter (AWS architecture blog's "full jitter")."""

from __future__ import annotations

import random


def backoff_delay(attempt: int, *, base_s: float = 0.5, cap_s: float = 30.0) -> float:
    """Delay before retry number ``attempt`` (0-based): uniform in [0, min(cap, base·2^attempt)]."""
    return random.uniform(0.0, min(cap_s, base_s * (2 ** min(attempt, 30))))
