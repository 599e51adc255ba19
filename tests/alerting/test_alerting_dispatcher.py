"""The dispatcher's SSRF guard: a subscription pointing at a private address is never called when the
deployment does not allow private targets; the delivery dies at once with the reason."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from alerting.config_reader import SubscriptionBook
from alerting.webhooks.dispatcher import DispatchConfig, Dispatcher
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
