"""Volume spike: the count of the last ``window_s`` against the ``baseline_s`` that precede it.

Two tests, chosen per rule (``method``):

* **Poisson** (default). The baseline gives a rate; the expected count in the window is
  ``λ = max(baseline_count, 1) · window_s / covered_s`` where ``covered_s`` is the part of the baseline
  the query has existed for (``baseline_s``, or less for a query first seen recently). The floor of one
  mention per baseline keeps a silent query from having λ = 0, where any mention would be "infinitely"
  surprising.
  The p-value is P(X ≥ observed) for X ~ Poisson(λ). The rule fires when
  ``observed ≥ min_count`` **and** ``observed / λ ≥ min_ratio`` **and** ``p ≤ p_value``. The minimum
  count is what stops quiet queries from firing on two mentions: with λ = 0.01, two mentions already
  have p ≈ 5e-5, so significance alone is not enough.
* **EWMA z-score**. The baseline is cut into consecutive windows of ``window_s``; their counts (oldest
  first) give an exponentially weighted mean ``m`` and variance ``v`` (``ewma_alpha``). The score is
  ``z = (observed − m) / sqrt(max(v, m, 1))`` — the Poisson floor ``m`` (and 1) stops a flat history
  with zero variance from turning one extra mention into an infinite z. Fires when
  ``observed ≥ min_count`` **and** ``observed / max(m, window_s/baseline_s) ≥ min_ratio`` **and**
  ``z ≥ z_threshold``. EWMA adapts to trends and daily cycles faster than a flat Poisson rate.

**Warm-up**: a query needs ``min_history_s`` (the smaller of ``baseline_s`` and max(4 windows, 1 h)) of
history before the window, otherwise there is no baseline to compare with and the rule stays quiet — a
query's very first mentions are not a "spike" (match rules are there for that).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from alerting.rules.decision import Decision
from alerting.stats import ewma_stats, poisson_sf
from schemas.rules import SpikeDetector


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def min_history_s(rule: SpikeDetector) -> float:
    """History a query needs before its window for the baseline to mean something."""
    return min(float(rule.baseline_s), max(4.0 * rule.window_s, 3600.0))


def covered_s(rule: SpikeDetector, window_end: float, first_seen: float | None) -> float:
    """How much of the baseline period the query existed for (its first mention bounds it)."""
    start = window_end - rule.window_s
    if first_seen is None:
        return float(rule.baseline_s)
    return max(0.0, min(float(rule.baseline_s), start - first_seen))


def expected_count(rule: SpikeDetector, baseline_count: int, covered: float | None = None) -> float:
    """λ: mentions expected in one window from the baseline (with the one-mention floor)."""
    span = covered if covered else float(rule.baseline_s)
    return max(baseline_count, 1) * rule.window_s / span


def detect_spike_poisson(
    rule: SpikeDetector,
    *,
    observed: int,
    baseline_count: int,
    window_end: float,
    first_seen: float | None = None,
    baseline_span_s: int | None = None,
) -> Decision:
    """``observed``: mentions in ``[window_end − window_s, window_end)``; ``baseline_count``: mentions in
    the ``baseline_span_s`` before that window (default ``baseline_s``; a long baseline starts on a
    whole hour, :func:`alerting.retention.baseline_start`); ``first_seen``: event time of the query's
    first mention."""
    covered = covered_s(rule, window_end, first_seen)
    warm = covered >= min_history_s(rule)
    span = baseline_span_s or rule.baseline_s
    lam = expected_count(rule, baseline_count, min(covered if warm else rule.baseline_s, span))
    p = poisson_sf(observed, lam)
    ratio = observed / lam
    fired = warm and observed >= rule.min_count and ratio >= rule.min_ratio and p <= rule.p_value
    start = window_end - rule.window_s
    return Decision(
        fired=fired,
        statistic="poisson_upper_tail",
        observed=float(observed),
        baseline=lam,
        threshold=rule.p_value,
        p_value=p,
        window_start=_dt(start),
        window_end=_dt(window_end),
        baseline_start=_dt(start - span),
        baseline_end=_dt(start),
        details={
            "baseline_count": baseline_count,
            "min_count": rule.min_count,
            "min_ratio": rule.min_ratio,
            "ratio": round(ratio, 2),
            "window_s": rule.window_s,
            "baseline_s": rule.baseline_s,
            "history_s": round(covered),
            "warm": int(warm),
        },
    )


def detect_spike_ewma(
    rule: SpikeDetector,
    *,
    observed: int,
    history: Sequence[int],
    window_end: float,
    first_seen: float | None = None,
) -> Decision:
    """``history``: counts of the consecutive windows of the baseline, oldest first; windows that
    started before the query's first mention (``first_seen``) are left out."""
    covered = covered_s(rule, window_end, first_seen)
    warm = covered >= min_history_s(rule)
    keep = max(1, int(covered // rule.window_s)) if first_seen is not None else len(history)
    history = list(history)[-keep:]
    stats = ewma_stats([float(c) for c in history], rule.ewma_alpha)
    scale = math.sqrt(max(stats.variance, stats.mean, 1.0))
    z = (observed - stats.mean) / scale
    floor = rule.window_s / rule.baseline_s
    ratio = observed / max(stats.mean, floor)
    fired = warm and observed >= rule.min_count and ratio >= rule.min_ratio and z >= rule.z_threshold
    start = window_end - rule.window_s
    return Decision(
        fired=fired,
        statistic="ewma_z",
        observed=float(observed),
        baseline=stats.mean,
        threshold=rule.z_threshold,
        z=z,
        window_start=_dt(start),
        window_end=_dt(window_end),
        baseline_start=_dt(start - rule.baseline_s),
        baseline_end=_dt(start),
        details={
            "baseline_count": int(sum(history)),
            "ewma_std": round(math.sqrt(stats.variance), 3),
            "min_count": rule.min_count,
            "min_ratio": rule.min_ratio,
            "ratio": round(ratio, 2),
            "window_s": rule.window_s,
            "baseline_s": rule.baseline_s,
            "history_s": round(covered),
            "warm": int(warm),
        },
    )
