"""Every rule kind on the real stack: a replayed bursty stream through the Faust worker and the webhook
deliverer to a real local receiver gives exactly the alerts the pure engine computes for the real
timeline — the rules fire where they should and stay quiet where they should not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerting.app import engine_config
from alerting.config_reader import RuleBook
from alerting.engine import AlertEngine
from alerting.state import MemoryStore
from alerting.webhooks.receiver import WebhookReceiver
from alerting.webhooks.signing import new_secret
from schemas.alert import Alert
from schemas.matches import match_events
from schemas.mention import EnrichedMention
from schemas.rules import AlertRule
from schemas.webhooks import WebhookSubscription
from tests.alerting.conftest import FAST, AlertStack
from tests.alerting.factories import enriched, rule

pytestmark = pytest.mark.integration


def scenario(end: datetime) -> list[EnrichedMention]:
    """48 h of quiet Bonval, a steady busy query, a nearly silent one, then a Bonval crisis burst."""
    out = []
    for h in range(48, 1, -1):  # one Bonval mention per hour, one in eight negative
        out.append(enriched(end - timedelta(hours=h), key=f"base{h}", negative=h % 8 == 0))
    for m in range(26 * 60):  # one per minute for 26 h on a busy but steady query
        t = end - timedelta(minutes=26 * 60 - m)
        out.append(
            enriched(t, key=f"stable{m}", matches=[("acme", "stable")], url=f"https://stable.example/{m}")
        )
    for m in (10, 5):  # two mentions of a silent query
        out.append(enriched(end - timedelta(minutes=m), key=f"calme{m}", matches=[("acme", "calme")]))
    for i in range(60):  # the crisis: 60 mentions in 20 minutes, 70 % negative
        t = end - timedelta(minutes=20) + timedelta(seconds=20 * i)
        kw: dict[str, object] = {}
        if i == 24:
            kw = {"author": "@camille_conso", "followers": 480_000}
        if i == 36:
            kw = {"url": "https://forum-inconnu.example/t/42"}
        out.append(enriched(t, key=f"crise{i}", negative=i % 10 < 7, **kw))  # type: ignore[arg-type]
    out.append(enriched(end + timedelta(hours=1), key="after"))  # moves the clock: due groups flush
    return sorted(out, key=lambda m: m.published_at)


def expected_alerts(rules: list[AlertRule], mentions: list[EnrichedMention]) -> list[Alert]:
    engine = AlertEngine(MemoryStore(), RuleBook({r.key: r for r in rules}), engine_config(FAST))
    out: list[Alert] = []
    for m in mentions:
        for e in match_events(m):
            out += engine.process(e, partition=0, wall=datetime.now(UTC).timestamp())
    return out


def summary(alerts: list[Alert]) -> list[tuple[str, str, int, bool, datetime]]:
    return sorted({(a.rule_id, a.id, a.count, a.grouped, a.fired_at) for a in alerts})


def test_every_rule_kind_on_a_replayed_bursty_stream(alert_stack: AlertStack) -> None:
    s = alert_stack
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    rules = [
        rule("crise", {"kind": "match", "only_negative": True}, cooldown_s=600),
        rule("pic", {"kind": "spike"}, cooldown_s=1800),
        rule("pic-calme", {"kind": "spike"}, query="calme"),
        rule("pic-stable", {"kind": "spike"}, query="stable"),
        rule("neg", {"kind": "negative_surge", "baseline_s": 86_400}, cooldown_s=3600),
        rule("infl", {"kind": "influencer", "min_followers": 50_000}, cooldown_s=0),
        rule("site", {"kind": "new_source", "learn_s": 86_400}, cooldown_s=0),
    ]
    mentions = scenario(end)
    expected = expected_alerts(rules, mentions)
    secret = new_secret()
    with WebhookReceiver(secret) as receiver:
        s.rules(rules)
        s.subscriptions(
            [WebhookSubscription(tenant="acme", id="hook", url=receiver.url, secret=secret, updated_at=end)]
        )
        s.start("alerting")
        s.start("webhooks")
        s.produce(mentions)  # one partition: replayed in event-time order, as fast as Kafka goes

        def delivered_ids() -> set[str]:
            return {r.alert["id"] for r in receiver.accepted() if r.alert}

        want = {a.id for a in expected}
        s.wait_for(lambda: delivered_ids() >= want, 180, "every expected alert at the receiver")
        got = {r.alert["id"]: Alert.model_validate(r.alert) for r in receiver.accepted() if r.alert}
        assert all(r.verified for r in receiver.snapshot())  # standardwebhooks verified every request

    assert summary(list(got.values())) == summary(expected)
    by_rule: dict[str, list[Alert]] = {}
    for alert in got.values():
        by_rule.setdefault(alert.rule_id, []).append(alert)
    assert set(by_rule) == {"crise", "pic", "neg", "infl", "site"}  # the quiet queries stayed quiet
    negatives = sum(1 for m in mentions if m.sentiment and m.sentiment.label == "negative")
    assert negatives == 42 + 6
    assert sum(a.count for a in by_rule["crise"]) == negatives  # grouped, nothing lost
    assert len(by_rule["crise"]) <= 6 + 4  # the 6 quiet-time ones, then a few rich alerts, not 42
    assert [a.samples[0].author for a in by_rule["infl"]] == ["@camille_conso"]
    assert by_rule["site"][0].explanation.details["site"] == "forum-inconnu.example"
    spike = by_rule["pic"][0]
    explanation = spike.explanation
    assert explanation.baseline_start is not None and explanation.window_start is not None
    counted = [
        m
        for m in mentions
        if any(q.query_id == "bonval" for q in m.matches)
        and explanation.baseline_start <= m.published_at < explanation.window_start
    ]
    assert explanation.details["baseline_count"] == len(counted) >= 22 and explanation.observed >= 10
    assert spike.samples and all(x.url for x in spike.samples) and spike.lang == "fr"
    # the alert store has them too, with an open lifecycle
    s.es.indices.refresh(index=f"{s.settings.index_prefix}-alerts")
    stored = s.es.search(index=f"{s.settings.index_prefix}-alerts", size=100)["hits"]["hits"]
    assert {h["_id"] for h in stored} >= set(got)
    assert {h["_source"]["lifecycle"]["status"] for h in stored} == {"open"}
