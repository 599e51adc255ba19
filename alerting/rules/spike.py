"""Volume spike: the count of the last ``window_s`` against the ``baseline_s`` that precede it.

Two tests, chosen per rule (``method``):

* **Poisson** (default). The baseline gives a rate; the expected count in the window is
  ``λ = max(baseline_count, 1) · window_s / baseline_s`` (the floor of one mention per baseline keeps a
  brand-new or silent query from having λ = 0, where any mention would be "infinitely" surprising).
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


def expected_count(rule: SpikeDetector, baseline_count: int) -> float:
    """λ: mentions expected in one window from the baseline (with the one-mention floor)."""
    return max(baseline_count, 1) * rule.window_s / rule.baseline_s


def detect_spike_poisson(
    rule: SpikeDetector, *, observed: int, baseline_count: int, window_end: float
) -> Decision:
    """``observed``: mentions in ``[window_end − window_s, window_end)``; ``baseline_count``: mentions in
    the ``baseline_s`` before that window."""
    lam = expected_count(rule, baseline_count)
    p = poisson_sf(observed, lam)
    ratio = observed / lam
    fired = observed >= rule.min_count and ratio >= rule.min_ratio and p <= rule.p_value
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
        baseline_start=_dt(start - rule.baseline_s),
        baseline_end=_dt(start),
        details={
            "baseline_count": baseline_count,
            "min_count": rule.min_count,
            "min_ratio": rule.min_ratio,
            "ratio": round(ratio, 2),
            "window_s": rule.window_s,
            "baseline_s": rule.baseline_s,
        },
    )


def detect_spike_ewma(
    rule: SpikeDetector, *, observed: int, history: Sequence[int], window_end: float
) -> Decision:
    """``history``: counts of the consecutive windows of the baseline, oldest first."""
    stats = ewma_stats([float(c) for c in history], rule.ewma_alpha)
    scale = math.sqrt(max(stats.variance, stats.mean, 1.0))
    z = (observed - stats.mean) / scale
    floor = rule.window_s / rule.baseline_s
    ratio = observed / max(stats.mean, floor)
    fired = observed >= rule.min_count and ratio >= rule.min_ratio and z >= rule.z_threshold
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
        },
    )
