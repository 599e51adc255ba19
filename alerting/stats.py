"""Small, dependency-free statistics for the detectors (all pure, all total on valid input).

* :func:`poisson_sf` — P(X ≥ k) for X ~ Poisson(λ): the chance of seeing at least ``k`` mentions in a
  window when the baseline predicts ``λ``. Summed in log space from the side that converges, so it stays
  accurate for p-values far below 1e-10.
* :func:`binomial_sf` — P(X ≥ k) for X ~ Binomial(n, p): the chance of at least ``k`` negative mentions
  out of ``n`` when the usual negative share is ``p``.
* :func:`two_proportion_z` — pooled two-proportion z statistic (window share vs baseline share).
* :func:`ewma_stats` — exponentially weighted mean and variance of a count series.
* :func:`normal_sf` — upper tail of the standard normal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def normal_sf(z: float) -> float:
    """P(Z ≥ z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _poisson_log_pmf(i: int, lam: float) -> float:
    return -lam + i * math.log(lam) - math.lgamma(i + 1)


def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(``lam``); ``k`` ≤ 0 gives 1, ``lam`` = 0 gives 0 for ``k`` ≥ 1.

    Raises ``ValueError`` for a negative ``lam``.
    """
    if lam < 0:
        raise ValueError("lambda must be >= 0")
    if k <= 0:
        return 1.0
    if lam == 0:
        return 0.0
    if k > lam:
        # upper tail directly: terms decrease geometrically from i = k on
        log_t = _poisson_log_pmf(k, lam)
        total = 0.0
        i = k
        term = math.exp(log_t)
        if term == 0.0:
            return 0.0  # below the smallest float
        while True:
            total += term
            i += 1
            term *= lam / i
            if term < total * 1e-17 or i > k + 100_000:
                break
        return min(1.0, total)
    # k <= lam: 1 - P(X <= k-1), summing the lower tail downwards from its largest term
    log_t = _poisson_log_pmf(k - 1, lam)
    term = math.exp(log_t)
    total = 0.0
    i = k - 1
    while i >= 0:
        total += term
        if term < total * 1e-17:
            break
        term *= i / lam
        i -= 1
    return max(0.0, min(1.0, 1.0 - total))


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(``n``, ``p``). Exact (log-space sum); ``ValueError`` on bad input."""
    if n < 0 or not 0.0 <= p <= 1.0:
        raise ValueError("need n >= 0 and 0 <= p <= 1")
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)

    def log_pmf(i: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q

    logs = [log_pmf(i) for i in range(k, n + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pooled z statistic of share x1/n1 against x2/n2 (positive when the first is higher).

    0 when either sample is empty or the pooled share is 0 or 1 (no variance: nothing to test).
    """
    if n1 <= 0 or n2 <= 0:
        return 0.0
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    if var <= 0:
        return 0.0
    return (x1 / n1 - x2 / n2) / math.sqrt(var)


@dataclass(frozen=True, slots=True)
class Ewma:
    mean: float
    variance: float


def ewma_stats(series: Sequence[float], alpha: float) -> Ewma:
    """Exponentially weighted mean and variance of ``series`` (oldest first), West's recurrence:
    ``m ← m + α·d``, ``v ← (1-α)·(v + α·d²)`` with ``d = x - m``. Empty series: mean 0, variance 0."""
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha must be in (0, 1]")
    if not series:
        return Ewma(0.0, 0.0)
    mean = float(series[0])
    var = 0.0
    for x in series[1:]:
        diff = x - mean
        mean += alpha * diff
        var = (1.0 - alpha) * (var + alpha * diff * diff)
    return Ewma(mean, var)
