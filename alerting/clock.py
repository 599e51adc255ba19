"""Event time for the detectors (pure).

Windows, baselines and cooldowns run on the mentions' ``published_at``, never on arrival time, so a
burst replayed in seconds is counted and grouped as it happened. Each partition keeps a *watermark*:
the latest event time seen (future-dated mentions are clamped to the wall clock plus a small skew, so
one bad date cannot push the clock days ahead).

* A mention older than ``watermark − max_lateness`` is *late*: it is still counted in its buckets
  (baselines stay complete whatever the arrival order) but never fires an alert on its own — a feed
  that delivers last week's posts must not page anyone.
* When a partition receives nothing for ``idle_advance_s``, its event clock follows the wall clock
  from there, so a cooldown group still gets flushed on a quiet query; while mentions flow (live or in a
  fast replay) only event time moves the clock.
"""

from __future__ import annotations


def clamp_event_time(t: float, *, wall: float, future_skew_s: float) -> float:
    return min(t, wall + future_skew_s)


def is_late(t: float, *, watermark: float, max_lateness_s: float) -> bool:
    return t < watermark - max_lateness_s


def effective_now(*, watermark: float, wall: float, last_event_wall: float, idle_advance_s: float) -> float:
    """The partition's event clock: the watermark, advanced by the wall time spent idle beyond
    ``idle_advance_s``."""
    return watermark + max(0.0, wall - last_event_wall - idle_advance_s)
