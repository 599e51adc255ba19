"""How long minute buckets are kept, where long baselines start, and that expiring buckets never
changes a decision."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from alerting.buckets import DAY, HOUR, MINUTE
from alerting.engine import AlertEngine, EngineConfig
from alerting.retention import ALIGN_FROM_S, MIN_WINDOW_S, baseline_start, minute_keep_s
from alerting.state import KeepOf, MemoryStore
from schemas.alert import Alert
from schemas.matches import MatchEvent
from schemas.rules import AlertRule
from tests.alerting.factories import T0, book, event, minutes, rule

LATE = 2 * HOUR


def test_minute_keep_follows_what_the_rules_read_at_minute_resolution() -> None:
    assert minute_keep_s([], LATE) == MIN_WINDOW_S + LATE
    default_spike = rule("pic", {"kind": "spike"})  # 15 min against a day: the day starts on an hour
    default_surge = rule("neg", {"kind": "negative_surge"})  # an hour against a week
    assert minute_keep_s([default_spike, default_surge], LATE) == HOUR + LATE
    long_window = rule("jour", {"kind": "spike", "window_s": 6 * HOUR, "baseline_s": 2 * DAY})
    assert minute_keep_s([default_spike, long_window], LATE) == 6 * HOUR + LATE
    short_baseline = rule("court", {"kind": "spike", "baseline_s": 6 * HOUR})  # read exactly
    assert minute_keep_s([short_baseline], LATE) == 15 * MINUTE + 6 * HOUR + LATE
    ewma = rule("ewma", {"kind": "spike", "method": "ewma", "baseline_s": 2 * DAY})  # every window
    assert minute_keep_s([ewma], LATE) == 15 * MINUTE + 2 * DAY + LATE
    disabled = rule("off", {"kind": "spike", "method": "ewma", "baseline_s": 2 * DAY}, enabled=False)
    match = rule("match", {"kind": "match"})
    assert minute_keep_s([disabled, match], 0) == MIN_WINDOW_S


def test_long_baselines_start_on_the_next_whole_hour_short_ones_exactly() -> None:
    start = 40 * DAY + 10 * HOUR + 17 * MINUTE
    assert baseline_start(start, 6 * HOUR) == start - 6 * HOUR
    assert baseline_start(start, DAY) == start - DAY + 43 * MINUTE  # yesterday 11:00, not 10:17
    assert baseline_start(start - 17 * MINUTE, DAY) == start - 17 * MINUTE - DAY  # already whole
    assert all(
        0 <= baseline_start(s, b) - (s - b) < HOUR
        for s in range(start, start + HOUR, 7 * MINUTE)
        for b in (ALIGN_FROM_S, DAY, 7 * DAY)
    )


class KeepingStore(MemoryStore):
    """A store that never deletes a bucket: what the engine would decide with everything kept."""

    def expire(self, partition: int, now: float, keep_of: KeepOf) -> int:
        return 0


def _run(store: MemoryStore, events: list[MatchEvent], rules: list[AlertRule]) -> list[Alert]:
    """Process ``events`` in order, each when published (or at the next tick, every 10 minutes of wall
    time, for a late one)."""
    engine = AlertEngine(store, book(*rules), EngineConfig(max_lateness_s=LATE))
    out: list[Alert] = []
    next_tick = 0.0
    for e in events:
        wall = max(e.sample.published_at.timestamp(), next_tick)
        out += engine.process(e, partition=0, wall=wall)
        if wall >= next_tick:
            out += engine.tick(partition=0, wall=wall)
            next_tick = wall + 600
    return out + engine.tick(partition=0, wall=next_tick + DAY)


def test_expiring_buckets_never_changes_an_alert() -> None:
    """Three days of mentions with daily cycles, bursts, negative waves and late mentions (up to the
    lateness limit), under spike (Poisson, EWMA, short baseline) and negative-surge rules: the alerts
    are the same whether buckets expire or are all kept, and expired minute buckets are really gone."""
    rnd = random.Random(4)
    events: list[MatchEvent] = []
    t = 0.0
    while t < 3 * DAY:
        hour = (t // HOUR) % 24
        burst = 30 * HOUR < t % (DAY + 7 * HOUR) < 30 * HOUR + 20 * MINUTE
        rate = (0.5 if 8 <= hour < 22 else 0.1) * (12 if burst else 1)  # per minute
        t += rnd.expovariate(rate) * MINUTE
        negative = rnd.random() < (0.6 if 40 * HOUR < t < 41 * HOUR else 0.15)
        late = rnd.random() < 0.05
        published = T0 + timedelta(seconds=t - rnd.uniform(0, LATE - 60) if late else t)
        events.append(event(published, negative=negative))
    rules = [
        rule("pic", {"kind": "spike"}, cooldown_s=900),
        rule("ewma", {"kind": "spike", "method": "ewma", "baseline_s": 6 * HOUR}, cooldown_s=900),
        rule("court", {"kind": "spike", "baseline_s": 2 * HOUR, "min_count": 5}, cooldown_s=900),
        rule("neg", {"kind": "negative_surge", "baseline_s": DAY}, cooldown_s=900),
    ]
    expiring, kept = MemoryStore(), KeepingStore()
    alerts = _run(expiring, events, rules)
    assert alerts == _run(kept, events, rules)
    assert {a.rule_id for a in alerts} >= {"pic", "ewma", "neg"}  # the comparison covers real alerts
    assert len(expiring.buckets) < len(kept.buckets) // 4
    keep = minute_keep_s(rules, LATE)
    now = events[-1].sample.published_at.timestamp() + DAY
    minute_starts = [start for level, _, start in expiring.buckets if level == "m"]
    assert minute_starts == [] or min(minute_starts) + MINUTE + keep > now - DAY
    assert [start for level, _, start in expiring.buckets if level == "h"]  # hours are kept 8 days


def test_a_spike_explains_the_baseline_it_counted() -> None:
    """A day's baseline before a window starting between 09:13 and 09:25 starts at 10:00 the day
    before: the alert reports that span, counts exactly the mentions in it and scales the rate by it."""
    spike = rule("pic", {"kind": "spike"}, cooldown_s=1800)
    quiet = [event(T0 - minutes(m)) for m in range(30 * 60, 0, -13)]  # one every 13 min for 30 h
    burst = [event(T0 + minutes(27 + i / 5)) for i in range(60)]
    engine = AlertEngine(MemoryStore(), book(spike))
    alerts = [
        a
        for e in quiet + burst
        for a in engine.process(e, partition=0, wall=e.sample.published_at.timestamp())
    ]
    (alert,) = alerts
    explanation = alert.explanation
    assert explanation.window_start is not None and explanation.baseline_start is not None
    assert T0 + minutes(13) <= explanation.window_start <= T0 + minutes(25)
    assert explanation.baseline_start == T0 - timedelta(hours=23)  # the whole hour after 09:xx − 1 day
    counted = [
        e for e in quiet if explanation.baseline_start <= e.sample.published_at < explanation.window_start
    ]
    assert explanation.details["baseline_count"] == len(counted)
    full_day = [e for e in quiet if e.sample.published_at >= explanation.window_start - timedelta(days=1)]
    assert len(counted) < len(full_day)
    span = (explanation.window_start - explanation.baseline_start).total_seconds()
    assert explanation.baseline == pytest.approx(len(counted) * 15 * MINUTE / span)
