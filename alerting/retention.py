"""How long a query's count buckets are kept, and where a long baseline starts.

Hour buckets are kept ``retention_s`` (8 days: the longest baseline, 7 days, plus the longest window).
Minute buckets are only read at the ragged ends of a range, so a query keeps them only as long as its
enabled rules can read them (:func:`minute_keep_s`):

* a window reads minutes as old as ``window_s``, plus ``max_lateness_s``: a mention that late is still
  judged, in its own window;
* an EWMA spike reads every window of its baseline, at minute resolution: ``window_s + baseline_s``;
* a Poisson spike or negative-surge baseline shorter than ``ALIGN_FROM_S`` is summed exactly, so it
  needs ``window_s + baseline_s`` too; a longer one starts at the first whole hour at or after
  ``window start − baseline_s`` (:func:`baseline_start`): its far end is read from hour buckets, up to
  59 minutes are left out (≤ 8 %; the detectors use the span actually counted) and no old minute is
  needed.
* every query keeps at least ``MIN_WINDOW_S``, so a rule added later reads exact windows of up to an
  hour at once; a longer window, or a rule that needs more, is exact once that much was kept for it.

Kept for 8 days, one busy query's minute buckets take 192 groups of ~1.1 KB (~210 KB; 10,000 such
queries: 2 GB); with the default rules (15-minute spike over a day, hour of negative surge over a week)
and two hours of lateness, 3 hours: 4 or 5 groups (~5 KB).
"""

from __future__ import annotations

from collections.abc import Iterable

from alerting.buckets import HOUR
from schemas.rules import AlertRule, NegativeSurgeDetector, SpikeDetector

MIN_WINDOW_S = HOUR
ALIGN_FROM_S = 12 * HOUR


def minute_keep_s(rules: Iterable[AlertRule], max_lateness_s: float) -> float:
    """How long after its end a minute bucket of the query with ``rules`` must be kept."""
    need = MIN_WINDOW_S
    for rule in rules:
        det = rule.detector
        if not rule.enabled or not isinstance(det, SpikeDetector | NegativeSurgeDetector):
            continue
        exact_baseline = det.baseline_s < ALIGN_FROM_S or (
            isinstance(det, SpikeDetector) and det.method == "ewma"
        )
        need = max(need, det.window_s + (det.baseline_s if exact_baseline else 0))
    return need + max_lateness_s


def baseline_start(window_start: int, baseline_s: int) -> int:
    """Start of the baseline before a window starting at ``window_start`` (a whole minute): exactly
    ``baseline_s`` earlier when shorter than ``ALIGN_FROM_S``, else the first whole hour from there."""
    start = window_start - baseline_s
    if baseline_s < ALIGN_FROM_S:
        return start
    return -(-start // HOUR) * HOUR
