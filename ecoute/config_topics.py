"""Writing configuration events (compacted ``config.*`` topics) — used by the API, the CLI and the demo.

A write is done when the broker acknowledged it (idempotent producer, ``acks=all``); the caller gets
the record's partition and offset back, so it can wait until its own materialised view has applied it
(read-your-writes, see ``api.config.store``). Failure: :class:`ConfigWriteError` (broker unreachable
or the record refused); nothing is half-written from the caller's point of view — either the record is
in the log or the call raised.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from confluent_kafka import KafkaError, Message, Producer
from pydantic import BaseModel

from ecoute.kafka import producer_config
from ecoute.settings import Settings
from schemas.config import QueryDefinition, query_key
from schemas.topics import CONFIG_QUERIES, TopicSpec


class ConfigWriteError(RuntimeError):
    """A configuration record was not acknowledged by Kafka."""


@dataclass(frozen=True, slots=True)
class Written:
    topic: str
    partition: int
    offset: int


class ConfigWriter:
    """Produces config records and waits for their acknowledgement. Thread-safe."""

    def __init__(self, settings: Settings, producer: Producer | None = None) -> None:
        self.settings = settings
        self._producer = producer or Producer(producer_config(settings, **{"linger.ms": 0}))
        self._lock = threading.Lock()

    def put_many(
        self, spec: TopicSpec, records: Iterable[tuple[str, BaseModel | None]], timeout_s: float = 15.0
    ) -> list[Written]:
        """Write ``(key, value)`` records (``None`` = tombstone) in order; raise :class:`ConfigWriteError`
        unless every one was acknowledged within ``timeout_s``."""
        topic = self.settings.topic(spec.name)
        results: list[Written] = []
        errors: list[str] = []

        def on_delivery(err: KafkaError | None, msg: Message) -> None:
            if err is not None:
                errors.append(str(err))
            else:
                results.append(Written(topic, msg.partition() or 0, msg.offset() or 0))

        count = 0
        with self._lock:
            for key, value in records:
                payload = value.model_dump_json().encode() if value is not None else None
                self._producer.produce(topic, key=key.encode(), value=payload, on_delivery=on_delivery)
                count += 1
            remaining = self._producer.flush(timeout_s)
        if remaining or errors or len(results) != count:
            raise ConfigWriteError(
                f"configuration not acknowledged by Kafka ({topic}): "
                f"{errors[:3] or f'{remaining} record(s) still pending after {timeout_s:.0f} s'}"
            )
        return results

    def put(self, spec: TopicSpec, key: str, value: BaseModel | None, timeout_s: float = 15.0) -> Written:
        """Write one record (``None`` = tombstone) and return where it landed."""
        return self.put_many(spec, [(key, value)], timeout_s)[0]


def publish_queries(
    settings: Settings, definitions: Iterable[QueryDefinition], deleted: Iterable[tuple[str, str]] = ()
) -> int:
    """Write query definitions (and tombstones for ``(tenant, id)`` in ``deleted``); wait for the acks.

    Raises :class:`ConfigWriteError` (a ``RuntimeError``) if the broker did not acknowledge everything
    within 30 s.
    """
    records: list[tuple[str, BaseModel | None]] = [(d.key, d) for d in definitions]
    records += [(query_key(tenant, query_id), None) for tenant, query_id in deleted]
    return len(ConfigWriter(settings).put_many(CONFIG_QUERIES, records, timeout_s=30.0))
