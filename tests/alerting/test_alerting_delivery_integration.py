"""Webhook delivery on the real stack with real local receivers: an endpoint down for a while gets
every alert once it is back (across a deliverer restart); 410 disables; 503 + Retry-After is honoured;
a slow endpoint does not delay a fast one; dead deliveries go to dlq.webhooks and replay."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from alerting.webhooks.receiver import WebhookReceiver
from alerting.webhooks.replay import replay_dead
from alerting.webhooks.signing import new_secret
from schemas.webhooks import WebhookDelivery, WebhookSubscription
from tests.alerting.conftest import FAST, AlertStack
from tests.alerting.factories import enriched, rule
from tests.kafka_utils import read_all

pytestmark = pytest.mark.integration


def deliveries(s: AlertStack) -> list[WebhookDelivery]:
    index = f"{s.settings.index_prefix}-deliveries"
    s.es.indices.refresh(index=index)
    hits = s.es.search(index=index, size=1000)["hits"]["hits"]
    return [WebhookDelivery.model_validate(h["_source"]) for h in hits]


def crisis(n: int, prefix: str) -> list:  # type: ignore[type-arg]
    now = datetime.now(UTC)
    return [enriched(now - timedelta(seconds=n - i), key=f"{prefix}{i}", negative=True) for i in range(n)]


def test_a_receiver_down_for_a_while_gets_every_alert_after_a_deliverer_restart(
    alert_stack: AlertStack,
) -> None:
    s = alert_stack
    secret = new_secret()
    receiver = WebhookReceiver(secret).start()
    url = receiver.url
    receiver.stop()  # the endpoint is down: connections refused
    s.rules([rule("crise", {"kind": "match"}, cooldown_s=0)])
    s.subscriptions(
        [WebhookSubscription(tenant="acme", id="down", url=url, secret=secret, updated_at=datetime.now(UTC))]
    )
    s.start("alerting")
    deliverer = s.start("webhooks")
    s.produce(crisis(20, "down"))
    s.wait_for(
        lambda: len(ds := deliveries(s)) == 20 and all(len(d.attempts) >= 2 for d in ds),
        90,
        "20 deliveries retried at least once",
    )
    assert all(d.state == "pending" and d.attempts[-1].outcome == "retry" for d in deliveries(s))
    s.stop(deliverer)  # the retry schedule is in the outbox, not in this process
    s.start("webhooks")
    time.sleep(2.0)
    with receiver:  # back on the same port
        s.wait_for(lambda: len({r.webhook_id for r in receiver.accepted()}) == 20, 60, "20 deliveries")
        received = receiver.snapshot()
    assert all(r.verified for r in received)
    ids = {r.webhook_id for r in received}
    final = deliveries(s)
    s.wait_for(lambda: all(d.state == "delivered" for d in deliveries(s)), 30, "records say delivered")
    final = deliveries(s)
    assert {d.id for d in final} == ids  # the webhook-id is stable across retries and restarts
    assert all(d.attempts[-1].outcome == "delivered" and d.attempts[-1].status_code == 200 for d in final)
    assert min(len(d.attempts) for d in final) >= 3


def test_gone_retry_after_isolation_dead_letters_and_replay(alert_stack: AlertStack) -> None:
    s = alert_stack
    now = datetime.now(UTC)
    secret = new_secret()
    fast, slow, busy, gone = (WebhookReceiver(secret).start() for _ in range(4))
    try:
        slow.behave(200, delay_s=2.0)
        busy.behave(503, retry_after="2")
        gone.behave(410)
        subs = {
            name: WebhookSubscription(tenant="acme", id=name, url=r.url, secret=secret, updated_at=now)
            for name, r in (("fast", fast), ("slow", slow), ("busy", busy), ("gone", gone))
        }
        s.rules([rule("crise", {"kind": "match"}, cooldown_s=0)])
        s.subscriptions(list(subs.values()))
        s.start("alerting")
        s.start("webhooks", FAST.model_copy(update={"webhook_max_in_flight": 1}))
        s.produce(crisis(5, "iso"))

        # the fast endpoint gets all five while the slow one (2 s per request, one at a time) lags behind
        s.wait_for(lambda: len(fast.accepted()) == 5, 60, "fast endpoint served")
        s.wait_for(lambda: len(slow.accepted()) == 5, 60, "slow endpoint served eventually")
        # (timestamps, not counts at a moment: alerts can trickle in for seconds on a loaded machine)
        # the slow endpoint's last answer came at least one of its 2 s delays after the fast one's last
        assert max(r.at for r in slow.accepted()) - max(r.at for r in fast.accepted()) >= 1.5

        # 503 + Retry-After: 2 → the next attempt waits ~2 s
        s.wait_for(lambda: len(busy.snapshot()) >= 5, 30, "busy endpoint tried")
        busy.behave(200)
        s.wait_for(lambda: len(busy.accepted()) == 5, 30, "busy endpoint served after Retry-After")
        busy_records = [d for d in deliveries(s) if d.subscription_id == "busy"]
        first = busy_records[0].attempts
        assert first[0].status_code == 503 and first[0].retry_after_s == 2.0 and first[0].outcome == "retry"
        assert (first[1].at - first[0].at).total_seconds() >= 1.9

        # 410 Gone: deliveries dead, dead-lettered, subscription disabled in config.subscriptions
        s.wait_for(
            lambda: sum(1 for d in deliveries(s) if d.subscription_id == "gone" and d.state == "dead") == 5,
            30,
            "410 deliveries dead",
        )
        config = read_all(s.settings.effective_kafka_bootstrap, s.settings.topic("config.subscriptions"))
        latest = {m.key(): json.loads(m.value() or b"") for m in config if m.value()}
        assert latest[b"acme:gone"]["enabled"] is False and "410" in latest[b"acme:gone"]["disabled_reason"]
        dead = read_all(s.settings.effective_kafka_bootstrap, s.settings.topic("dlq.webhooks"), expected=5)
        dead_ids = {WebhookDelivery.model_validate_json(m.value() or b"").id for m in dead}
        assert len(dead_ids) == 5 and all(m.key() == b"acme:gone" for m in dead)
        gone_hits = len(gone.snapshot())
        assert gone_hits <= 5  # one 410 per delivery at most; nothing more is sent to a disabled endpoint

        # the endpoint is fixed and re-enabled: replay puts the same webhook-ids back in the schedule
        gone.behave(200)
        s.subscriptions([subs["gone"].model_copy(update={"updated_at": datetime.now(UTC)})])
        time.sleep(1.0)
        replayed = replay_dead(s.settings, s.es, tenant="acme", subscription_id="gone")
        assert set(replayed) == dead_ids

        def delivered_or_replayed_again() -> bool:
            # a deliverer that had not read the re-enabled subscription yet (a loaded machine) kills
            # the replayed deliveries again: replaying once more is what a CM would do
            if {r.webhook_id for r in gone.accepted()} == dead_ids:
                return True
            assert set(replay_dead(s.settings, s.es, tenant="acme", subscription_id="gone")) <= dead_ids
            return False

        s.wait_for(delivered_or_replayed_again, 60, "replayed deliveries")
        assert all(r.verified for rec in (fast, slow, busy, gone) for r in rec.snapshot())
        assert replay_dead(s.settings, s.es, tenant="acme", subscription_id="gone") == []  # delivered now
    finally:
        for r in (fast, slow, busy, gone):
            r.stop()


def test_a_timed_out_attempt_is_retried(alert_stack: AlertStack) -> None:
    s = alert_stack
    secret = new_secret()
    with WebhookReceiver(secret) as receiver:
        receiver.behave(200, delay_s=1.5)  # slower than the deliverer's 0.5 s timeout
        s.rules([rule("crise", {"kind": "match"}, cooldown_s=0)])
        s.subscriptions(
            [
                WebhookSubscription(
                    tenant="acme", id="t", url=receiver.url, secret=secret, updated_at=datetime.now(UTC)
                )
            ]
        )
        s.start("alerting")
        s.start("webhooks", FAST.model_copy(update={"webhook_timeout_s": 0.5}))
        s.produce(crisis(1, "timeout"))
        s.wait_for(lambda: len(receiver.snapshot()) >= 1, 60, "a first (timed out) attempt")
        receiver.behave(200)
        s.wait_for(lambda: any(d.state == "delivered" for d in deliveries(s)), 60, "delivered on retry")
    (delivery,) = deliveries(s)
    assert (delivery.attempts[0].error or "").startswith("timeout") and delivery.attempts[
        0
    ].outcome == "retry"
    assert delivery.attempts[-1].status_code == 200
