"""Test helpers for reading and writing real Kafka topics."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

from confluent_kafka import Consumer, Message, Producer


def produce(
    bootstrap: str,
    topic: str,
    records: Sequence[tuple[bytes | None, bytes | None]],
    *,
    timestamp_ms: int = 0,
) -> None:
    """Produce ``records`` and wait for them; ``timestamp_ms`` sets their Kafka timestamp (0: now)."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all"})
    for key, value in records:
        producer.produce(topic, key=key, value=value, timestamp=timestamp_ms)
    assert producer.flush(30) == 0


def read_all(
    bootstrap: str, topic: str, expected: int | None = None, timeout_s: float = 30.0
) -> list[Message]:
    """Every message of ``topic`` from the beginning: until ``expected`` are read or, without it, up to
    each partition's end as it was when called (no idle guess: a slow broker never truncates the read).
    Returns what was read when ``timeout_s`` runs out."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"test-reader-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    out: list[Message] = []
    deadline = time.monotonic() + timeout_s
    try:
        ends = _end_offsets(consumer, topic, timeout_s) if expected is None else {}
        reached: dict[int, int] = {}  # partition → next offset to read
        consumer.subscribe([topic])
        while time.monotonic() < deadline:
            if expected is None and all(reached.get(p, 0) >= end for p, end in ends.items()):
                break
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append(msg)
            partition, offset = msg.partition(), msg.offset()
            if partition is not None and offset is not None:
                reached[partition] = offset + 1
            if expected is not None and len(out) >= expected:
                break
    finally:
        consumer.close()
    return out


def _end_offsets(consumer: Consumer, topic: str, timeout_s: float) -> dict[int, int]:
    """Each partition's high watermark (with records only: an empty partition needs no reading); a
    topic created a moment ago is waited for by :func:`ecoute.kafka.watermark_offsets`."""
    from ecoute.kafka import watermark_offsets

    metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
    ends: dict[int, int] = {}
    for p in metadata.partitions if metadata else {}:
        low, high = watermark_offsets(consumer, topic, p, timeout_s)
        if high > low:
            ends[p] = high
    return ends


def committed_offsets(bootstrap: str, group: str, topic: str, partitions: int) -> dict[int, int]:
    from confluent_kafka import TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        got = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=10)
        return {tp.partition: tp.offset for tp in got}
    finally:
        consumer.close()
