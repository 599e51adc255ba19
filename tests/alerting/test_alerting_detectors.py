"""Each detector fires when it should and stays quiet when it should not (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alerting.rules import (
    InfluencerInput,
    NegativeCounts,
    detect_influencer,
    detect_match,
    detect_negative_surge,
    detect_new_source,
    detect_spike_ewma,
    detect_spike_poisson,
)
from schemas.rules import (
    InfluencerDetector,
    MatchDetector,
    NegativeSurgeDetector,
    NewSourceDetector,
    SpikeDetector,
)

END = 1_800_000_000.0


def test_match_filters_on_sentiment_and_reach() -> None:
    assert detect_match(MatchDetector(), negative=False, reach=None).fired
    only_neg = MatchDetector(only_negative=True)
    assert detect_match(only_neg, negative=True, reach=None).fired
    assert not detect_match(only_neg, negative=False, reach=None).fired
    big = MatchDetector(min_followers=10_000)
    assert detect_match(big, negative=False, reach=20_000).fired
    assert not detect_match(big, negative=False, reach=9_999).fired
    assert not detect_match(big, negative=False, reach=None).fired


def test_spike_fires_on_a_burst_over_a_quiet_baseline() -> None:
    rule = SpikeDetector(window_s=900, baseline_s=86_400)
    decision = detect_spike_poisson(rule, observed=60, baseline_count=24, window_end=END)
    assert decision.fired
    assert decision.baseline == 24 * 900 / 86_400  # 0.25 expected
    assert decision.p_value is not None and decision.p_value < 1e-50
    expl = decision.explanation()
    assert expl.statistic == "poisson_upper_tail" and expl.observed == 60
    assert expl.window_end is not None and expl.window_start is not None
    assert (expl.window_end - expl.window_start).total_seconds() == 900


def test_spike_stays_quiet_on_two_mentions_of_a_silent_query() -> None:
    rule = SpikeDetector()
    decision = detect_spike_poisson(rule, observed=2, baseline_count=0, window_end=END)
    assert decision.p_value is not None and decision.p_value < 0.001  # significant …
    assert not decision.fired  # … but below the minimum count


def test_spike_stays_quiet_when_volume_is_as_usual() -> None:
    rule = SpikeDetector()
    # 96 windows of 15 min per day: 30/window usual, 34 observed
    assert not detect_spike_poisson(rule, observed=34, baseline_count=30 * 96, window_end=END).fired


@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=1, max_value=50),
)
def test_spike_is_monotone_in_the_observed_count(observed: int, baseline: int, extra: int) -> None:
    rule = SpikeDetector()
    low = detect_spike_poisson(rule, observed=observed, baseline_count=baseline, window_end=END)
    high = detect_spike_poisson(rule, observed=observed + extra, baseline_count=baseline, window_end=END)
    assert not low.fired or high.fired
    if observed < rule.min_count:
        assert not low.fired


def test_ewma_spike_uses_the_history_of_windows() -> None:
    rule = SpikeDetector(method="ewma", z_threshold=4.0, min_count=10)
    flat = [3] * 96
    assert detect_spike_ewma(rule, observed=40, history=flat, window_end=END).fired
    assert not detect_spike_ewma(rule, observed=5, history=flat, window_end=END).fired
    busy = [40, 42, 38, 41] * 24
    decision = detect_spike_ewma(rule, observed=45, history=busy, window_end=END)
    assert not decision.fired and decision.z is not None and decision.z < 4.0


def test_negative_surge_against_a_real_baseline() -> None:
    rule = NegativeSurgeDetector(window_s=3600)
    surge = NegativeCounts(window_total=40, window_negative=28, baseline_total=500, baseline_negative=75)
    decision = detect_negative_surge(rule, surge, window_end=END)
    assert decision.fired and decision.statistic == "two_proportion_z"
    assert decision.observed == 0.7 and decision.baseline == 0.15
    usual = NegativeCounts(window_total=40, window_negative=7, baseline_total=500, baseline_negative=75)
    assert not detect_negative_surge(rule, usual, window_end=END).fired


def test_negative_surge_needs_minimum_counts() -> None:
    rule = NegativeSurgeDetector(min_count=10, min_negative=5)
    few = NegativeCounts(window_total=4, window_negative=4, baseline_total=500, baseline_negative=10)
    assert not detect_negative_surge(rule, few, window_end=END).fired


def test_negative_surge_without_baseline_uses_the_prior_share() -> None:
    rule = NegativeSurgeDetector(prior_negative_share=0.2, min_baseline_count=30)
    counts = NegativeCounts(window_total=22, window_negative=15, baseline_total=3, baseline_negative=0)
    decision = detect_negative_surge(rule, counts, window_end=END)
    assert decision.fired and decision.statistic == "binomial_upper_tail" and decision.baseline == 0.2
    calm = NegativeCounts(window_total=22, window_negative=6, baseline_total=3, baseline_negative=0)
    assert not detect_negative_surge(rule, calm, window_end=END).fired


@given(st.integers(0, 60), st.integers(0, 60), st.integers(30, 2000), st.floats(0.0, 1.0))
def test_negative_surge_never_fires_when_the_share_does_not_rise(
    n: int, x: int, nb: int, share: float
) -> None:
    x = min(x, n)
    xb = round(nb * share)
    decision = detect_negative_surge(NegativeSurgeDetector(), NegativeCounts(n, x, nb, xb), window_end=END)
    if n == 0 or x / n <= xb / nb:
        assert not decision.fired


def test_influencer_uses_followers_past_reach_or_the_tenant_list() -> None:
    rule = InfluencerDetector(min_followers=50_000, known_reach={"@Camille_Conso": 480_000})
    assert detect_influencer(rule, InfluencerInput("@dex", 260_000, None, False)).fired
    assert detect_influencer(rule, InfluencerInput("@dex", None, 260_000, False)).fired
    declared = detect_influencer(rule, InfluencerInput("camille_conso", None, None, False))
    assert declared.fired and declared.details["reach_source"] == "declared"
    assert not detect_influencer(rule, InfluencerInput("@small", 1_200, 3_000, False)).fired
    assert not detect_influencer(rule, InfluencerInput(None, None, None, False)).fired
    negative_only = InfluencerDetector(min_followers=10, only_negative=True)
    assert not detect_influencer(negative_only, InfluencerInput("@x", 100, None, False)).fired


def test_new_source_learns_first_then_fires_once_per_site() -> None:
    rule = NewSourceDetector(learn_s=86_400)
    first = 1_000_000.0
    learning = detect_new_source(
        rule, site="a.example", seen_before=False, event_time=first + 10, first_seen=first
    )
    assert not learning.fired and learning.details["learning"] == 1
    fresh = detect_new_source(
        rule, site="b.example", seen_before=False, event_time=first + 90_000, first_seen=first
    )
    assert fresh.fired
    again = detect_new_source(
        rule, site="b.example", seen_before=True, event_time=first + 90_001, first_seen=first
    )
    assert not again.fired
