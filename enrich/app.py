"""The Faust application: ``mentions.raw`` → enrichment → ``mentions.enriched``.

Batches come from ``stream.take_events``; Faust acknowledges a batch's events only after the loop body
returns, and the body returns only after every enriched mention and dead letter of the batch has been
acknowledged by Kafka — so committed offsets never run ahead of produced output. A failing mention goes
to ``dlq.enrich`` with the reason and never stops the agent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import faust

from ecoute.settings import Settings
from enrich.pipeline import EntityTagger, Matcher
from enrich.stream import InMessage, enrich_messages
from schemas.common import utc_now
from schemas.dead_letter import DeadLetter
from schemas.topics import DLQ_ENRICH, MENTIONS_ENRICHED, MENTIONS_RAW

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    matcher: Callable[[], Matcher | None] = lambda: None,
    tagger: EntityTagger | None = None,
) -> faust.App:
    """Build the enrichment app. ``matcher`` is called per batch, so query changes apply at once."""
    datadir = settings.state_dir / "faust" / settings.group("enrich")
    datadir.parent.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.group("enrich"),
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
    raw_topic = app.topic(settings.topic(MENTIONS_RAW.name), key_serializer="raw", value_serializer="raw")
    out_topic = app.topic(
        settings.topic(MENTIONS_ENRICHED.name), key_serializer="raw", value_serializer="raw"
    )
    dlq_topic = app.topic(settings.topic(DLQ_ENRICH.name), key_serializer="raw", value_serializer="raw")

    @app.agent(raw_topic, name="enrich-mentions")
    async def enrich_mentions(stream: Any) -> None:
        async for events in stream.take_events(
            settings.enrich_batch_size, within=settings.enrich_batch_within_s
        ):
            messages = [
                InMessage(
                    e.message.key, e.message.value, e.message.topic, e.message.partition, e.message.offset
                )
                for e in events
            ]
            output = await asyncio.to_thread(  # CPU-bound: keeps the event loop (heartbeats) responsive
                enrich_messages,
                messages,
                now=utc_now(),
                matcher=matcher(),
                tagger=tagger,
                tag_all=settings.ner_scope == "all",
            )
            futures = [await out_topic.send(key=k, value=v) for k, v in output.produced]
            for rej in output.rejected:
                b64, preview = DeadLetter.encode_value(rej.message.value)
                letter = DeadLetter(
                    stage="enrich",
                    reason=rej.reason,
                    error_type=rej.error_type,
                    topic=rej.message.topic,
                    partition=rej.message.partition,
                    offset=rej.message.offset,
                    key=rej.message.key.decode("utf-8", "replace") if rej.message.key else None,
                    value_b64=b64,
                    value_preview=preview,
                    failed_at=utc_now(),
                )
                log.warning(
                    "dead letter: %s",
                    rej.reason[:300],
                    extra={
                        "topic": rej.message.topic,
                        "partition": rej.message.partition,
                        "offset": rej.message.offset,
                    },
                )
                futures.append(
                    await dlq_topic.send(key=rej.message.key, value=letter.model_dump_json().encode())
                )
            if futures:
                await asyncio.gather(*futures)  # delivered before the events are acked
            log.debug(
                "batch enriched",
                extra={
                    "events": len(events),
                    "produced": len(output.produced),
                    "rejected": len(output.rejected),
                },
            )

    return app
