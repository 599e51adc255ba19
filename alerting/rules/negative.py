"""Negative surge: the negative share of the last ``window_s`` rises significantly above its baseline.

With ``n_w`` mentions and ``x_w`` negative ones in the window, ``n_b``/``x_b`` in the baseline:

* when the baseline is large enough (``n_b ≥ min_baseline_count``) the test is the pooled
  two-proportion z-test, ``z = (x_w/n_w − x_b/n_b) / sqrt(p(1−p)(1/n_w + 1/n_b))`` with
  ``p = (x_w + x_b)/(n_w + n_b)``; it fires when ``z ≥ z_threshold`` (one-sided);
* otherwise the window is compared with the rule's ``prior_negative_share`` by the exact binomial
  upper tail ``P(X ≥ x_w)``, X ~ Binomial(n_w, prior); it fires when that p-value is at most the
  normal tail of ``z_threshold`` (same significance level).

In both cases the rule also needs ``n_w ≥ min_count``, ``x_w ≥ min_negative`` and a rise of the share of
at least ``min_increase`` (a significant but tiny rise is not worth a CM's attention).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from alerting.rules.decision import Decision
from alerting.stats import binomial_sf, normal_sf, two_proportion_z
from schemas.rules import NegativeSurgeDetector


@dataclass(frozen=True, slots=True)
class NegativeCounts:
    window_total: int
    window_negative: int
    baseline_total: int
    baseline_negative: int


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def detect_negative_surge(
    rule: NegativeSurgeDetector,
    counts: NegativeCounts,
    *,
    window_end: float,
    baseline_span_s: int | None = None,
) -> Decision:
    """``counts``: the window's and the baseline's; the baseline spans ``baseline_span_s`` before the
    window (default ``baseline_s``; a long one starts on a whole hour, see :mod:`alerting.retention`)."""
    n_w, x_w = counts.window_total, counts.window_negative
    n_b, x_b = counts.baseline_total, counts.baseline_negative
    share = x_w / n_w if n_w else 0.0
    alpha = normal_sf(rule.z_threshold)
    z: float | None
    if n_b >= rule.min_baseline_count:
        base_share = x_b / n_b
        z = two_proportion_z(x_w, n_w, x_b, n_b)
        p = normal_sf(z)
        statistic, threshold, significant = "two_proportion_z", rule.z_threshold, z >= rule.z_threshold
    else:
        base_share = rule.prior_negative_share
        p = binomial_sf(x_w, n_w, base_share)
        z = None
        statistic, threshold, significant = "binomial_upper_tail", alpha, p <= alpha
    fired = (
        n_w >= rule.min_count
        and x_w >= rule.min_negative
        and share - base_share >= rule.min_increase
        and significant
    )
    start = window_end - rule.window_s
    return Decision(
        fired=fired,
        statistic=statistic,
        observed=round(share, 4),
        baseline=round(base_share, 4),
        threshold=threshold,
        p_value=p,
        z=z,
        window_start=_dt(start),
        window_end=_dt(window_end),
        baseline_start=_dt(start - (baseline_span_s or rule.baseline_s)),
        baseline_end=_dt(start),
        details={
            "window_total": n_w,
            "window_negative": x_w,
            "baseline_total": n_b,
            "baseline_negative": x_b,
            "min_count": rule.min_count,
            "min_negative": rule.min_negative,
            "min_increase": rule.min_increase,
            "window_s": rule.window_s,
        },
    )
