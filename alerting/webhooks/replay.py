"""Replaying dead deliveries from ``dlq.webhooks`` (shell around the pure
:func:`~alerting.webhooks.planning.replay_delivery`).

A replay writes the delivery back to the outbox as ``pending`` with a fresh retry schedule and the same
``webhook-id``; the deliverer owning its partition picks it up at its next outbox scan (a few seconds).
Deliveries that were replayed and delivered since, or are pending already, are skipped.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from elasticsearch import Elasticsearch
from pydantic import ValidationError

from alerting.webhooks.outbox import DeliveryOutbox, ensure_deliveries_index
from alerting.webhooks.planning import replay_delivery
from ecoute.kafka import watermark_offsets
from ecoute.settings import Settings
from schemas.common import utc_now
from schemas.topics import DLQ_WEBHOOKS
from schemas.webhooks import WebhookDelivery


def read_dead_deliveries(settings: Settings, timeout_s: float = 30.0) -> list[WebhookDelivery]:
    """Every dead delivery in ``dlq.webhooks`` (from the beginning to the current end)."""
    topic = settings.topic(DLQ_WEBHOOKS.name)
    consumer = Consumer(
        {
            "bootstrap.servers": settings.effective_kafka_bootstrap,
            "group.id": f"replay-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
        }
    )
    out: list[WebhookDelivery] = []
    try:
        meta = consumer.list_topics(topic, timeout=timeout_s)
        topic_meta = meta.topics.get(topic)
        partitions = list(topic_meta.partitions) if topic_meta and not topic_meta.error else []
        if not partitions:
            return []
        ends = {}
        for p in partitions:
            low, high = watermark_offsets(consumer, topic, p, timeout_s)  # a new topic's leader may lag
            if high > low:
                ends[p] = high
        if not ends:
            return []
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        done: set[int] = set()
        while len(done) < len(ends):
            msg = consumer.poll(timeout_s)
            if msg is None:
                break
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    done.add(msg.partition() or 0)
                continue
            with contextlib.suppress(ValidationError):  # not a delivery: nothing to replay
                out.append(WebhookDelivery.model_validate_json(msg.value() or b""))
            if (msg.offset() or 0) + 1 >= ends.get(msg.partition() or 0, 0):
                done.add(msg.partition() or 0)
    finally:
        consumer.close()
    return out


def select_dead(
    dead: Iterable[WebhookDelivery],
    *,
    tenant: str | None = None,
    subscription_id: str | None = None,
    delivery_ids: Sequence[str] = (),
    since: datetime | None = None,
) -> list[WebhookDelivery]:
    """The latest dead version of each delivery matching every given filter (pure)."""
    wanted = set(delivery_ids)
    latest: dict[str, WebhookDelivery] = {}
    for d in dead:
        if d.state != "dead":
            continue
        if tenant and d.tenant != tenant:
            continue
        if subscription_id and d.subscription_id != subscription_id:
            continue
        if wanted and d.id not in wanted:
            continue
        if since and d.updated_at < since:
            continue
        previous = latest.get(d.id)
        if previous is None or d.updated_at >= previous.updated_at:
            latest[d.id] = d
    return sorted(latest.values(), key=lambda d: (d.created_at, d.id))


def replay_dead(
    settings: Settings,
    es: Elasticsearch,
    *,
    tenant: str | None = None,
    subscription_id: str | None = None,
    delivery_ids: Sequence[str] = (),
    since: datetime | None = None,
) -> list[str]:
    """Replay matching dead deliveries; returns the ids put back to pending."""
    chosen = select_dead(
        read_dead_deliveries(settings),
        tenant=tenant,
        subscription_id=subscription_id,
        delivery_ids=delivery_ids,
        since=since,
    )
    if not chosen:
        return []
    ensure_deliveries_index(es, settings.index_prefix)
    outbox = DeliveryOutbox(es, settings.index_prefix)
    current = outbox.get_many([d.id for d in chosen])
    now = utc_now()
    replayed = []
    for d in chosen:
        stored = current.get(d.id)
        if stored is not None and stored.state != "dead":
            continue  # delivered or pending since: nothing to do
        replayed.append(replay_delivery(stored or d, now=now))
    outbox.save_many(replayed)
    return [d.id for d in replayed]
