"""The alerting Faust app: ``mentions.matches`` → detectors → ``alerts``.

The enrichment worker writes the query matches of its mentions to ``mentions.matches``, on the
partition of each query's key ``tenant:query`` and grouped per partition into
:class:`~schemas.matches.MatchBatch` records, so every query's state lives on exactly one partition
whatever the number of workers. One agent, **detect**, reads that topic in batches and runs
:class:`~alerting.engine.AlertEngine` on each event, with its state in changelog-backed tables
(:mod:`alerting.faust_state`); the alerts go to ``alerts`` (key ``tenant:rule``). A timer sends a
tick to every partition of ``mentions.matches`` so cooldown groups flush and old buckets expire even
when a query goes quiet. Undecodable records go to ``dlq.alerting`` with the reason.

The agent produces its records (alerts, dead letters and the tables' changelog records) with the
idempotent confluent-kafka producer (:class:`~ecoute.acked_producer.AckedProducer`) and returns from a
batch only after Kafka acknowledged every one of them, so committed offsets never run ahead of outputs
or state. Delivery is at least once; alert ids are deterministic, so a replayed alert is recognised
downstream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import faust
from pydantic import ValidationError

from alerting.config_reader import RuleBook
from alerting.engine import AlertEngine, EngineConfig
from alerting.faust_state import FaustStore, create_tables, partition_context
from alerting.settings import AlertingSettings
from ecoute.acked_producer import AckedProducer, Record
from ecoute.faust_fetch import BatchingApp
from ecoute.settings import Settings
from schemas.alert import Alert
from schemas.common import utc_now
from schemas.dead_letter import DeadLetter
from schemas.matches import MatchBatch, TickEvent
from schemas.topics import ALERTS, DLQ_ALERTING, MENTIONS_MATCHES

log = logging.getLogger(__name__)


def engine_config(a: AlertingSettings) -> EngineConfig:
    return EngineConfig(
        max_lateness_s=a.alerting_max_lateness_s,
        future_skew_s=a.alerting_future_skew_s,
        idle_advance_s=a.alerting_idle_advance_s,
        retention_s=a.alerting_retention_s,
        recent_samples=a.alerting_recent_samples,
    )


def _dead_letter(message: Any, reason: str, error_type: str) -> DeadLetter:
    b64, preview = DeadLetter.encode_value(message.value)
    return DeadLetter(
        stage="alerting",
        reason=reason[:4000],
        error_type=error_type,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key.decode("utf-8", "replace") if message.key else None,
        value_b64=b64,
        value_preview=preview,
        failed_at=utc_now(),
    )


@dataclass(frozen=True, slots=True)
class AlertingApp:
    app: faust.App
    engine: AlertEngine
    store: FaustStore


def create_app(
    settings: Settings, alerting: AlertingSettings, rules: RuleBook, partitions: int | None = None
) -> AlertingApp:
    """Build the alerting app; ``rules`` is read live (changes apply to the next event).
    ``partitions``: those of ``mentions.matches`` (default ``settings.topic_partitions``), which the
    tables' changelogs and the ticks follow."""
    app_id = settings.group("alerting")
    datadir = settings.state_dir / "faust" / app_id
    datadir.parent.mkdir(parents=True, exist_ok=True)
    partitions = partitions or settings.topic_partitions
    app = BatchingApp(
        app_id,
        fetch_min_bytes=settings.faust_fetch_min_bytes,
        fetch_max_wait_ms=alerting.alerting_fetch_max_wait_ms,
        broker=f"kafka://{settings.effective_kafka_bootstrap}",
        store="memory://",
        web_enabled=False,
        autodiscover=False,
        topic_allow_declare=True,  # Faust owns the tables' changelog topics
        topic_disable_leader=True,
        topic_partitions=partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_linger=0.005,  # ticks: fewer, larger produce requests
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        datadir=str(datadir),
    )
    matches = app.topic(
        settings.topic(MENTIONS_MATCHES.name),
        key_serializer="raw",
        value_serializer="raw",
        partitions=partitions,
    )
    alerts_name = settings.topic(ALERTS.name)
    dlq_name = settings.topic(DLQ_ALERTING.name)
    detect_out = AckedProducer(settings)
    store = FaustStore(create_tables(app, partitions))
    engine = AlertEngine(store, rules, engine_config(alerting))

    def _reset_derived(_sender: Any, /, *_args: Any, signal: Any, **_kwargs: Any) -> None:
        store.reset()
        engine.reset_derived()

    app.on_partitions_revoked.connect(_reset_derived)
    app.on_partitions_assigned.connect(_reset_derived)

    @app.agent(matches, name="alerting-detect")
    async def detect(stream: Any) -> None:
        async for events in stream.take_events(
            alerting.alerting_batch_size, within=alerting.alerting_batch_within_s
        ):
            out: list[Alert] = []
            letters: list[tuple[bytes | None, DeadLetter]] = []
            wall = time.time()
            started = time.perf_counter()
            processed = 0
            for event in events:
                msg = event.message
                raw = msg.value or b""
                try:
                    with partition_context(msg.partition):
                        if raw.startswith(b'{"kind":"tick"'):
                            tick = TickEvent.model_validate_json(raw)
                            out += engine.tick(partition=msg.partition, wall=tick.wall)
                        else:
                            matched = MatchBatch.model_validate_json(raw).events()
                            processed += len(matched)
                            for match in matched:
                                out += engine.process(match, partition=msg.partition, wall=wall)
                except ValidationError as exc:
                    letters.append(
                        (msg.key, _dead_letter(msg, f"not a match event: {exc}", type(exc).__name__))
                    )
            # the tables are updated before the first await: a rebalance cannot interleave with it
            records = store.flush()
            writes = len(records)
            records += [Record(dlq_name, key, letter.model_dump_json().encode()) for key, letter in letters]
            for alert in out:
                log.info(
                    "alert %s",
                    alert.title,
                    extra={"tenant": alert.tenant, "rule": alert.rule_id, "count": alert.count},
                )
                records.append(Record(alerts_name, alert.key.encode(), alert.model_dump_json().encode()))
            computed = time.perf_counter()
            if records:  # changelogs, alerts and dead letters acknowledged before the batch is acked
                await asyncio.to_thread(detect_out.deliver, records)
            log.debug(
                "detected",
                extra={
                    "events": len(events),
                    "matches": processed,
                    "alerts": len(out),
                    "writes": writes,
                    "ms": round((time.perf_counter() - started) * 1e3, 1),
                    "compute_ms": round((computed - started) * 1e3, 1),
                },
            )

    @app.timer(alerting.alerting_tick_s)  # type: ignore[untyped-decorator]
    async def tick() -> None:
        # every worker ticks every partition (no leader election: topic_disable_leader); a duplicate
        # tick is harmless, the owner of the partition flushes what is due once
        value = TickEvent(wall=time.time()).model_dump_json().encode()
        for partition in range(partitions):
            await matches.send(key=None, value=value, partition=partition)

    return AlertingApp(app, engine, store)
