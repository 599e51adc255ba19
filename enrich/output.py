"""Produces a batch's output with the idempotent confluent-kafka producer and blocks until Kafka
acknowledged all of it.

Failed deliveries are retried (backoff with jitter) until they succeed: callers acknowledge their input
events only after :meth:`AckedProducer.deliver` returns, so a broker outage stalls the stage
(backpressure) instead of losing or skipping a mention.
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
from enrich.stream import StepOutput
from schemas.common import utc_now
from schemas.dead_letter import DeadLetter

log = logging.getLogger(__name__)


class Record(NamedTuple):
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


def step_records(output: StepOutput, *, out_topic: str, dlq_topic: str, stage: str) -> list[Record]:
    """Kafka records for a step's output: the produced values, then dead letters with the reason."""
    recs: list[Record] = [Record(out_topic, k, v) for k, v in output.produced]
    for rej in output.rejected:
        b64, preview = DeadLetter.encode_value(rej.message.value)
        letter = DeadLetter(
            stage=stage,
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
        recs.append(Record(dlq_topic, rej.message.key, letter.model_dump_json().encode()))
    return recs


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
                        on_delivery=callback(record),
                    )
                    break
                except BufferError:  # local queue full: let librdkafka drain it (backpressure)
                    self.producer.poll(0.05)
        remaining = self.producer.flush(60)
        if remaining:
            raise RuntimeError(f"{remaining} records still queued after 60 s")
        return failed
