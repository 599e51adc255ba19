"""Where cursors live: :class:`MemoryCursorStore` (one process, tests, the demo) and
:class:`KafkaCursorStore` (the compacted ``ingest.cursors`` topic, key = source id).

``load`` reads the topic to its end (partitions assigned from the beginning, no consumer group), then
reconciles every cursor left with a ``pending`` intent by a crash (see :mod:`ingest.recovery`).
``write`` returns only once the broker acknowledged the cursor; it raises ``RuntimeError`` otherwise.
Kafka calls block, so the async methods run them in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from pydantic import ValidationError

from ecoute.kafka import consumer_config, producer_config, watermark_offsets
from ecoute.settings import Settings
from ingest.recovery import reconcile_pending
from schemas.cursor import SourceCursor
from schemas.topics import INGEST_CURSORS, MENTIONS_RAW

log = logging.getLogger(__name__)


class CursorStore(Protocol):
    async def load(self, source_ids: Iterable[str]) -> dict[str, SourceCursor]: ...

    async def write(self, cursor: SourceCursor) -> None: ...

    async def mention_offsets(self) -> dict[int, int]: ...

    async def reconcile(self, cursor: SourceCursor) -> SourceCursor:
        """``cursor`` with its ``pending`` intent resolved (and written)."""
        ...

    def close(self) -> None: ...


class MemoryCursorStore:
    """Cursors in a dict: nothing survives the process (what the demo's one-shot runs want)."""

    def __init__(self) -> None:
        self.cursors: dict[str, SourceCursor] = {}

    async def load(self, source_ids: Iterable[str]) -> dict[str, SourceCursor]:
        return {i: self.cursors[i] for i in source_ids if i in self.cursors}

    async def write(self, cursor: SourceCursor) -> None:
        self.cursors[cursor.source_id] = cursor

    async def mention_offsets(self) -> dict[int, int]:
        return {}

    async def reconcile(self, cursor: SourceCursor) -> SourceCursor:
        """Nothing to look up in memory: the intent is dropped (its page will be produced again)."""
        fixed = cursor.model_copy(update={"pending": None})
        self.cursors[cursor.source_id] = fixed
        return fixed

    def close(self) -> None:
        return None


def _reader(settings: Settings) -> Consumer:
    group = f"{settings.group('ingest-reader')}.{uuid.uuid4().hex[:8]}"
    return Consumer(consumer_config(settings, group, **{"enable.partition.eof": False}))


def read_topic_to_end(settings: Settings, topic: str, timeout_s: float = 30.0) -> dict[str, bytes | None]:
    """Last value per key of ``topic`` (``None`` = tombstone), reading every partition to its end."""
    consumer = _reader(settings)
    try:
        meta = consumer.list_topics(topic, timeout=timeout_s).topics[topic]
        if meta.error is not None:
            raise RuntimeError(f"cannot read {topic}: {meta.error}")
        ends: dict[int, int] = {}
        for p in meta.partitions:
            low, high = watermark_offsets(consumer, topic, p, timeout_s)
            if high > low:
                ends[p] = high
        latest: dict[str, bytes | None] = {}
        if not ends:
            return latest
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        while ends:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            key = (msg.key() or b"").decode("utf-8", "replace")
            latest[key] = msg.value()
            partition, offset = msg.partition() or 0, msg.offset() or 0
            if offset >= ends.get(partition, 0) - 1:
                ends.pop(partition, None)
        return latest
    finally:
        consumer.close()


def end_offsets(consumer: Consumer, topic: str, timeout_s: float = 10.0) -> dict[int, int]:
    meta = consumer.list_topics(topic, timeout=timeout_s).topics[topic]
    return {p: watermark_offsets(consumer, topic, p, timeout_s)[1] for p in meta.partitions}


class KafkaCursorStore:
    """Cursors in the compacted ``ingest.cursors`` topic."""

    def __init__(self, settings: Settings, producer: Producer | None = None) -> None:
        self.settings = settings
        self.topic = settings.topic(INGEST_CURSORS.name)
        self.mentions_topic = settings.topic(MENTIONS_RAW.name)
        self._producer = producer or Producer(producer_config(settings, **{"linger.ms": 0}))
        self._offsets_reader: Consumer | None = None
        self._offsets_lock = threading.Lock()
        self._errors: list[str] = []

    def read_all(self) -> dict[str, SourceCursor]:
        """Every cursor in the topic (unreadable values are logged and skipped)."""
        out: dict[str, SourceCursor] = {}
        for key, value in read_topic_to_end(self.settings, self.topic).items():
            if value is None:
                continue
            try:
                out[key] = SourceCursor.model_validate_json(value)
            except ValidationError as exc:
                log.warning("unreadable cursor ignored: %s", exc, extra={"source": key, "topic": self.topic})
        return out

    def _load(self, source_ids: set[str]) -> dict[str, SourceCursor]:
        cursors = {k: v for k, v in self.read_all().items() if k in source_ids}
        for source_id, cursor in list(cursors.items()):
            if cursor.pending is not None:
                cursors[source_id] = self._reconcile(cursor)
        return cursors

    async def load(self, source_ids: Iterable[str]) -> dict[str, SourceCursor]:
        return await asyncio.to_thread(self._load, set(source_ids))

    def _reconcile(self, cursor: SourceCursor) -> SourceCursor:
        fixed = reconcile_pending(self.settings, self.mentions_topic, cursor)
        self._write(fixed)
        return fixed

    async def reconcile(self, cursor: SourceCursor) -> SourceCursor:
        return await asyncio.to_thread(self._reconcile, cursor)

    def _on_delivery(self, err: Any, _msg: Any) -> None:
        if err is not None:
            self._errors.append(str(err))

    def _write(self, cursor: SourceCursor) -> None:
        self._producer.produce(
            self.topic,
            key=cursor.source_id.encode(),
            value=cursor.model_dump_json().encode(),
            on_delivery=self._on_delivery,
        )
        remaining = self._producer.flush(30.0)
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            raise RuntimeError(f"cursor of {cursor.source_id} not acknowledged: {errors[:3]}")

    async def write(self, cursor: SourceCursor) -> None:
        await asyncio.to_thread(self._write, cursor)

    def _mention_offsets(self) -> dict[int, int]:
        with self._offsets_lock:  # one consumer handle, called from several worker threads
            if self._offsets_reader is None:
                self._offsets_reader = _reader(self.settings)
            return end_offsets(self._offsets_reader, self.mentions_topic)

    async def mention_offsets(self) -> dict[int, int]:
        return await asyncio.to_thread(self._mention_offsets)

    def close(self) -> None:
        self._producer.flush(30.0)
        if self._offsets_reader is not None:
            self._offsets_reader.close()
            self._offsets_reader = None
