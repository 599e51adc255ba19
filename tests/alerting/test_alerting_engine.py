"""The engine on an in-memory store: every rule kind end to end, cooldown, lateness, and replay."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from alerting.buckets import window_end
from alerting.engine import AlertEngine, EngineConfig
from alerting.state import MemoryStore
from schemas.alert import Alert
from schemas.matches import MatchEvent
from schemas.rules import AlertRule
from tests.alerting.factories import T0, book, event, minutes, rule


def run(
    rules: list[AlertRule],
    events: list[MatchEvent],
    *,
    wall: datetime | None = None,
    config: EngineConfig | None = None,
) -> tuple[AlertEngine, list[Alert]]:
    engine = AlertEngine(MemoryStore(), book(*rules), config)
    out: list[Alert] = []
    for e in events:
        now = (wall or e.sample.published_at).timestamp()
        out += engine.process(e, partition=0, wall=now)
    return engine, out


def baseline(hours: int, per_hour: int = 1, *, end_minutes_before: float = 20) -> list[MatchEvent]:
    """``per_hour`` mentions per hour for ``hours`` hours before T0 - ``end_minutes_before``."""
    return [
        event(T0 - minutes(end_minutes_before + 60 * h + (60 / per_hour) * i))
        for h in range(hours)
        for i in range(per_hour)
    ][::-1]


def test_spike_fires_on_ferralis_like_strike_and_not_on_its_baseline() -> None:
    spike = rule("pic", {"kind": "spike"}, cooldown_s=1800)
    quiet = baseline(72)
    _, none = run([spike], quiet)
    assert none == []
    burst = [event(T0 + minutes(15 * i / 60), negative=True) for i in range(60)]
    _, alerts = run([spike], quiet + burst)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.kind == "spike" and alert.lang == "fr" and "Pic de volume" in alert.text
    assert alert.explanation.details["baseline_count"] == 24 and alert.explanation.observed == 10
    assert alert.samples and alert.samples[0].url


def test_spike_stays_quiet_on_two_mentions_and_on_steady_volume() -> None:
    spike = rule("pic", {"kind": "spike"})
    _, alerts = run([spike], [event(T0), event(T0 + minutes(1))])
    assert alerts == []
    steady = [event(T0 - minutes(m)) for m in range(36 * 60, 0, -1)]  # one per minute for 36 h
    _, alerts = run([spike], steady)
    assert alerts == []


def test_ewma_spike_fires_too() -> None:
    spike = rule("pic", {"kind": "spike", "method": "ewma", "baseline_s": 6 * 3600})
    burst = [event(T0 + minutes(i / 4)) for i in range(40)]
    _, alerts = run([spike], baseline(10) + burst)
    assert len(alerts) == 1 and alerts[0].explanation.statistic == "ewma_z"


def test_match_rule_only_negative_and_cooldown_grouping() -> None:
    crisis = rule("crise", {"kind": "match", "only_negative": True}, cooldown_s=900)
    events = [event(T0 + minutes(i), negative=(i % 3 != 0)) for i in range(50)]
    engine, alerts = run([crisis], events)
    negatives = sum(1 for i in range(50) if i % 3 != 0)
    flush = engine.tick(partition=0, wall=(T0 + minutes(200)).timestamp())
    everything = alerts + flush
    assert sum(a.count for a in everything) == negatives
    assert 2 <= len(everything) <= 5  # a few rich alerts, not 33
    assert everything[0].count == 1 and not everything[0].grouped
    assert all(a.grouped for a in everything[1:]) and everything[1].count > 1
    assert len({a.id for a in everything}) == len(everything)


def test_influencer_from_followers_and_past_reach() -> None:
    infl = rule("infl", {"kind": "influencer", "min_followers": 50_000}, cooldown_s=0)
    events = [
        event(T0, author="@small", followers=300),
        event(T0 + minutes(1), author="@dex", followers=260_000),
        event(T0 + minutes(2), author="@dex"),  # no followers this time: past reach counts
    ]
    _, alerts = run([infl], events)
    assert [a.samples[0].author for a in alerts] == ["@dex", "@dex"]
    assert "260" in alerts[0].text


def test_past_reach_is_kept_only_from_the_lowest_reach_threshold_of_the_querys_rules() -> None:
    infl = rule("infl", {"kind": "influencer", "min_followers": 50_000}, cooldown_s=0)
    vip = rule("vip", {"kind": "match", "min_followers": 10_000}, query="ferralis", cooldown_s=0)
    off = rule("off", {"kind": "match", "min_followers": 5}, query="ferralis", cooldown_s=0, enabled=False)
    plain = rule("all", {"kind": "match"}, query="doux", cooldown_s=0)
    events = [
        event(T0, author="@small", followers=300),  # below 50,000: nothing to remember
        event(T0 + minutes(1), author="@dex", followers=260_000),
        event(T0 + minutes(2), author="@mid", followers=20_000, query="ferralis"),  # ≥ 10,000
        event(T0 + minutes(3), author="@tiny", followers=9_999, query="ferralis"),
        event(T0 + minutes(4), author="@dex", followers=900_000, query="doux"),  # no reach rule
    ]
    engine, alerts = run([infl, vip, off, plain], events)
    store = engine.store
    assert isinstance(store, MemoryStore)
    assert store.reach == {("acme:bonval", "@dex"): 260_000, ("acme:ferralis", "@mid"): 20_000}
    later = [event(T0 + minutes(5), author="@mid", query="ferralis")]  # no followers: past reach fires
    _, again = run([infl, vip, off, plain], events + later)
    assert [a.samples[0].author for a in again if a.rule_id == "vip"] == ["@mid", "@mid"]
    assert len(alerts) == 3  # @dex (influencer), @mid (vip), @dex on the plain match rule


def test_recent_mentions_are_kept_as_evidence_only_for_queries_with_a_spike_or_negative_surge_rule() -> None:
    spike = rule("pic", {"kind": "spike"}, cooldown_s=1800)
    surge = rule("neg", {"kind": "negative_surge"}, query="doux")
    plain = rule("all", {"kind": "match"}, query="ferralis", cooldown_s=0)
    off = rule("off", {"kind": "spike"}, query="ferralis", enabled=False)
    events = [event(T0 + minutes(i), query=q) for i in range(3) for q in ("bonval", "doux", "ferralis", "x")]
    engine, _ = run([spike, surge, plain, off], events)
    assert {qkey: len(samples) for qkey, samples in engine._recent.items()} == {
        "acme:bonval": 3,
        "acme:doux": 3,
    }


def test_new_source_after_learning() -> None:
    new = rule("site", {"kind": "new_source", "learn_s": 86_400}, cooldown_s=0)
    learning = [event(T0 + minutes(i), site="known.example") for i in range(3)]
    later = [
        event(T0 + minutes(2000), site="known.example"),
        event(T0 + minutes(2001), site="forum-inconnu.example"),
        event(T0 + minutes(2002), site="forum-inconnu.example"),
    ]
    _, alerts = run([new], learning + later)
    assert len(alerts) == 1 and alerts[0].explanation.details["site"] == "forum-inconnu.example"


def test_negative_surge_fires_when_the_share_jumps() -> None:
    surge = rule("neg", {"kind": "negative_surge", "window_s": 3600, "baseline_s": 86_400}, cooldown_s=3600)
    calm = [event(T0 - minutes(70 + 10 * i), negative=(i % 10 == 0)) for i in range(140)][::-1]
    _, quiet = run([surge], calm)
    assert quiet == []
    bad = [event(T0 + minutes(i), negative=(i % 4 != 0)) for i in range(30)]
    _, alerts = run([surge], calm + bad)
    assert len(alerts) == 1 and alerts[0].explanation.statistic == "two_proportion_z"


def test_late_mentions_count_but_never_alert() -> None:
    crisis = rule("crise", {"kind": "match"}, cooldown_s=0)
    config = EngineConfig(max_lateness_s=3600)
    engine, alerts = run(
        [crisis], [event(T0), event(T0 - minutes(61)), event(T0 - minutes(30))], config=config
    )
    assert len(alerts) == 2 and engine.late == 1
    assert (
        engine.store.bucket("h", "acme:bonval", int((T0 - minutes(61)).timestamp()) // 3600 * 3600).total == 1
    )


def test_text_follows_the_language_of_the_mentions() -> None:
    crisis = rule("crise", {"kind": "match"}, cooldown_s=0)
    _, alerts = run([crisis], [event(T0, lang="en")])
    assert alerts[0].lang == "en" and alerts[0].text.startswith("Query")
    _, alerts = run([crisis], [event(T0, lang="fr")])
    assert alerts[0].lang == "fr" and alerts[0].text.startswith("La requête")


def test_disabled_and_foreign_rules_do_not_fire() -> None:
    off = rule("off", {"kind": "match"}, enabled=False)
    other = rule("other", {"kind": "match"}, tenant="someone-else")
    _, alerts = run([off, other], [event(T0)])
    assert alerts == []


def test_a_bursty_stream_replayed_fast_gives_the_alerts_it_gave_live() -> None:
    rules = [
        rule("crise", {"kind": "match", "only_negative": True}, cooldown_s=600),
        rule("pic", {"kind": "spike"}, cooldown_s=1800),
        rule("neg", {"kind": "negative_surge", "baseline_s": 86_400}, cooldown_s=3600),
    ]
    rng = random.Random(7)
    times = [T0 - minutes(60 * h) for h in range(48)]  # quiet baseline
    for burst_start in (0, 95, 240):  # three bursts of varying density
        times += [T0 + minutes(burst_start + rng.uniform(0, 20)) for _ in range(rng.randint(30, 80))]
    times.sort()
    events = [event(t, negative=rng.random() < 0.7 and t >= T0) for t in times]

    def key(alerts: list[Alert]) -> list[tuple[datetime, str, str, int, bool]]:
        return sorted((a.fired_at, a.rule_id, a.id, a.count, a.grouped) for a in alerts)

    # live: each mention processed when published, a tick every 2 s of wall time in between
    live_engine = AlertEngine(MemoryStore(), book(*rules))
    live: list[Alert] = []
    for previous, e in zip([None, *events], events, strict=False):
        wall = e.sample.published_at.timestamp()
        if previous is not None:
            for tick in range(int(previous.sample.published_at.timestamp()) + 2, int(wall), 2):
                live += live_engine.tick(partition=0, wall=tick)
        live += live_engine.process(e, partition=0, wall=wall)
    end = (T0 + minutes(24 * 60)).timestamp()
    live += live_engine.tick(partition=0, wall=end)

    # replay: the same mentions processed within one second of wall time, then ticks
    fast_engine = AlertEngine(MemoryStore(), book(*rules))
    wall0 = end + 86_400
    fast: list[Alert] = []
    for i, e in enumerate(events):
        fast += fast_engine.process(e, partition=0, wall=wall0 + i / 1000)
        fast += fast_engine.tick(partition=0, wall=wall0 + i / 1000)
    fast += fast_engine.tick(partition=0, wall=wall0 + 86_400)

    assert key(live) == key(fast)
    assert {a.rule_id for a in live} == {"crise", "pic", "neg"}
    assert len(live) < 20  # three bursts, ~200 mentions: a few alerts each


@given(st.lists(st.tuples(st.integers(0, 1800), st.booleans()), min_size=1, max_size=120))
@settings(max_examples=60, deadline=None)
def test_cached_window_counts_match_the_buckets(offsets: list[tuple[int, bool]]) -> None:
    spike = rule("pic", {"kind": "spike", "window_s": 600, "baseline_s": 3600})
    surge = rule("neg", {"kind": "negative_surge", "window_s": 1800, "baseline_s": 3600})
    engine = AlertEngine(MemoryStore(), book(spike, surge), EngineConfig(max_lateness_s=10 * 3600))
    for offset, negative in offsets:  # arrival order is random: late and early mentions mix
        e = event(T0 + timedelta(seconds=offset), negative=negative)
        engine.process(e, partition=0, wall=T0.timestamp())
        for length in (600, 1800):
            end = window_end((T0 + timedelta(seconds=offset)).timestamp())
            assert engine._window("acme:bonval", end, length) == engine._counts(
                "acme:bonval", end - length, end
            )
