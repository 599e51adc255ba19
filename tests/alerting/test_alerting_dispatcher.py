"""The dispatcher's SSRF guard: a subscription pointing at a private address is never called when the
deployment does not allow private targets; the delivery dies at once with the reason. Its memory of
settled deliveries follows the delivery rate over the TTL, not the run's length."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch

from alerting.config_reader import SubscriptionBook
from alerting.webhooks.dispatcher import RECENT_TTL_S, DispatchConfig, Dispatcher
from alerting.webhooks.http import UrlGuard
from alerting.webhooks.outbox import DeliveryOutbox
from alerting.webhooks.planning import plan_deliveries
from alerting.webhooks.receiver import WebhookReceiver
from alerting.webhooks.schedule import RetryPolicy
from alerting.webhooks.signing import new_secret
from alerting.webhooks.writer import DeliveryWriter
from schemas.alert import Alert
from schemas.registry import schema_for
from schemas.webhooks import WebhookDelivery, WebhookSubscription


def test_private_targets_are_refused_without_a_request() -> None:
    alert = Alert.model_validate_json((schema_for("alert", 1).examples_dir / "spike_fr.json").read_text())
    secret = new_secret()
    dead: list[WebhookDelivery] = []

    async def dead_letter(d: WebhookDelivery) -> None:
        dead.append(d)

    async def disable(_sub: WebhookSubscription) -> None:
        raise AssertionError("not a 410")

    async def scenario(url: str) -> None:
        sub = WebhookSubscription(
            tenant=alert.tenant, id="h", url=url, secret=secret, updated_at=datetime.now(UTC)
        )
        writer = DeliveryWriter(DeliveryOutbox(Elasticsearch("http://127.0.0.1:9"), "unused"), 60.0)
        dispatcher = Dispatcher(
            subscriptions=SubscriptionBook({sub.key: sub}),
            config=DispatchConfig(policy=RetryPolicy((1.0,))),
            guard=UrlGuard(allow_private=False),
            writer=writer,
            dead_letter=dead_letter,
            disable=disable,
        )
        (delivery,) = plan_deliveries(alert, [sub], partition=0, now=datetime.now(UTC))
        assert dispatcher.enqueue(delivery)
        for _ in range(100):
            if dead:
                break
            await asyncio.sleep(0.02)
        await dispatcher.close(1.0)
        assert writer.pending() == 1  # the dead record is queued for the outbox

    with WebhookReceiver(secret) as receiver:
        for url in (receiver.url, receiver.url.replace("127.0.0.1", "localhost")):
            dead.clear()
            asyncio.run(scenario(url))
            assert len(dead) == 1 and "unsafe URL refused" in (dead[0].dead_reason or "")
            assert dead[0].attempts[-1].outcome == "failed"
        assert receiver.snapshot() == []  # nothing ever reached the private address


def test_settled_deliveries_are_known_for_the_ttl_then_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replays of a just-settled delivery are recognised for ``RECENT_TTL_S``; older ones are dropped,
    so the memory follows the delivery rate over a TTL or two, not the whole run."""
    now = [1_000.0]
    monkeypatch.setattr("time.monotonic", lambda: now[0])  # the dispatcher's clock

    async def never(_d: object) -> None:
        raise AssertionError("not called")

    dispatcher = Dispatcher(
        subscriptions=SubscriptionBook({}),
        config=DispatchConfig(policy=RetryPolicy((1.0,))),
        guard=UrlGuard(allow_private=False),
        writer=DeliveryWriter(DeliveryOutbox(Elasticsearch("http://127.0.0.1:9"), "unused"), 60.0),
        dead_letter=never,
        disable=never,
    )
    for i in range(3_000):  # 20 settled deliveries a second for 150 s
        now[0] += 0.05
        dispatcher._remember(f"d{i}")
        assert dispatcher.knows(f"d{i}")
        assert len(dispatcher._recent) <= 2 * RECENT_TTL_S * 20 + 1
    assert dispatcher.knows("d2999") and dispatcher.knows(f"d{3_000 - int(RECENT_TTL_S * 20) + 1}")
    assert not dispatcher.knows("d0")
