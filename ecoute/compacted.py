"""Following a compacted Kafka topic as a table, in every process that needs all of it.

Configuration (queries, rules, subscriptions, tenants, sources) must reach every worker, so the reader
is not part of a consumer group: it assigns all partitions from the beginning, replays the compacted
history, signals when it has caught up with what existed at start-up, then follows new records. Each
record goes to ``table.apply(key, value, where=…)`` (``value`` None is a tombstone); the table decides
what a bad record means and must not raise.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from ecoute.kafka import table_reader_config
from ecoute.settings import Settings

log = logging.getLogger(__name__)


class ChangelogTable(Protocol):
    def apply(self, key: bytes | None, value: bytes | None, *, where: str = "") -> None: ...


class CompactedTopicReader:
    """Background thread following one compacted topic into a :class:`ChangelogTable`."""

    def __init__(self, settings: Settings, topic: str, table: ChangelogTable) -> None:
        self.settings = settings
        self.topic = topic
        self.table = table
        self._stop = threading.Event()
        self._caught_up = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"read-{self.topic}", daemon=True)
        self._thread.start()

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Block until the history present at start-up has been applied (or timeout)."""
        return self._caught_up.wait(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def _run(self) -> None:
        """Follow the topic until stopped; Kafka errors (broker down, topic not created yet) are logged
        and retried every 2 s, replaying from the beginning (harmless: records are idempotent)."""
        while not self._stop.is_set():
            try:
                self._follow()
                return
            except KafkaException as exc:
                log.warning("table reader: Kafka unavailable, retrying: %s", exc, extra={"topic": self.topic})
            self._stop.wait(2.0)

    def _partitions(self, consumer: Consumer) -> list[int]:
        """The topic's partitions, waiting (polling every 2 s) while it does not exist yet; an absent
        topic counts as an empty table for :meth:`wait_caught_up`."""
        while not self._stop.is_set():
            topic_meta = consumer.list_topics(self.topic, timeout=30).topics.get(self.topic)
            if topic_meta is not None and topic_meta.error is None and topic_meta.partitions:
                return list(topic_meta.partitions)
            if not self._caught_up.is_set():
                log.warning("table topic missing: nothing configured yet", extra={"topic": self.topic})
                self._caught_up.set()
            self._stop.wait(2.0)
        return []

    def _follow(self) -> None:
        consumer = Consumer(table_reader_config(self.settings, **{"allow.auto.create.topics": False}))
        try:
            partitions = self._partitions(consumer)
            if not partitions:
                return
            consumer.assign([TopicPartition(self.topic, p, OFFSET_BEGINNING) for p in partitions])
            at_end: set[int] = set()
            while not self._stop.is_set():
                msg = consumer.poll(0.2)
                if msg is None:
                    continue
                err = msg.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_end.add(msg.partition() or 0)
                        if len(at_end) == len(partitions) and not self._caught_up.is_set():
                            self._caught_up.set()
                            log.info("table loaded", extra={"topic": self.topic})
                    else:
                        log.warning("table reader error: %s", err, extra={"topic": self.topic})
                    continue
                where = f"{msg.topic()}/{msg.partition()}@{msg.offset()}"
                self.table.apply(msg.key(), msg.value(), where=where)
        finally:
            consumer.close()
