"""Kafka plumbing shared by the stages: client configs, topic creation from the registry, and the
dead-letter producer. Business logic never imports this; stage shells do.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from ecoute.backoff import backoff_delay
from ecoute.settings import Settings
from schemas.common import utc_now
from schemas.dead_letter import DeadLetter
from schemas.topics import REGISTRY, TopicSpec

log = logging.getLogger(__name__)
_client_log = logging.getLogger("ecoute.kafka.client")
_probe_log = logging.getLogger("ecoute.kafka.probe")
_probe_log.setLevel(logging.CRITICAL)  # connection-refused noise while polling a starting broker


def producer_config(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Idempotent, acks=all producer: retries never duplicate or reorder within a partition."""
    cfg: dict[str, Any] = {
        "bootstrap.servers": settings.effective_kafka_bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 20,
        "batch.num.messages": 10_000,
        "compression.type": "lz4",
        "message.max.bytes": 2_000_000,
        "queue.buffering.max.messages": 200_000,
        "logger": _client_log,
    }
    cfg.update(overrides)
    return cfg


def consumer_config(settings: Settings, group: str, **overrides: Any) -> dict[str, Any]:
    """Manual-commit consumer: offsets are committed by the stage only after its output is durable."""
    cfg: dict[str, Any] = {
        "bootstrap.servers": settings.effective_kafka_bootstrap,
        "group.id": group,
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "partition.assignment.strategy": "cooperative-sticky",
        "max.poll.interval.ms": 300_000,
        "logger": _client_log,
    }
    cfg.update(overrides)
    return cfg


_LEADERLESS = frozenset(
    {KafkaError.NOT_LEADER_FOR_PARTITION, KafkaError.LEADER_NOT_AVAILABLE, KafkaError.UNKNOWN_TOPIC_OR_PART}
)


def watermark_offsets(
    consumer: Consumer, topic: str, partition: int, timeout_s: float = 10.0
) -> tuple[int, int]:
    """``(low, high)`` offsets of one partition. A topic created a moment ago may have no leader yet
    (``NOT_LEADER_FOR_PARTITION`` and kin): such transient errors are retried with backoff and jitter
    until ``timeout_s``; any other error, or a transient one still there at the deadline, raises
    ``KafkaException``."""
    deadline = time.monotonic() + timeout_s
    attempt = 0
    while True:
        left = deadline - time.monotonic()
        try:
            low, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=max(left, 0.1)
            )
            return int(low), int(high)
        except KafkaException as exc:
            error = exc.args[0] if exc.args else None
            transient = isinstance(error, KafkaError) and (error.retriable() or error.code() in _LEADERLESS)
            if not transient or left <= 0:
                raise
            log.info(
                "no partition leader yet, retrying: %s", error, extra={"topic": topic, "partition": partition}
            )
            time.sleep(min(backoff_delay(attempt, base_s=0.1), max(left, 0.0)))
            attempt += 1


