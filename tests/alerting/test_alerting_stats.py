from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerting.stats import binomial_sf, ewma_stats, normal_sf, poisson_sf, two_proportion_z


def brute_poisson_sf(k: int, lam: float) -> float:
    return 1.0 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k))


@given(st.integers(min_value=0, max_value=60), st.floats(min_value=0.01, max_value=40.0))
def test_poisson_sf_matches_the_definition(k: int, lam: float) -> None:
    assert poisson_sf(k, lam) == pytest.approx(brute_poisson_sf(k, lam), abs=1e-9)


@given(st.integers(min_value=1, max_value=500), st.floats(min_value=0.001, max_value=200.0))
def test_poisson_sf_decreases_in_k_and_increases_in_lambda(k: int, lam: float) -> None:
    assert poisson_sf(k + 1, lam) <= poisson_sf(k, lam) + 1e-15
    assert poisson_sf(k, lam) <= poisson_sf(k, lam * 1.5) + 1e-15


def test_poisson_sf_keeps_tiny_tails() -> None:
    p = poisson_sf(60, 0.25)  # 60 mentions where 0.25 are expected
    assert 0.0 < p < 1e-80
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(3, 0.0) == 0.0
    with pytest.raises(ValueError, match="lambda"):
        poisson_sf(1, -1.0)


@given(st.integers(min_value=0, max_value=80), st.floats(min_value=0.0, max_value=1.0))
@settings(max_examples=200)
def test_binomial_sf_is_a_tail_of_a_distribution(n: int, p: float) -> None:
    tails = [binomial_sf(k, n, p) for k in range(n + 2)]
    assert tails[0] == 1.0 and tails[-1] == 0.0
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(tails))
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    for k in range(n + 1):
        assert tails[k] == pytest.approx(sum(pmf[k:]), abs=1e-9)


def test_two_proportion_z_sign_and_degenerate_cases() -> None:
    assert two_proportion_z(30, 40, 20, 100) > 5
    assert two_proportion_z(5, 40, 50, 100) < 0
    assert two_proportion_z(0, 0, 5, 10) == 0.0
    assert two_proportion_z(10, 10, 10, 10) == 0.0  # pooled share 1: no variance
    assert normal_sf(3.09) == pytest.approx(0.001, rel=0.01)


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=100), st.floats(0.01, 1.0))
def test_ewma_mean_stays_within_the_range(series: list[int], alpha: float) -> None:
    stats = ewma_stats([float(x) for x in series], alpha)
    assert min(series) - 1e-6 <= stats.mean <= max(series) + 1e-6
    assert stats.variance >= 0.0


def test_ewma_of_a_constant_series_has_no_variance() -> None:
    stats = ewma_stats([4.0] * 50, 0.2)
    assert stats.mean == pytest.approx(4.0) and stats.variance == pytest.approx(0.0)
    with pytest.raises(ValueError, match="alpha"):
        ewma_stats([1.0], 0.0)
