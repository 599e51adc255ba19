"""The webhook deliverer process: ``alerts`` → Standard Webhooks deliveries.

Commit protocol (an alert's offset is committed only once its deliveries are *settled*):

1. consume a batch of alerts; undecodable records go to ``dlq.alerting``;
2. plan one delivery per matching subscription (deterministic ``webhook-id``) and write, in
   Elasticsearch, the alert (``<prefix>-alerts``) and each delivery as ``pending``
   (``<prefix>-deliveries``) with ``op_type=create`` — retried with backoff while Elasticsearch is down
   (consumption pauses meanwhile); a replayed alert finds its deliveries already there and leaves them;
3. hand the new pending deliveries to the per-endpoint queues (first attempt right away);
4. flush dead letters, then commit the batch's offsets.

After step 2 every delivery is durably in the retry schedule: delivered, retried from the outbox after
a crash, or dead-lettered after its last attempt (``dlq.webhooks``, replayable). Attempt results are
written back to the outbox by :class:`~alerting.webhooks.writer.DeliveryWriter`. Retries due later than
the in-memory horizon, and deliveries of partitions taken over from another process, are picked up by a
periodic scan of the outbox (verified with a real-time ``mget`` before they are queued).

SIGTERM/SIGINT: stop consuming, commit the settled batch, give in-flight attempts a grace period, flush
attempt records, close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from confluent_kafka import Consumer, KafkaException, Message, Producer, TopicPartition
from elasticsearch import Elasticsearch
from pydantic import ValidationError

from alerting.alert_index import alerts_index, create_operations, ensure_alerts_index
from alerting.config_publish import publish_subscriptions
from alerting.config_reader import SubscriptionBook, follow_subscriptions
from alerting.settings import AlertingSettings
from alerting.webhooks.dispatcher import DispatchConfig, Dispatcher
from alerting.webhooks.http import UrlGuard
from alerting.webhooks.outbox import DeliveryOutbox, ensure_deliveries_index
from alerting.webhooks.planning import plan_deliveries
from alerting.webhooks.schedule import RetryPolicy
from alerting.webhooks.writer import DeliveryWriter
from ecoute.backoff import backoff_delay
from ecoute.es import es_client
from ecoute.kafka import DeadLetterProducer, consumer_config, producer_config
from ecoute.settings import Settings
from schemas.alert import Alert
from schemas.common import utc_now
from schemas.topics import ALERTS, DLQ_WEBHOOKS
from schemas.webhooks import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

CONFIG_WAIT_S = 30.0
SHUTDOWN_GRACE_S = 10.0


def retry_policy(a: AlertingSettings) -> RetryPolicy:
    return RetryPolicy(a.webhook_retry_schedule_s, a.webhook_jitter, a.webhook_retry_after_cap_s)


@dataclass(slots=True)
class DelivererStats:
    alerts: int = 0
    planned: int = 0
    replayed_alerts: int = 0
    batches: int = 0
    scanned: int = 0


class Deliverer:
    """Consumes ``alerts`` and drives deliveries; see the module docstring for the guarantees."""

    def __init__(
        self,
        settings: Settings,
        alerting: AlertingSettings,
        *,
        es: Elasticsearch | None = None,
        subscriptions: SubscriptionBook | None = None,
        on_settled: Callable[[WebhookDelivery], None] | None = None,
    ) -> None:
        self.settings = settings
        self.alerting = alerting
        self.es = es or es_client(settings)
        self.book = subscriptions or SubscriptionBook()
        self.outbox = DeliveryOutbox(self.es, settings.index_prefix)
        self.alerts_index = alerts_index(settings.index_prefix)
        self.topic = settings.topic(ALERTS.name)
        self.dlq_topic = settings.topic(DLQ_WEBHOOKS.name)
        self.consumer = Consumer(consumer_config(settings, settings.group("webhooks")))
        self.producer = Producer(producer_config(settings))
        self.poison = DeadLetterProducer(settings, "alerting", producer=self.producer)
        self.writer = DeliveryWriter(self.outbox, alerting.webhook_flush_interval_s)
        self.dispatcher = Dispatcher(
            subscriptions=self.book,
            config=DispatchConfig(
                policy=retry_policy(alerting),
                timeout_s=alerting.webhook_timeout_s,
                connect_timeout_s=alerting.webhook_connect_timeout_s,
                max_in_flight=alerting.webhook_max_in_flight,
                horizon_s=alerting.webhook_horizon_s,
            ),
            guard=UrlGuard(settings.allow_private_urls),
            writer=self.writer,
            dead_letter=self._dead_letter,
            disable=self._disable,
            on_settled=on_settled,
        )
        self.assigned: set[int] = set()
        self.stats = DelivererStats()
        self._paused = False

    # --- Kafka side effects of settled deliveries ------------------------------------------------
    async def _produce_acked(self, topic: str, key: str, value: bytes) -> None:
        errors: list[str] = []

        def on_delivery(err: Any, _msg: Any) -> None:
            if err is not None:
                errors.append(str(err))

        self.producer.produce(topic, key=key.encode(), value=value, on_delivery=on_delivery)
        remaining = await asyncio.to_thread(self.producer.flush, 30.0)
        if remaining or errors:
            raise RuntimeError(f"not acknowledged by Kafka ({topic}): {errors[:2]}")

    async def _dead_letter(self, delivery: WebhookDelivery) -> None:
        await self._produce_acked(
            self.dlq_topic, delivery.subscription_key, delivery.model_dump_json().encode()
        )

    async def _disable(self, disabled: WebhookSubscription) -> None:
        """Publish the disabled subscription (the API re-enables it with a newer version)."""
        await asyncio.to_thread(publish_subscriptions, self.settings, [disabled])
        log.warning(
            "subscription disabled: %s",
            disabled.disabled_reason,
            extra={"tenant": disabled.tenant, "subscription": disabled.id},
        )

    # --- one batch of alerts ---------------------------------------------------------------------
    async def _durably(self, what: str, fn: Callable[[], Any], stop: asyncio.Event) -> Any:
        """Run a blocking Elasticsearch call until it succeeds (backoff, full jitter)."""
        attempt = 0
        while True:
            try:
                return await asyncio.to_thread(fn)
            except Exception as exc:
                if stop.is_set() and attempt >= 3:
                    raise RuntimeError(f"stopping with {what} not written; offsets not committed") from exc
                delay = backoff_delay(attempt)
                log.warning("%s failed, retrying in %.1fs: %s", what, delay, exc, extra={"attempt": attempt})
                attempt += 1
                await asyncio.sleep(delay)

    def _store_alerts(self, alerts: list[Alert]) -> None:
        if not alerts:
            return
        response = self.es.bulk(operations=create_operations(self.alerts_index, alerts))
        for item in response["items"]:
            result = item["create"]
            status = int(result.get("status", 500))
            if not 200 <= status < 300 and status != 409:
                raise RuntimeError(f"elasticsearch refused alert {result.get('_id')}: {result.get('error')}")

    async def settle_batch(self, messages: list[Message], stop: asyncio.Event) -> None:
        """Make every alert of the batch durable in the outbox, queue its deliveries, then commit."""
        real = [m for m in messages if not m.error()]
        for m in messages:
            if m.error():
                log.warning("consumer error: %s", m.error(), extra={"topic": self.topic})
        now = utc_now()
        alerts: list[Alert] = []
        planned: list[WebhookDelivery] = []
        for msg in real:
            try:
                alert = Alert.model_validate_json(msg.value() or b"")
            except ValidationError as exc:
                self.poison.reject(msg, reason=f"not an Alert v1: {exc}", error=exc)
                continue
            alerts.append(alert)
            planned += plan_deliveries(
                alert, self.book.for_tenant(alert.tenant), partition=msg.partition(), now=now
            )
        self.stats.alerts += len(alerts)
        self.stats.planned += len(planned)
        # two independent writes (alerts index, outbox): concurrently, so a busy Elasticsearch costs one
        # round trip before the webhooks go out, not two
        _, (created, existing) = await asyncio.gather(
            self._durably("storing alerts", lambda: self._store_alerts(alerts), stop),
            self._durably("creating deliveries", lambda: self.outbox.create_many(planned), stop),
        )
        created_ids = set(created)
        for delivery in planned:
            if delivery.id in created_ids:
                self.dispatcher.enqueue(delivery)
        if existing:  # a replayed alert: resume what is still pending, leave the rest
            self.stats.replayed_alerts += len(existing)
            current = await self._durably("reading deliveries", lambda: self.outbox.get_many(existing), stop)
            for delivery in current.values():
                if not self.dispatcher.knows(delivery.id):
                    self.dispatcher.enqueue(delivery)
        await asyncio.to_thread(self.poison.flush)
        await asyncio.to_thread(self._commit, real)
        self.stats.batches += 1

    def _commit(self, messages: list[Message]) -> None:
        last: dict[tuple[str, int], int] = {}
        for msg in messages:
            topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
            if topic is None or partition is None or offset is None:
                continue
            last[(topic, partition)] = max(last.get((topic, partition), -1), offset)
        if not last:
            return
        try:
            self.consumer.commit(
                offsets=[TopicPartition(t, p, o + 1) for (t, p), o in last.items()], asynchronous=False
            )
        except KafkaException as exc:  # revoked meanwhile: the new owner replays (idempotent)
            log.warning("offset commit failed: %s", exc, extra={"topic": self.topic})

    # --- outbox scan -----------------------------------------------------------------------------
    async def scan_once(self) -> int:
        """Queue due pending deliveries of our partitions that are not in memory. Returns how many."""
        partitions = set(self.assigned)
        if not partitions:
            return 0
        before = utc_now() + timedelta(seconds=self.alerting.webhook_horizon_s)
        candidates = await asyncio.to_thread(self.outbox.due, partitions, before)
        fresh = [d.id for d in candidates if not self.dispatcher.knows(d.id)]
        if not fresh:
            return 0
        current = await asyncio.to_thread(self.outbox.get_many, fresh)  # real time: the truth
        queued = 0
        for delivery in current.values():
            if delivery.partition in partitions and not self.dispatcher.knows(delivery.id):
                queued += int(self.dispatcher.enqueue(delivery))
        self.stats.scanned += queued
        if queued:
            log.info("deliveries resumed from the outbox", extra={"deliveries": queued})
        return queued

    async def _scan_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.scan_once()
            except Exception as exc:
                log.warning("outbox scan failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.alerting.webhook_scan_interval_s)

    # --- main loop -------------------------------------------------------------------------------
    def _track_assignment(self) -> None:
        now = {tp.partition for tp in self.consumer.assignment()}
        revoked = self.assigned - now
        self.assigned = now
        if revoked:
            dropped = self.dispatcher.drop_partitions(revoked)
            log.info("partitions revoked", extra={"partitions": sorted(revoked), "dropped": dropped})

    def _backpressure(self) -> None:
        too_many = self.dispatcher.queued() > self.alerting.webhook_max_queued
        if too_many and not self._paused:
            self.consumer.pause(self.consumer.assignment())
            self._paused = True
            log.warning("pausing: too many deliveries queued", extra={"queued": self.dispatcher.queued()})
        elif not too_many and self._paused:
            self.consumer.resume(self.consumer.assignment())
            self._paused = False

    async def run(self, stop: asyncio.Event) -> DelivererStats:
        await asyncio.to_thread(ensure_alerts_index, self.es, self.settings.index_prefix)
        await asyncio.to_thread(ensure_deliveries_index, self.es, self.settings.index_prefix)
        self.consumer.subscribe([self.topic])
        log.info("webhook deliverer started", extra={"topic": self.topic, "subscriptions": len(self.book)})
        writer_stop = asyncio.Event()
        writer_task = asyncio.create_task(self.writer.run(writer_stop))
        scan_task = asyncio.create_task(self._scan_loop(stop))
        try:
            while not stop.is_set():
                batch = await asyncio.to_thread(
                    self.consumer.consume,
                    self.alerting.webhook_batch_size,
                    self.alerting.webhook_batch_within_s,
                )
                self._track_assignment()
                if batch:
                    await self.settle_batch(batch, stop)
                self._backpressure()
        finally:
            scan_task.cancel()
            await self.dispatcher.close(SHUTDOWN_GRACE_S)
            writer_stop.set()
            await writer_task
            await self.writer.flush()
            await asyncio.to_thread(self.consumer.close)
            await asyncio.to_thread(self.producer.flush, 10.0)
            log.info(
                "webhook deliverer stopped",
                extra={"alerts": self.stats.alerts, "delivered": self.dispatcher.stats.delivered},
            )
        return self.stats


async def run_deliverer(
    settings: Settings, alerting: AlertingSettings, stop: asyncio.Event | None = None
) -> None:
    """Process entry point: follow ``config.subscriptions``, then deliver until ``stop`` or a signal."""
    book = SubscriptionBook()
    reader = follow_subscriptions(settings, book)
    started = time.monotonic()
    if not await asyncio.to_thread(reader.wait_caught_up, CONFIG_WAIT_S):
        log.warning(
            "subscriptions not fully loaded yet",
            extra={"topic": reader.topic, "waited_s": round(time.monotonic() - started, 1)},
        )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deliverer = Deliverer(settings, alerting, subscriptions=book)
    try:
        await deliverer.run(stop)
    finally:
        reader.stop()
        deliverer.es.close()
