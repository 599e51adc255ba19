from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from alerting.cooldown import CooldownState, Emit, on_clock, on_fire, rank_samples
from schemas.alert import AlertExplanation
from tests.alerting.factories import T0, minutes, sample

EXPL = AlertExplanation(statistic="match", observed=1, threshold=1)


def fire(state: CooldownState, offset_s: float, cooldown_s: float = 600) -> tuple[CooldownState, list[Emit]]:
    """What the engine does for a firing: flush a due group, then fire."""
    t = T0.timestamp() + offset_s
    state, flushed = on_clock(state, now=t, cooldown_s=cooldown_s)
    state, emit = on_fire(
        state,
        t=t,
        trigger=sample(T0 + minutes(offset_s / 60)),
        evidence=(),
        explanation=EXPL,
        cooldown_s=cooldown_s,
        max_samples=3,
    )
    return state, [e for e in (flushed, emit) if e is not None]


def test_firings_in_the_cooldown_are_grouped_into_the_next_alert() -> None:
    state = CooldownState(partition=0)
    state, first = fire(state, 0)
    assert [e.count for e in first] == [1] and not first[0].grouped
    for offset in range(10, 600, 10):  # 59 firings within the 10-minute cooldown
        state, emitted = fire(state, offset)
        assert emitted == []
    assert state.pending_count == 59 and len(state.pending_samples) == 3
    state, group = on_clock(state, now=T0.timestamp() + 600, cooldown_s=600)
    assert group is not None and group.grouped and group.count == 59
    assert group.fired_at == T0.timestamp() + 600 and group.grouped_since == T0.timestamp() + 10
    assert state.pending_count == 0 and state.last_alert_at == T0.timestamp() + 600


def test_a_group_is_flushed_before_the_next_firing() -> None:
    state, _ = fire(CooldownState(partition=0), 0)
    state, _ = fire(state, 100)
    state, emitted = fire(state, 700)  # after the cooldown: group (1) flushed at 600, new one grouped
    assert [(e.count, e.grouped) for e in emitted] == [(1, True)]
    assert state.pending_count == 1


def test_no_cooldown_means_every_firing_alerts_even_out_of_order() -> None:
    state, emitted = fire(CooldownState(partition=0), 100, cooldown_s=0)
    state, again = fire(state, 50, cooldown_s=0)
    assert len(emitted) == len(again) == 1 and state.pending_count == 0


@given(
    st.lists(st.integers(min_value=0, max_value=6 * 3600), min_size=1, max_size=300), st.integers(60, 3600)
)
def test_grouping_conserves_every_firing_and_bounds_the_alerts(offsets: list[int], cooldown: int) -> None:
    state = CooldownState(partition=0)
    emitted: list[Emit] = []
    for offset in sorted(offsets):
        state, out = fire(state, offset, cooldown)
        emitted += out
    state, last = on_clock(state, now=T0.timestamp() + 10 * 86_400, cooldown_s=cooldown)
    if last is not None:
        emitted.append(last)
    assert sum(e.count for e in emitted) == len(offsets)  # nothing lost, nothing counted twice
    span = max(offsets) - min(offsets)
    assert len(emitted) <= span // cooldown + 2  # a few alerts per crisis, not one per mention
    times = [e.fired_at for e in emitted]
    assert all(b - a >= cooldown for a, b in itertools.pairwise(times))


def test_samples_prefer_reach_then_negative() -> None:
    a = sample(T0, followers=10)
    b = sample(T0, followers=50_000)
    c = sample(T0, negative=True)
    d = sample(T0)
    assert [s.mention_id for s in rank_samples([a, b, c, d, b], 3)] == [
        b.mention_id,
        a.mention_id,
        c.mention_id,
    ]