def table_reader_config(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """A consumer that reads whole topics from the offsets it assigns itself and never commits (the
    group id is a throwaway the client requires): the readers of compacted configuration topics."""
    cfg: dict[str, Any] = {
        "bootstrap.servers": settings.effective_kafka_bootstrap,
        "group.id": f"unused-{uuid.uuid4().hex}",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    }
    cfg.update(overrides)
    return cfg


def delete_topics_with_prefix(settings: Settings, *prefixes: str, timeout_s: float = 30.0) -> list[str]:
    """Delete every topic whose name starts with one of ``prefixes`` (a benchmark's or a test's own
    topics, Faust's internal ones included); returns the names asked for deletion. Never raises: it
    is clean-up, and a broker that is down keeps its topics (logged)."""
    try:
        admin = AdminClient({"bootstrap.servers": settings.effective_kafka_bootstrap, "logger": _client_log})  # type: ignore[dict-item]
        names = [t for t in admin.list_topics(timeout=timeout_s).topics if t.startswith(prefixes)]
        if names:
            for name, future in admin.delete_topics(names, operation_timeout=timeout_s).items():
                try:
                    future.result()
                except KafkaException as exc:
                    log.warning("topic not deleted: %s", exc, extra={"topic": name})
        return names
    except KafkaException as exc:
        log.warning("topics not deleted: %s", exc, extra={"prefixes": prefixes})
        return []


def ensure_topics(
    settings: Settings, specs: Iterable[TopicSpec] = REGISTRY, timeout_s: float = 30.0
) -> list[str]:
    """Create the registry's topics that do not exist yet (with the registry's configuration).

    Returns the physical names created. Raises ``KafkaException`` if the broker refuses for another
    reason than "already exists".
    """
    admin = AdminClient({"bootstrap.servers": settings.effective_kafka_bootstrap, "logger": _client_log})  # type: ignore[dict-item]
    existing = set(admin.list_topics(timeout=timeout_s).topics)
    wanted = [
        NewTopic(
            settings.topic(s.name),
            num_partitions=s.partitions or settings.topic_partitions,
            replication_factor=1,
            config=s.config(),
        )
        for s in specs
        if settings.topic(s.name) not in existing
    ]
    if not wanted:
        return []
    created = []
    for name, future in admin.create_topics(wanted, operation_timeout=timeout_s).items():
        try:
            future.result()
            created.append(name)
        except KafkaException as exc:
            if exc.args and getattr(exc.args[0], "name", lambda: "")() == "TOPIC_ALREADY_EXISTS":
                continue
            raise
    log.info("created topics", extra={"topics": ",".join(created)})
    _wait_for_leaders(admin, [t.topic for t in wanted], timeout_s)
    return created


def ensured_partitions(settings: Settings, spec: TopicSpec, timeout_s: float = 30.0) -> int:
    """Create ``spec``'s topic if it does not exist yet and return its partition count as the broker
    reports it (a topic created earlier with another count keeps that count: whoever places records by
    partition must use it). Raises ``KafkaException`` or ``TimeoutError`` like :func:`ensure_topics`."""
    ensure_topics(settings, [spec], timeout_s)
    name = settings.topic(spec.name)
    admin = AdminClient({"bootstrap.servers": settings.effective_kafka_bootstrap, "logger": _client_log})  # type: ignore[dict-item]
    topic = admin.list_topics(name, timeout=timeout_s).topics.get(name)
    if topic is None or topic.error is not None or not topic.partitions:
        raise KafkaException(f"topic {name} has no partitions: {topic.error if topic else 'missing'}")
    return len(topic.partitions)


def _wait_for_leaders(admin: AdminClient, topics: list[str], timeout_s: float) -> None:
    """Block until every partition of ``topics`` has a leader (a topic just created is not usable
    before: offsets and produce requests fail with NOT_LEADER_FOR_PARTITION). Raises ``TimeoutError``."""
    deadline = time.monotonic() + timeout_s
    pending = set(topics)
    while pending:
        meta = admin.list_topics(timeout=max(1.0, deadline - time.monotonic()))
        for name in list(pending):
            topic = meta.topics.get(name)
            if (
                topic is not None
                and topic.error is None
                and topic.partitions
                and all(p.leader >= 0 and p.error is None for p in topic.partitions.values())
            ):
                pending.discard(name)
        if pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"topics without a leader after {timeout_s:.0f}s: {sorted(pending)}")
            time.sleep(0.1)


class DeadLetterProducer:
    """Sends poison messages to ``dlq.<stage>`` with the reason; never drops one silently.

    ``send`` queues the message; ``flush`` blocks until the broker acknowledged everything queued and
    raises ``RuntimeError`` if any dead letter could not be delivered (the caller must then not commit).
    """

    def __init__(self, settings: Settings, stage: str, producer: Producer | None = None) -> None:
        self.stage = stage
        self.topic = settings.topic(f"dlq.{stage}")
        self._producer = producer or Producer(producer_config(settings))
        self._failures: list[str] = []

    def _on_delivery(self, err: Any, _msg: Any) -> None:
        if err is not None:
            self._failures.append(str(err))

    def send(
        self,
        *,
        reason: str,
        error: BaseException | str,
        key: bytes | str | None,
        value: bytes | None,
        topic: str | None = None,
        partition: int | None = None,
        offset: int | None = None,
        source: str | None = None,
    ) -> DeadLetter:
        b64, preview = DeadLetter.encode_value(value)
        key_text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
        letter = DeadLetter(
            stage=self.stage,
            reason=reason[:4000],
            error_type=error if isinstance(error, str) else type(error).__name__,
            source=source,
            topic=topic,
            partition=partition,
            offset=offset,
            key=key_text,
            value_b64=b64,
            value_preview=preview,
            failed_at=utc_now(),
        )
        log.warning(
            "dead letter: %s",
            reason[:300],
            extra={
                "stage": self.stage,
                "topic": topic,
                "partition": partition,
                "offset": offset,
                "source": source,
            },
        )
        self._producer.produce(
            self.topic, key=key, value=letter.model_dump_json().encode(), on_delivery=self._on_delivery
        )
        self._producer.poll(0)
        return letter

    def reject(self, msg: Message, *, reason: str, error: BaseException | str) -> DeadLetter:
        """Dead-letter a consumed message (its key, bytes, topic, partition and offset)."""
        return self.send(
            reason=reason,
            error=error,
            key=msg.key(),
            value=msg.value(),
            topic=msg.topic(),
            partition=msg.partition(),
            offset=msg.offset(),
        )

    def flush(self, timeout_s: float = 30.0) -> None:
        remaining = self._producer.flush(timeout_s)
        if remaining or self._failures:
            failures, self._failures = self._failures, []
            raise RuntimeError(f"dead letters not delivered: {remaining} pending, errors: {failures[:3]}")


def broker_reachable(bootstrap: str, timeout_s: float = 5.0) -> bool:
    """True if a Kafka broker at ``bootstrap`` answers a metadata request within ``timeout_s``."""
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "socket.timeout.ms": int(timeout_s * 1000),
        "logger": _probe_log,
    }
    admin = AdminClient(config)
    try:
        meta = admin.list_topics(timeout=timeout_s)
    except Exception:
        return False
    return bool(meta.brokers)
