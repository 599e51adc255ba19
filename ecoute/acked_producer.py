"""Produces a batch of records with the idempotent confluent-kafka producer and blocks until Kafka
acknowledged all of it.

Failed deliveries are retried (backoff with jitter) until they succeed: callers acknowledge their input
events only after :meth:`AckedProducer.deliver` returns, so a broker outage stalls the stage
(backpressure) instead of losing or skipping a mention. Used by the Faust stages (enrich, NER,
alerting) for their outputs and state changelogs: librdkafka does per record in C what the Faust
producer does in Python.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from confluent_kafka import Producer

from ecoute.backoff import backoff_delay
from ecoute.kafka import producer_config
from ecoute.settings import Settings

log = logging.getLogger(__name__)


class Record(NamedTuple):
    """One record to produce; ``value`` None is a tombstone, ``partition`` None lets the key decide."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()
    partition: int | None = None


class AckedProducer:
    """``deliver(records)`` returns only when Kafka acknowledged every record."""

    def __init__(self, settings: Settings, producer: Producer | None = None) -> None:
        self.producer = producer or Producer(producer_config(settings, **{"linger.ms": 5}))

    def deliver(self, records: list[Record]) -> int:
        """Produce and wait for every acknowledgement (retrying failures). Returns records delivered."""
        pending = records
        attempt = 0
        while pending:
            failed = self._send_all(pending)
            if failed:
                log.warning(
                    "redelivering %d records",
                    len(failed),
                    extra={"topic": failed[0].topic, "attempt": attempt},
                )
                time.sleep(backoff_delay(attempt))
                attempt += 1
            pending = failed
        return len(records)

    def _send_all(self, records: list[Record]) -> list[Record]:
        """Produce ``records`` and flush; returns those whose delivery failed."""
        failed: list[Record] = []

        def callback(record: Record) -> Callable[[Any, Any], None]:
            def on_delivery(err: Any, _msg: Any) -> None:
                if err is not None:
                    failed.append(record)

            return on_delivery

        for record in records:
            while True:
                try:
                    self.producer.produce(
                        record.topic,
                        key=record.key,
                        value=record.value,
                        headers=list(record.headers) or None,
                        partition=-1 if record.partition is None else record.partition,
                        on_delivery=callback(record),
                    )
                    break
                except BufferError:  # local queue full: let librdkafka drain it (backpressure)
                    self.producer.poll(0.05)
        remaining = self.producer.flush(60)
        if remaining:
            raise RuntimeError(f"{remaining} records still queued after 60 s")
        return failed
