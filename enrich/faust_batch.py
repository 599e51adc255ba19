"""A Faust application running one batch step: ``source topic`` → step → records, commit after ack.

Batches come from ``stream.noack_take`` (Faust does not acknowledge them by itself). The step runs in a
worker thread (CPU-bound work must not starve the event loop's heartbeats), its records are produced
with the idempotent confluent-kafka producer, the agent waits for Kafka's acknowledgements
(:class:`ecoute.acked_producer.AckedProducer`) and only then acknowledges the batch's events — so committed
offsets never run ahead of produced output, even if the worker is cancelled or killed mid-batch (the
batch is then replayed; ids are stable, so the replay is harmless downstream).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import faust

from ecoute.acked_producer import AckedProducer, Record
from ecoute.faust_fetch import BatchingApp
from ecoute.settings import Settings
from enrich.stream import InMessage

log = logging.getLogger(__name__)

Step = Callable[[list[InMessage]], list[Record]]


def create_batch_app(
    settings: Settings,
    *,
    stage: str,
    source_topic: str,
    step: Step,
    batch_size: int,
    within_s: float,
    fetch_max_wait_ms: int,
    producer: AckedProducer | None = None,
) -> faust.App:
    """The Faust app of ``stage`` (consumer group ``settings.group(stage)``); its fetches wait at most
    ``fetch_max_wait_ms`` for data."""
    group = settings.group(stage)
    datadir = settings.state_dir / "faust" / group
    datadir.parent.mkdir(parents=True, exist_ok=True)
    app = BatchingApp(
        group,
        fetch_min_bytes=settings.faust_fetch_min_bytes,
        fetch_max_wait_ms=fetch_max_wait_ms,
        broker=f"kafka://{settings.effective_kafka_bootstrap}",
        store="memory://",
        web_enabled=False,
        autodiscover=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        topic_partitions=settings.topic_partitions,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        broker_session_timeout=10.0,  # a crashed worker's partitions move within seconds, not a minute
        broker_heartbeat_interval=2.0,
        datadir=str(datadir),
    )
    source = app.topic(source_topic, key_serializer="raw", value_serializer="raw")
    sink = producer or AckedProducer(settings)

    @app.agent(source, name=f"{stage}-batches")
    async def run_batches(stream: Any) -> None:
        async for events in stream.noack_take(batch_size, within=within_s):
            messages = [
                InMessage(
                    e.message.key, e.message.value, e.message.topic, e.message.partition, e.message.offset
                )
                for e in events
            ]
            records = await asyncio.to_thread(step, messages)
            await asyncio.to_thread(sink.deliver, records)  # returns once Kafka acknowledged everything
            for event in events:  # only now may Faust commit these offsets
                await stream.ack(event)
            log.debug("batch done", extra={"stage": stage, "events": len(events), "records": len(records)})

    return app
