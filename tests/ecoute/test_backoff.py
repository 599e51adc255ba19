from __future__ import annotations

from ecoute.backoff import backoff_delay


def test_backoff_is_bounded_and_grows() -> None:
    for attempt in range(40):
        d = backoff_delay(attempt, base_s=0.5, cap_s=30.0)
        assert 0.0 <= d <= min(30.0, 0.5 * 2**attempt)
    late = [backoff_delay(10) for _ in range(200)]
    early = [backoff_delay(0) for _ in range(200)]
    assert max(early) <= 0.5 < max(late)
